//! A span that a panic unwinds records that panic's message, also past
//! application code baton calls on the way that catches a panic of its own
//! (an exporter retrying an encoder that panicked, a diagnostic handler
//! guarding its logger). Bug: the panic hook noted the panic caught inside
//! the callback, and every span the first panic unwound after it recorded
//! that one's message: the outer span of a request said "encoder hiccup"
//! where the request had panicked with "payment declined". Its own
//! process: it installs pipelines, the diagnostic handler and a panic hook.

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicBool, Ordering};

use baton::export::{ExportError, SpanExporter};
use baton::{span, Config, InMemoryExporter, SpanData, Status};

/// What the exporter does with a batch holding the span named "inner".
#[derive(Clone, Copy)]
enum OnInner {
    /// Catches a panic of its own code, then exports.
    CatchOwnPanic,
    /// Refuses it: a diagnostic reaches the handler.
    Fail,
}

struct Exporter(InMemoryExporter, OnInner);

impl SpanExporter for Exporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if batch.iter().any(|s| s.name == "inner") {
            match self.1 {
                OnInner::CatchOwnPanic => {
                    assert!(catch_unwind(|| panic!("encoder hiccup")).is_err())
                }
                OnInner::Fail => return Err(ExportError::Failed("refused".into())),
            }
        }
        self.0.export(batch)
    }
}

/// Panics "payment declined" inside "outer" and "inner"; the status each
/// span was exported with, by name.
fn unwound(on_inner: OnInner) -> Vec<(String, Status)> {
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(Config::new().exporter(Exporter(spans.clone(), on_inner))).unwrap();
    let caught = catch_unwind(|| {
        let _outer = span("outer").enter();
        let _inner = span("inner").enter();
        panic!("payment declined");
    });
    assert_eq!(
        caught.unwrap_err().downcast_ref::<&str>(),
        Some(&"payment declined")
    );
    drop(pipeline);
    let mut by_name: Vec<_> = spans
        .take()
        .into_iter()
        .map(|s| (s.name.into_owned(), s.status))
        .collect();
    by_name.sort_by(|a, b| a.0.cmp(&b.0));
    by_name
}

fn declined() -> Vec<(String, Status)> {
    let declined = Status::Error {
        description: "payment declined".into(),
    };
    ["inner", "outer"]
        .map(|name| (name.to_owned(), declined.clone()))
        .to_vec()
}

#[test]
fn spans_record_the_unwinding_panic_past_callbacks_that_caught_their_own() {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = ["payment declined", "encoder hiccup", "logger hiccup"];
        if !expected
            .iter()
            .any(|e| info.payload().downcast_ref::<&str>() == Some(e))
        {
            quiet(info);
        }
    }));
    // A recording span installs baton's hook (after the one above, which
    // it calls), outside any panic.
    drop(span("installs the hook").start());

    let past_the_exporter = unwound(OnInner::CatchOwnPanic);

    // The exporter refuses "inner"; the report of that reaches a handler
    // that catches a panic of its own.
    static HANDLER_CAUGHT: AtomicBool = AtomicBool::new(false);
    baton::set_diagnostic_handler(Box::new(|_| {
        let caught = catch_unwind(|| panic!("logger hiccup")).is_err();
        HANDLER_CAUGHT.store(caught, Ordering::SeqCst);
    }))
    .unwrap();
    let past_the_handler = unwound(OnInner::Fail);
    assert!(HANDLER_CAUGHT.load(Ordering::SeqCst));

    assert_eq!(past_the_exporter, declined());
    // "inner" was refused: only "outer" is exported.
    assert_eq!(past_the_handler, declined()[1..]);
}

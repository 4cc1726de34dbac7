//! A span that a panic unwinds records that panic's message, also past
//! application code baton calls on the way that catches a panic of its own
//! (an exporter retrying an encoder that panicked, a diagnostic handler
//! guarding its logger). Bug: the panic hook noted the panic caught inside
//! the callback, and every span the first panic unwound after it recorded
//! that one's message: the outer span of a request said "encoder hiccup"
//! where the request had panicked with "payment declined". Its own
//! process: it installs pipelines, the diagnostic handler and a panic hook.

#[path = "common/unwinding.rs"]
mod unwinding;

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicBool, Ordering};

use baton::export::{ExportError, SpanExporter};
use baton::{InMemoryExporter, SpanData, Status};
use unwinding::{declined, quiet_for, unwound};

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

fn unwound_with(on_inner: OnInner) -> Vec<(String, Status)> {
    let spans = InMemoryExporter::default();
    unwound(Exporter(spans.clone(), on_inner), &spans)
}

#[test]
fn spans_record_the_unwinding_panic_past_callbacks_that_caught_their_own() {
    quiet_for(&["payment declined", "encoder hiccup", "logger hiccup"]);

    let past_the_exporter = unwound_with(OnInner::CatchOwnPanic);

    // The exporter refuses "inner"; the report of that reaches a handler
    // that catches a panic of its own.
    static HANDLER_CAUGHT: AtomicBool = AtomicBool::new(false);
    baton::set_diagnostic_handler(Box::new(|_| {
        let caught = catch_unwind(|| panic!("logger hiccup")).is_err();
        HANDLER_CAUGHT.store(caught, Ordering::SeqCst);
    }))
    .unwrap();
    let past_the_handler = unwound_with(OnInner::Fail);
    assert!(HANDLER_CAUGHT.load(Ordering::SeqCst));

    assert_eq!(
        past_the_exporter,
        [
            ("inner".to_owned(), declined()),
            ("outer".to_owned(), declined())
        ]
    );
    // "inner" was refused: only "outer" is exported.
    assert_eq!(past_the_handler, [("outer".to_owned(), declined())]);
}

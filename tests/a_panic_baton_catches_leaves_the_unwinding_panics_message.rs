//! A span that a panic unwinds records that panic's message. Bug: when a
//! span ended on the way and baton caught a panic of the application's
//! code it called there (a simple processor's exporter, the diagnostic
//! handler), the panic hook had noted the caught panic's message, and every
//! span the first panic unwound after that recorded the caught one's: the
//! outer span of a request said "exporter bug" where the request had
//! panicked with "payment declined". Now what baton catches leaves the
//! message of the panic still unwinding. Its own process: it installs
//! pipelines, the diagnostic handler and a panic hook.

#[path = "common/unwinding.rs"]
mod unwinding;

use std::sync::atomic::{AtomicBool, Ordering};

use baton::export::{ExportError, SpanExporter};
use baton::{InMemoryExporter, SpanData};
use unwinding::{declined, quiet_for, unwound};

/// What the exporter does with a batch holding the span named "inner".
#[derive(Clone, Copy)]
enum OnInner {
    Panic,
    Fail,
}

/// Exports into an in-memory exporter, but not the span named "inner".
struct Faulty(InMemoryExporter, OnInner);

impl SpanExporter for Faulty {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if batch.iter().any(|s| s.name == "inner") {
            match self.1 {
                OnInner::Panic => panic!("exporter bug"),
                OnInner::Fail => return Err(ExportError::Failed("refused".into())),
            }
        }
        self.0.export(batch)
    }
}

fn unwound_with(on_inner: OnInner) -> Vec<(String, baton::Status)> {
    let spans = InMemoryExporter::default();
    unwound(Faulty(spans.clone(), on_inner), &spans)
}

#[test]
fn spans_record_the_unwinding_panic_past_an_exporter_or_handler_that_panicked() {
    quiet_for(&["payment declined", "exporter bug", "handler bug"]);

    // The exporter panics on "inner", which is lost; "outer" still
    // records the request's panic.
    assert_eq!(
        unwound_with(OnInner::Panic),
        [("outer".to_owned(), declined())]
    );

    // The exporter refuses "inner"; the report of that reaches a handler
    // that panics.
    static HANDLER_PANICKED: AtomicBool = AtomicBool::new(false);
    baton::set_diagnostic_handler(Box::new(|_| {
        HANDLER_PANICKED.store(true, Ordering::SeqCst);
        panic!("handler bug");
    }))
    .unwrap();
    assert_eq!(
        unwound_with(OnInner::Fail),
        [("outer".to_owned(), declined())]
    );
    assert!(HANDLER_PANICKED.load(Ordering::SeqCst));
}

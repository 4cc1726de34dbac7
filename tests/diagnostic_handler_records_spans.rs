//! A diagnostic handler may record spans — before shutdown (they are
//! exported) and after it (they are dropped, which is itself a diagnostic) —
//! and may panic, without recursion, deadlock or a panic escaping baton.
//!
//! Regression: a handler recording a span recursed after shutdown (the
//! span's drop reported a diagnostic, whose handler recorded a span, …)
//! until the stack overflowed. Installs the diagnostic handler and the
//! global pipeline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use baton::export::BatchConfig;
use baton::{diagnostic_count, DiagnosticKind};

static CALLS: AtomicU64 = AtomicU64::new(0);

fn handler(d: &baton::Diagnostic<'_>) {
    CALLS.fetch_add(1, Ordering::SeqCst);
    if d.kind == DiagnosticKind::InvalidArgument {
        panic!("a handler with a bug");
    }
    baton::in_span("diagnostic", || {});
}

/// Out-of-order guard drops: one misuse diagnostic.
fn misuse() {
    let a = baton::set_baggage("k", "1");
    let b = baton::set_baggage("k", "2");
    drop(a);
    drop(b);
}

#[test]
fn a_handler_records_spans_before_and_after_shutdown_and_may_panic() {
    baton::set_diagnostic_handler(Box::new(handler)).unwrap();
    let spans = baton::InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    // Before shutdown: the handler's span is recorded like any other.
    misuse();
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    let names: Vec<_> = spans
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["diagnostic"]);

    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    // After shutdown: a span is dropped (a diagnostic); the handler's own
    // span is dropped too, and that report is counted but not handed back.
    let dropped = diagnostic_count(DiagnosticKind::SpanDropped);
    baton::in_span("after shutdown", || {});
    assert_eq!(CALLS.load(Ordering::SeqCst), 2);
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), dropped + 2);
    misuse();
    assert_eq!(CALLS.load(Ordering::SeqCst), 3);
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), dropped + 3);
    assert_eq!(spans.finished_spans().len(), 1, "nothing after shutdown");

    // A panicking handler: the panic stays inside the report.
    let invalid = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut config = BatchConfig::default();
    config.max_queue_size = 0;
    drop(baton::export::BatchProcessor::new(
        baton::InMemoryExporter::default(),
        config,
    ));
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        invalid + 1
    );
    assert_eq!(CALLS.load(Ordering::SeqCst), 4);
    // And the next report reaches the handler again.
    misuse();
    assert_eq!(CALLS.load(Ordering::SeqCst), 5);
}

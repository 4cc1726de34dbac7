//! The simple processor reports each lost span under the kind the batch
//! processor uses: `export-failed` when the exporter failed or panicked,
//! `span-dropped` when the span never reached it (after shutdown). Its own
//! process: it counts diagnostics.

use std::time::Instant;

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

/// Fails its first export and panics in its second.
struct Faulty(u32);

impl SpanExporter for Faulty {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        self.0 += 1;
        match self.0 {
            1 => Err(ExportError::Failed("collector said no".into())),
            _ => panic!("exporter bug"),
        }
    }
}

#[test]
fn failures_are_export_failed_and_drops_after_shutdown_span_dropped() {
    let span = span();
    let counts = || {
        (
            diagnostic_count(DiagnosticKind::ExportFailed),
            diagnostic_count(DiagnosticKind::SpanDropped),
        )
    };
    let processor = SimpleProcessor::new(Faulty(0));
    let before = counts();
    processor.on_end(span.clone());
    processor.on_end(span.clone());
    assert_eq!(counts(), (before.0 + 2, before.1));
    // Two spans lost, so the shutdown says so.
    assert!(matches!(
        processor.shutdown(Instant::now()),
        Err(ExportError::Undelivered { .. })
    ));
    processor.on_end(span);
    assert_eq!(counts(), (before.0 + 2, before.1 + 1));
    let stats = processor.stats();
    assert_eq!((stats.failed, stats.dropped, stats.exported), (2, 1, 0));
}

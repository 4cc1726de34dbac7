//! A BatchConfig built in code with values out of range is clamped, not a
//! panic, and the clamp is reported as a diagnostic. Reads the global
//! diagnostic counters.

use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};
use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter};

#[test]
fn a_zero_queue_and_an_oversized_batch_are_clamped_and_reported() {
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut config = BatchConfig::default();
    config.max_queue_size = 0;
    config.max_export_batch_size = 10;
    let processor = BatchProcessor::new(InMemoryExporter::default(), config);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
    processor
        .force_flush(Instant::now() + Duration::from_secs(10))
        .unwrap();
    processor
        .shutdown(Instant::now() + Duration::from_secs(10))
        .unwrap();

    let mut fine = BatchConfig::default();
    fine.max_queue_size = 1;
    fine.max_export_batch_size = 1;
    drop(BatchProcessor::new(InMemoryExporter::default(), fine));
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1,
        "in range: no report"
    );
}

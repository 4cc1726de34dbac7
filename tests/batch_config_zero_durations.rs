//! Zero durations in a `BatchConfig` neither panic nor spin: a zero
//! schedule delay is clamped to `MIN_SCHEDULE_DELAY` and reported, a zero
//! export timeout only makes every export count as late, and the spans are
//! still exported. Reads the global diagnostic counters.

use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor, MIN_SCHEDULE_DELAY};
use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

#[test]
fn zero_delay_and_timeout_are_clamped_or_harmless() {
    let span = batch_fixture::span();
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::ZERO;
    config.export_timeout = Duration::ZERO;
    let spans = InMemoryExporter::default();
    let processor = BatchProcessor::new(spans.clone(), config);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
    assert!(format!("{processor:?}").contains(&format!("{MIN_SCHEDULE_DELAY:?}")));
    for _ in 0..10 {
        processor.on_end(span.clone());
    }
    processor
        .shutdown(Instant::now() + Duration::from_secs(3600))
        .unwrap();
    assert_eq!(spans.finished_spans().len(), 10);
}

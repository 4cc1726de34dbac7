//! `Duration::MAX` works wherever a duration is taken: as the schedule
//! delay and the export timeout of a `BatchConfig`, and as the timeout of
//! `force_flush` and `shutdown` (no deadline).
//!
//! Regression: each of these overflowed an `Instant` and panicked; in the
//! config case the panic killed the worker and every later span was lost
//! with exported = dropped = 0. Installs the global pipeline.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::InMemoryExporter;

#[test]
fn duration_max_in_the_config_and_the_calls_means_no_deadline() {
    let spans = InMemoryExporter::default();
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::MAX;
    config.export_timeout = Duration::MAX;
    let processor = BatchProcessor::new(spans.clone(), config);
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    for _ in 0..1000 {
        baton::in_span("work", || {});
    }
    baton::export::force_flush(Duration::MAX).unwrap();
    assert_eq!(spans.finished_spans().len(), 1000);
    baton::in_span("last", || {});
    pipeline.shutdown(Duration::MAX).unwrap();
    let s = stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.failed, s.in_flight),
        (1001, 1001, 0, 0, 0)
    );
}

//! A `BatchConfig` built in code: a queue of exactly `MAX_QUEUE_SIZE_LIMIT`
//! and a batch equal to the queue are taken as given, without a report;
//! one past, `u32::MAX + 1` and `usize::MAX` are clamped to the limit and
//! reported (`InvalidArgument`), and the processor still exports. Reads
//! the global diagnostic counters.

use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor, MAX_QUEUE_SIZE_LIMIT};
use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter};

fn build(queue: usize, batch: usize) -> u64 {
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut config = BatchConfig::default();
    config.max_queue_size = queue;
    config.max_export_batch_size = batch;
    let processor = BatchProcessor::new(InMemoryExporter::default(), config);
    let reported = diagnostic_count(DiagnosticKind::InvalidArgument) - before;
    processor
        .shutdown(Instant::now() + Duration::from_secs(10))
        .unwrap();
    reported
}

#[test]
fn sizes_at_the_limit_are_kept_and_past_it_clamped_and_reported() {
    assert_eq!(build(MAX_QUEUE_SIZE_LIMIT, MAX_QUEUE_SIZE_LIMIT), 0);
    assert_eq!(build(1, 1), 0);
    assert_eq!(build(MAX_QUEUE_SIZE_LIMIT + 1, 1), 1);
    assert_eq!(build(1, 2), 1, "a batch past the queue");
    assert_eq!(build(1, 0), 1, "a zero batch");
    let past_u32 = usize::try_from(u64::from(u32::MAX) + 1).unwrap();
    assert_eq!(build(past_u32, past_u32), 1);
    assert_eq!(build(usize::MAX, usize::MAX), 1);
}

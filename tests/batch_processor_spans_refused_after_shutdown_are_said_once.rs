//! Spans handed to a batch processor already shut down are refused, each
//! reported as `span-dropped` once, and counted said once in
//! `BatchStats::reported`, which never exceeds the losses it is part of.
//! Bug (review, session 38): the queue's report of a closed drop counted
//! them said a second time, so `reported` passed `dropped + failed`, and a
//! dropped guard's summary would have left later, unreported losses out.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};
use baton::InMemoryExporter;

#[test]
fn spans_refused_after_shutdown_count_as_said_once() {
    let processor = BatchProcessor::new(InMemoryExporter::default(), BatchConfig::default());
    processor
        .shutdown(Instant::now() + Duration::from_secs(10))
        .unwrap();
    for _ in 0..3 {
        processor.on_end(batch_fixture::span());
    }
    let stats = processor.stats();
    assert_eq!((stats.dropped, stats.failed), (3, 0), "{stats:?}");
    assert_eq!(stats.reported, 3, "{stats:?}");
}

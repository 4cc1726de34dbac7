//! Full batches queued behind a slow export go out one after another from
//! the export thread, without a round trip through the worker for each.
//!
//! Found by the peer benchmark's flood (100,000 root spans made back to
//! back into a queue of 65,536): the worker handed the export thread two
//! batches at a time and was woken by it for the next two, so on a 2-core
//! VM each pair of batches waited for two thread wake-ups of tens of
//! microseconds. The exports fell behind the spans, and 6 of 22 floods
//! dropped spans (every drop counted); with the export thread taking the
//! next full batch itself, none of 11.

#![cfg(target_os = "linux")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

#[path = "common/worker_sleeps.rs"]
mod worker_sleeps;

use batch_fixture::{span, SlowCounting};

const BATCH: usize = 64;
const BATCHES: u64 = 200;

#[test]
fn full_batches_queued_wake_the_worker_a_few_times_not_once_a_batch() {
    // The fixture's span first: it installs (and lets go of) a pipeline of
    // its own, whose worker would be counted with this one's.
    let span = span();
    let before = worker_sleeps::workers();
    let exported = Arc::new(AtomicU64::new(0));
    let mut config = BatchConfig::default();
    config.max_export_batch_size = BATCH;
    config.max_queue_size = 1 << 16;
    let processor = BatchProcessor::new(
        // 200 µs an export: the batches queue up behind it.
        SlowCounting(Duration::from_micros(200), exported.clone()),
        config,
    );
    let worker = worker_sleeps::new_worker(&before);
    let start = worker_sleeps::sleeps(&worker);
    for _ in 0..BATCHES * BATCH as u64 {
        processor.on_end(span.clone());
    }
    // No flush: it would export the queue itself, worker or not.
    let deadline = Instant::now() + Duration::from_secs(30);
    while exported.load(Ordering::SeqCst) < BATCHES * BATCH as u64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let woken = worker_sleeps::sleeps(&worker) - start;
    let stats = processor.stats();
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(exported.load(Ordering::SeqCst), BATCHES * BATCH as u64);
    // Woken by the producers as the queue passes its mark, and once the
    // export thread has nothing left; once per two batches, as handing
    // each pair through the worker made it, fails.
    assert!(
        woken < BATCHES / 10,
        "the worker slept {woken} times for {BATCHES} batches"
    );
}

//! A flush of a batch processor does not wake its worker: the caller hands
//! the flush to the export thread, which exports what the processor holds,
//! flushes the exporter and answers, and tells the worker nothing when the
//! export left it no work.
//!
//! Found twice. First, the export thread handed each exported batch's
//! buffer back to the worker through its event channel, so every flush
//! that exported spans woke the worker a second time, after the caller had
//! its answer: on a 2-core machine that wake-up ran beside the caller's
//! next spans (the peer benchmark drains this way between timed chunks)
//! and cost it CPU. Then, the flush itself went through the worker, which
//! passed it on to the export thread: three threads woken in turn for
//! every flush where two do.

#![cfg(target_os = "linux")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

#[path = "common/worker_sleeps.rs"]
mod worker_sleeps;

use batch_fixture::{span, Counting};

const FLUSHES: u64 = 200;

#[test]
fn a_flush_that_exports_wakes_no_worker() {
    // The fixture's span first: it installs (and lets go of) a pipeline of
    // its own, whose worker would be counted with this one's.
    let span = span();
    let before = worker_sleeps::workers();
    let exported = Arc::new(AtomicU64::new(0));
    let processor = BatchProcessor::new(Counting(exported.clone()), BatchConfig::default());
    let worker = worker_sleeps::new_worker(&before);
    // Settled: the worker has gone to sleep waiting for its first event.
    processor
        .force_flush(Instant::now() + Duration::from_secs(30))
        .unwrap();
    let start = worker_sleeps::sleeps(&worker);
    for _ in 0..FLUSHES {
        for _ in 0..10 {
            processor.on_end(span.clone());
        }
        processor
            .force_flush(Instant::now() + Duration::from_secs(30))
            .unwrap();
    }
    let woken = worker_sleeps::sleeps(&worker) - start;
    assert_eq!(exported.load(Ordering::SeqCst), FLUSHES * 10);
    // Room for the odd wait for a lock the export thread holds; one sleep
    // per flush, as passing the flush through the worker made it, fails.
    assert!(
        woken < FLUSHES / 20,
        "the worker slept {woken} times for {FLUSHES} flushes"
    );
}

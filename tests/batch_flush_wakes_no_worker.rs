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
//!
//! Counted through Linux's per-thread count of voluntary context switches:
//! each time the worker sleeps, it is one.

#![cfg(target_os = "linux")]

use std::fs;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{span, Counting};

const FLUSHES: u64 = 200;

/// The ids of this process's threads named `name`.
fn threads_named(name: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for task in fs::read_dir("/proc/self/task").unwrap() {
        let path = task.unwrap().path();
        if fs::read_to_string(path.join("comm")).is_ok_and(|comm| comm.trim_end() == name) {
            ids.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    ids
}

/// How often the thread `id` has gone to sleep.
fn sleeps(id: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/self/task/{id}/status")).unwrap();
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .unwrap();
    line.trim().parse().unwrap()
}

#[test]
fn a_flush_that_exports_wakes_no_worker() {
    // The fixture's span first: it installs (and lets go of) a pipeline of
    // its own, whose worker would be counted with this one's.
    let span = span();
    let before = threads_named("baton-batch");
    let exported = Arc::new(AtomicU64::new(0));
    let processor = BatchProcessor::new(Counting(exported.clone()), BatchConfig::default());
    // A thread names itself once it runs: looked for until it has.
    let named_by = Instant::now() + Duration::from_secs(30);
    let worker = loop {
        let new: Vec<_> = threads_named("baton-batch")
            .into_iter()
            .filter(|id| !before.contains(id))
            .collect();
        match &new[..] {
            [worker] => break worker.clone(),
            [] if Instant::now() < named_by => std::thread::sleep(Duration::from_millis(1)),
            _ => panic!("one new worker thread expected: {new:?}"),
        }
    };
    // Settled: the worker has gone to sleep waiting for its first event.
    processor
        .force_flush(Instant::now() + Duration::from_secs(30))
        .unwrap();
    let start = sleeps(&worker);
    for _ in 0..FLUSHES {
        for _ in 0..10 {
            processor.on_end(span.clone());
        }
        processor
            .force_flush(Instant::now() + Duration::from_secs(30))
            .unwrap();
    }
    let woken = sleeps(&worker) - start;
    assert_eq!(exported.load(Ordering::SeqCst), FLUSHES * 10);
    // Room for the odd wait for a lock the export thread holds; one sleep
    // per flush, as passing the flush through the worker made it, fails.
    assert!(
        woken < FLUSHES / 20,
        "the worker slept {woken} times for {FLUSHES} flushes"
    );
}

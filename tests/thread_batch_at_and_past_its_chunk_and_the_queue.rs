//! A thread's batch of spans ended inside an open parent, at and past the
//! chunk it hands over (the export batch size, when below
//! `THREAD_CHUNK_SIZE`), and into a queue that is full: one span short of
//! the chunk waits, the chunk goes at once, the span past it waits again;
//! what the full queue cannot take is counted dropped, and every span is
//! counted once. Installs the global pipeline, one test at a time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, THREAD_CHUNK_SIZE};
use baton::{InMemoryExporter, SpanData};

#[path = "common/gate.rs"]
mod gate;
#[path = "common/stepped.rs"]
mod stepped;

use stepped::stepped;

static PIPELINE: Mutex<()> = Mutex::new(());

fn config(queue: usize, batch: usize) -> BatchConfig {
    let mut config = BatchConfig::default();
    config.max_queue_size = queue;
    config.max_export_batch_size = batch;
    config.scheduled_delay = Duration::from_secs(3600);
    config
}

/// Runs `f` on a thread of its own; each time it calls the step function,
/// flushes from a third thread and records how many spans the exporter
/// holds then.
fn counts_at_each_step(
    exporter: &InMemoryExporter,
    f: impl FnOnce(&dyn Fn()) + Send,
) -> Vec<usize> {
    let mut counts = Vec::new();
    stepped(f, || {
        thread::spawn(|| baton::export::force_flush(Duration::MAX).unwrap())
            .join()
            .unwrap();
        counts.push(exporter.finished_spans().len());
    });
    counts
}

/// Asserts the counts seen at each step are `expected`, unless spans
/// before the first step went early: a span ending
/// `THREAD_CHUNK_LINGER` after the first of its batch hands the batch
/// over (the thread was descheduled between two), and only the total
/// holds then.
fn assert_counts(counts: &[usize], expected: &[usize]) {
    assert_eq!(counts.len(), expected.len());
    if counts[0] == 0 {
        assert_eq!(counts, expected);
    } else {
        assert_eq!(counts.last(), expected.last(), "{counts:?}");
    }
}

#[test]
fn a_batch_one_short_of_the_chunk_waits_and_the_chunk_goes_at_once() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    // Below THREAD_CHUNK_SIZE, the export batch size is the chunk.
    let chunk = 3;
    assert!(chunk < THREAD_CHUNK_SIZE);
    let exporter = InMemoryExporter::default();
    let processor = BatchProcessor::new(exporter.clone(), config(64, chunk));
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let counts = counts_at_each_step(&exporter, |step| {
        let parent = baton::span("parent").enter();
        for _ in 0..chunk - 1 {
            drop(baton::span("child").enter());
        }
        step();
        drop(baton::span("child").enter());
        step();
        drop(baton::span("child").enter());
        step();
        drop(parent);
        step();
    });
    assert_counts(&counts, &[0, chunk, chunk, chunk + 2]);
    pipeline.shutdown(Duration::MAX).unwrap();
    let s = stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (chunk as u64 + 2, chunk as u64 + 2, 0, 0)
    );
}

#[test]
fn at_the_default_chunk_the_batch_goes_at_once() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let exporter = InMemoryExporter::default();
    let processor = BatchProcessor::new(exporter.clone(), config(2048, 512));
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let counts = counts_at_each_step(&exporter, |step| {
        let parent = baton::span("parent").enter();
        for _ in 0..THREAD_CHUNK_SIZE - 1 {
            drop(baton::span("child").enter());
        }
        step();
        drop(baton::span("child").enter());
        step();
        drop(parent);
        step();
    });
    assert_counts(&counts, &[0, THREAD_CHUNK_SIZE, THREAD_CHUNK_SIZE + 1]);
    pipeline.shutdown(Duration::MAX).unwrap();
    let s = stats.get();
    let all = THREAD_CHUNK_SIZE as u64 + 1;
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (all, all, 0, 0)
    );
}

/// Holds its first export until the gate opens; counts what it exported.
struct Held {
    gate: Arc<gate::Gate>,
    exported: Arc<AtomicU64>,
}

impl SpanExporter for Held {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.gate.wait();
        self.exported
            .fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn children_handed_over_into_a_full_queue_are_each_counted_once() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let gate = Arc::new(gate::Gate::default());
    let exported = Arc::new(AtomicU64::new(0));
    let processor = BatchProcessor::new(
        Held {
            gate: gate.clone(),
            exported: exported.clone(),
        },
        config(4, 2),
    );
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let dropped_before = baton::export::dropped_spans();
    let children = 40u64;
    thread::spawn(move || {
        let _parent = baton::span("parent").enter();
        for _ in 0..children {
            drop(baton::span("child").enter());
        }
    })
    .join()
    .unwrap();
    let mid = stats.get();
    assert_eq!(mid.produced, children + 1, "{mid:?}");
    assert_eq!(
        mid.exported + mid.dropped + mid.failed + mid.in_flight,
        mid.produced,
        "{mid:?}"
    );
    assert!(mid.dropped > 0, "a queue of 4 held 41 spans: {mid:?}");
    gate.open();
    let shut = pipeline.shutdown(Duration::MAX);
    let s = stats.get();
    assert!(
        matches!(&shut, Err(ExportError::Undelivered { stats, deadline_passed: false }) if *stats == s),
        "{shut:?}"
    );
    assert_eq!(s.produced, children + 1);
    assert_eq!(
        (s.exported + s.dropped, s.in_flight, s.failed),
        (s.produced, 0, 0),
        "{s:?}"
    );
    assert_eq!(exported.load(Ordering::SeqCst), s.exported);
    assert_eq!(baton::export::dropped_spans() - dropped_before, s.dropped);
}

//! What the race tests share: an exporter that can be made slow and to
//! fail, and that says whether it got a span twice or was called after the
//! test saw its pipeline's shutdown return; and the rounds' bookkeeping.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, BatchStatsHandle, ExportError, SpanExporter,
};
use baton::{PipelineGuard, SpanData, SpanId};

/// Installs a batch pipeline exporting to `exporter`, its queue `queue`
/// spans long, exporting at most `batch` at a time every `delay`: its
/// guard and its counters.
pub fn install(
    exporter: impl SpanExporter,
    queue: usize,
    batch: usize,
    delay: Duration,
) -> (PipelineGuard, BatchStatsHandle) {
    let mut config = BatchConfig::default();
    config.max_queue_size = queue;
    config.max_export_batch_size = batch;
    config.scheduled_delay = delay;
    let processor = BatchProcessor::new(exporter, config);
    let stats = processor.stats_handle();
    let guard = baton::init(baton::Config::new().processor(processor)).unwrap();
    (guard, stats)
}

/// Records every span id it is offered; fails every `fail_every`-th export
/// (0: none) and yields the processor in each export when `slow`.
#[derive(Clone, Default)]
pub struct Probe {
    inner: Arc<ProbeInner>,
    pub fail_every: u64,
    pub slow: bool,
}

#[derive(Default)]
struct ProbeInner {
    offered: Mutex<HashSet<SpanId>>,
    twice: AtomicU64,
    accepted: AtomicU64,
    exports: AtomicU64,
    /// Set by the test once its pipeline's shutdown returned.
    closed: AtomicBool,
    /// Exports called after `closed`.
    late: AtomicU64,
}

impl SpanExporter for Probe {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let inner = &self.inner;
        if inner.closed.load(Ordering::SeqCst) {
            inner.late.fetch_add(1, Ordering::SeqCst);
        }
        {
            let mut offered = inner.offered.lock().unwrap();
            for span in batch {
                if !offered.insert(span.span_id()) {
                    inner.twice.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        if self.slow {
            thread::sleep(Duration::from_micros(200));
        }
        let n = inner.exports.fetch_add(1, Ordering::SeqCst) + 1;
        if self.fail_every > 0 && n % self.fail_every == 0 {
            return Err(ExportError::Failed("the probe fails this export".into()));
        }
        inner
            .accepted
            .fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

impl Probe {
    pub fn new(fail_every: u64, slow: bool) -> Probe {
        Probe {
            inner: Arc::default(),
            fail_every,
            slow,
        }
    }

    /// Marks its pipeline's shutdown as returned: no export may follow.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
    }

    /// Spans it accepted (exports that returned `Ok`).
    pub fn accepted(&self) -> u64 {
        self.inner.accepted.load(Ordering::SeqCst)
    }

    /// Asserts that it got no span twice and no export after
    /// [`close`](Probe::close); the spans it accepted.
    pub fn accepted_once(&self, what: &str) -> u64 {
        assert_eq!(
            self.inner.twice.load(Ordering::SeqCst),
            0,
            "{what}: a span exported twice"
        );
        assert_eq!(
            self.inner.late.load(Ordering::SeqCst),
            0,
            "{what}: exported after its shutdown returned"
        );
        self.accepted()
    }
}

/// Waits, yielding, until `stats` counts `produced` spans or a few
/// seconds passed (the producers are stuck: the round goes on and its
/// checks say what is wrong).
pub fn wait_for_produced(stats: &BatchStatsHandle, produced: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while stats.get().produced < produced && Instant::now() < deadline {
        thread::yield_now();
    }
}

/// Asserts that a processor shut down with no deadline holds nothing and
/// counted each span it took once.
pub fn assert_settled(what: &str, s: &BatchStats) {
    assert_eq!(
        (s.produced, s.in_flight),
        (s.exported + s.dropped + s.failed, 0),
        "{what}: {s:?}"
    );
}

/// Short-lived threads, each ending spans and exiting with them still in
/// its lane, its slot and its batch (under a parent whose guard it
/// forgets, which its exit ends), until `stop`; how many spans.
pub fn churn(stop: &AtomicBool) -> u64 {
    let mut ended = 0;
    while !stop.load(Ordering::Relaxed) {
        thread::spawn(|| {
            baton::in_span("exiting plain root", || {});
            drop(baton::span("exiting root").attr("k", 1).start());
            let parent = baton::span("exiting parent").enter();
            baton::in_span("exiting child", || {});
            std::mem::forget(parent);
        })
        .join()
        .unwrap();
        ended += 4;
    }
    ended
}

/// Spans entered here and ended through a `SpanRef` on another thread, as
/// their guard drops here, with a child here and one there; how many.
pub fn hand_across(stop: &AtomicBool) -> u64 {
    let mut ended = 0;
    while !stop.load(Ordering::Relaxed) {
        let guard = baton::span("handed").enter();
        let handed = baton::current_span().unwrap();
        baton::in_span("child here", || {});
        let there = thread::spawn(move || {
            let _cx = handed.context().attach();
            baton::in_span("child there", || {});
            handed.end();
        });
        thread::yield_now();
        drop(guard);
        there.join().unwrap();
        ended += 3;
    }
    ended
}

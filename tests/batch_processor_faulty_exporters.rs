//! The batch processor's worker survives exporters that hang, panic or fail;
//! producers never wait for them, memory stays bounded by the queue, and
//! every span is exported, counted as dropped or failed, or reported in
//! flight; a flush or shutdown that lost spans says so with the counts. The
//! simple processor catches its exporter's panic too. Installs the global
//! pipeline (to record the spans fed to the processors under test).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

fn config(queue: usize, batch: usize, export_timeout: Duration) -> BatchConfig {
    let mut c = BatchConfig::default();
    c.max_queue_size = queue;
    c.max_export_batch_size = batch;
    c.scheduled_delay = Duration::from_millis(5);
    c.export_timeout = export_timeout;
    c
}

/// Blocks every export until the test ends (bounded, so the thread ends too).
struct Hanging(Arc<Mutex<mpsc::Receiver<()>>>);

impl SpanExporter for Hanging {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.0.lock().unwrap().recv_timeout(Duration::from_secs(60));
        Ok(())
    }
}

#[test]
fn a_hanging_exporter_never_blocks_producers_and_memory_stays_bounded() {
    let (release, hold) = mpsc::channel();
    let (queue, batch) = (64, 8);
    let processor = BatchProcessor::new(
        Hanging(Arc::new(Mutex::new(hold))),
        config(queue, batch, Duration::from_millis(200)),
    );
    let produced = 20_000u64;
    for _ in 0..produced {
        processor.on_end(span());
    }
    let stats = processor.stats();
    // Held at most: the queue, the chunk being built, the batch hung in
    // export and the one handed to the export thread behind it.
    assert!(
        stats.dropped >= produced - (queue + 3 * batch) as u64,
        "{stats:?}"
    );
    assert_eq!(stats.exported, 0);

    let flushed = processor.force_flush(Instant::now() + Duration::from_millis(300));
    assert!(
        matches!(
            flushed,
            Err(ExportError::Undelivered {
                deadline_passed: true,
                ..
            })
        ),
        "{flushed:?}"
    );

    let shut = processor.shutdown(Instant::now() + Duration::from_secs(2));
    let Err(ExportError::Undelivered {
        stats,
        deadline_passed: true,
    }) = shut
    else {
        panic!("the hung exporter cannot shut down cleanly: {shut:?}");
    };
    assert_eq!(stats.produced, produced);
    assert_eq!(
        stats.exported + stats.dropped + stats.failed + stats.in_flight,
        produced,
        "{stats:?}"
    );
    // Only the batch inside the hung export is still held.
    assert!((1..=batch as u64).contains(&stats.in_flight), "{stats:?}");
    assert_eq!(processor.stats(), stats);
    drop(release);
}

/// Panics on the first export, then counts what it receives.
struct PanicsOnce {
    calls: u64,
    received: Arc<AtomicU64>,
}

impl SpanExporter for PanicsOnce {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.calls += 1;
        if self.calls == 1 {
            panic!("exporter bug");
        }
        self.received
            .fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn a_panicking_exporter_loses_only_its_batch() {
    let received = Arc::new(AtomicU64::new(0));
    let exporter = PanicsOnce {
        calls: 0,
        received: Arc::clone(&received),
    };
    let mut config = config(1000, 10, Duration::from_secs(10));
    // Only a full batch or the flush exports: the first batch is exactly 10.
    config.scheduled_delay = Duration::from_secs(600);
    let processor = BatchProcessor::new(exporter, config);
    for _ in 0..10 {
        processor.on_end(span());
    }
    let flushed = processor.force_flush(Instant::now() + Duration::from_secs(20));
    let Err(ExportError::Undelivered { stats, .. }) = flushed else {
        panic!("the panicked batch is a loss: {flushed:?}");
    };
    assert_eq!((stats.failed, stats.in_flight), (10, 0));
    for _ in 0..25 {
        processor.on_end(span());
    }
    // That loss was reported once; the rest is delivered.
    processor
        .shutdown(Instant::now() + Duration::from_secs(20))
        .unwrap();
    let stats = processor.stats();
    assert_eq!(stats.failed, 10, "the panicked batch");
    assert_eq!((stats.exported, stats.dropped), (25, 0));
    assert_eq!(received.load(Ordering::SeqCst), 25);
}

struct Failing;

impl SpanExporter for Failing {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Err(ExportError::Failed("backend down".into()))
    }
}

#[test]
fn a_failing_exporter_counts_its_spans_as_failed_and_shutdown_says_so() {
    let processor = BatchProcessor::new(Failing, config(100, 7, Duration::from_secs(10)));
    for _ in 0..30 {
        processor.on_end(span());
    }
    let shut = processor.shutdown(Instant::now() + Duration::from_secs(20));
    let Err(ExportError::Undelivered {
        stats,
        deadline_passed: false,
    }) = shut
    else {
        panic!("every span failed: {shut:?}");
    };
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.failed,
            stats.in_flight
        ),
        (30, 0, 30, 0)
    );
}

#[test]
fn a_full_queue_drops_past_its_capacity_and_counts_each_drop() {
    let (release, hold) = mpsc::channel();
    // One span fills the single batch that hangs; then exactly `queue` fit.
    let queue = 5;
    let processor = BatchProcessor::new(
        Hanging(Arc::new(Mutex::new(hold))),
        config(queue, queue, Duration::from_secs(30)),
    );
    for _ in 0..queue {
        processor.on_end(span());
    }
    assert_eq!(
        processor.stats().dropped,
        0,
        "at capacity nothing is dropped"
    );
    // Whatever the worker took, at most `queue` more fit; the rest is counted.
    for _ in 0..queue * 3 {
        processor.on_end(span());
    }
    let stats = processor.stats();
    assert!(
        stats.dropped >= queue as u64 && stats.dropped <= 3 * queue as u64,
        "{stats:?}"
    );
    drop(release);
}

/// The simple processor exports on the thread that ends the span, and a
/// panic in its exporter stops there too: the span is counted as failed,
/// the ending thread goes on, and the next span is exported.
#[test]
fn a_panicking_exporter_behind_the_simple_processor_fails_only_its_span() {
    let received = Arc::new(AtomicU64::new(0));
    let processor = baton::export::SimpleProcessor::new(PanicsOnce {
        calls: 0,
        received: Arc::clone(&received),
    });
    processor.on_end(span());
    processor.on_end(span());
    let stats = processor.stats();
    assert_eq!((stats.failed, stats.exported, stats.dropped), (1, 1, 0));
    assert_eq!(received.load(Ordering::SeqCst), 1);
}

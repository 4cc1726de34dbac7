//! The queue's room is counted in spans, never in threads: with the default
//! queue, 256 threads ending spans at a low rate and 20,000 short-lived
//! threads ending one span each lose nothing, and the spans of a thread that
//! exits reach the exporter without waiting for the schedule.
//!
//! Regression: each thread used to reserve a 64-span share of the 2048-span
//! queue, so at most 32 threads held room; 20,000 one-span threads exported
//! 64 spans and dropped 19,936. Installs the global pipeline (to record the
//! spans fed to the processors under test).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{accounted, span_ending_now, Counting};

fn no_deadline() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

#[test]
fn two_hundred_fifty_six_threads_at_a_low_rate_lose_nothing() {
    let received = Arc::new(AtomicU64::new(0));
    let processor = Arc::new(BatchProcessor::new(
        Counting(Arc::clone(&received)),
        BatchConfig::default(),
    ));
    let (threads, per_thread) = (256, 20);
    let start = Arc::new(Barrier::new(threads));
    let producers: Vec<_> = (0..threads)
        .map(|_| {
            let processor = Arc::clone(&processor);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..per_thread {
                    processor.on_end(span_ending_now());
                    // A low rate: a few spans per thread and second.
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    processor.force_flush(no_deadline()).unwrap();
    let produced = (threads * per_thread) as u64;
    let stats = processor.stats();
    assert_eq!(
        (stats.produced, stats.exported, stats.dropped, stats.failed),
        (produced, produced, 0, 0),
        "{stats:?}"
    );
    assert_eq!(received.load(Ordering::SeqCst), produced);
    processor.shutdown(no_deadline()).unwrap();
}

#[test]
fn twenty_thousand_short_lived_threads_lose_nothing() {
    let received = Arc::new(AtomicU64::new(0));
    let processor = Arc::new(BatchProcessor::new(
        Counting(Arc::clone(&received)),
        BatchConfig::default(),
    ));
    let (waves, per_wave) = (200, 100);
    for _ in 0..waves {
        let threads: Vec<_> = (0..per_wave)
            .map(|_| {
                let processor = Arc::clone(&processor);
                std::thread::spawn(move || processor.on_end(span_ending_now()))
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
    processor.shutdown(no_deadline()).unwrap();
    let produced = (waves * per_wave) as u64;
    let stats = processor.stats();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.dropped,
            accounted(&stats)
        ),
        (produced, produced, 0, produced),
        "{stats:?}"
    );
    assert_eq!(received.load(Ordering::SeqCst), produced);
}

/// Tells the test each batch it exports.
struct Announcing(Mutex<mpsc::Sender<usize>>);

impl SpanExporter for Announcing {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.0.lock().unwrap().send(batch.len());
        Ok(())
    }
}

#[test]
fn a_thread_that_exits_hands_its_spans_over_without_waiting_for_the_schedule() {
    let (exported, batches) = mpsc::channel();
    let mut config = BatchConfig::default();
    // No scheduled export at all: only the exit can send these spans.
    config.scheduled_delay = Duration::MAX;
    let processor = Arc::new(BatchProcessor::new(
        Announcing(Mutex::new(exported)),
        config,
    ));
    let worker = Arc::clone(&processor);
    std::thread::spawn(move || {
        for _ in 0..3 {
            worker.on_end(batch_fixture::span());
        }
    })
    .join()
    .unwrap();
    let mut seen = 0;
    while seen < 3 {
        // A generous bound that only a lost hand-over would reach.
        seen += batches.recv_timeout(Duration::from_secs(60)).unwrap();
    }
    assert_eq!(seen, 3);
    processor.force_flush(no_deadline()).unwrap();
    assert_eq!(processor.stats().exported, 3);
}

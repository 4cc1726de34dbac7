//! A flush exports what the batch processor held when it began, then
//! answers, also while other threads end spans faster than the exporter
//! takes them: it does not wait for the spans that keep arriving, which
//! would keep it from answering until its deadline.
//!
//! Installs the global pipeline (to record the span fed to the processor).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{accounted, span, SlowCounting};

#[test]
fn a_flush_beside_a_flood_answers_before_its_deadline() {
    let exported = Arc::new(AtomicU64::new(0));
    let mut config = BatchConfig::default();
    config.max_queue_size = 4096;
    config.max_export_batch_size = 64;
    let processor = Arc::new(BatchProcessor::new(
        // A millisecond per export: far slower than the flood.
        SlowCounting(Duration::from_millis(1), Arc::clone(&exported)),
        config,
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let floods: Vec<_> = (0..2)
        .map(|_| {
            let (processor, stop) = (Arc::clone(&processor), Arc::clone(&stop));
            std::thread::spawn(move || {
                let span = span();
                while !stop.load(Ordering::Relaxed) {
                    processor.on_end(span.clone());
                }
            })
        })
        .collect();
    // The queue is full (a span was dropped) before the flush begins: a
    // flush that waited for an empty queue would never answer.
    while processor.stats().dropped == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let deadline = Duration::from_secs(60);
    for round in 0..3 {
        let flushed = processor.force_flush(Instant::now() + deadline);
        match flushed {
            // The flood's drops, reported by the first flush after them.
            Err(ExportError::Undelivered {
                deadline_passed,
                stats,
            }) => assert!(!deadline_passed, "round {round}: {stats:?}"),
            Ok(()) => {}
            other => panic!("round {round}: {other:?}"),
        }
    }
    stop.store(true, Ordering::Relaxed);
    for flood in floods {
        flood.join().unwrap();
    }
    let shut = processor.shutdown(Instant::now() + deadline);
    assert!(
        matches!(
            shut,
            Ok(())
                | Err(ExportError::Undelivered {
                    deadline_passed: false,
                    ..
                })
        ),
        "{shut:?}"
    );
    let stats = processor.stats();
    assert_eq!(stats.in_flight, 0, "{stats:?}");
    assert_eq!(stats.exported, exported.load(Ordering::SeqCst), "{stats:?}");
    assert_eq!(accounted(&stats), stats.produced, "{stats:?}");
}

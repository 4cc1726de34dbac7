//! Shutdown racing producers on 4 threads: every span produced is either
//! exported or counted as dropped (dropped + exported == produced, none in
//! flight once the producers are done, and the drops are in shutdown's
//! error), a second
//! shutdown says so, and spans ended after shutdown are dropped. Installs
//! the global pipeline (to record the spans fed to the processor).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{span, Counting};

#[test]
fn shutdown_racing_four_producers_keeps_the_count_identity() {
    for round in 0..5 {
        let received = Arc::new(AtomicU64::new(0));
        let mut config = BatchConfig::default();
        config.max_queue_size = 256;
        config.max_export_batch_size = 32;
        config.scheduled_delay = Duration::from_millis(1);
        let processor = Arc::new(BatchProcessor::new(Counting(Arc::clone(&received)), config));
        let start = Arc::new(Barrier::new(5));
        let producers: Vec<_> = (0..4)
            .map(|_| {
                let processor = Arc::clone(&processor);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..100_000 {
                        processor.on_end(span());
                    }
                    100_000u64
                })
            })
            .collect();
        start.wait();
        // Let the producers get going for a moment, varying with the round.
        std::thread::sleep(Duration::from_millis(round * 5));
        let shut = processor.shutdown(Instant::now() + Duration::from_secs(30));
        match &shut {
            Ok(()) => {}
            Err(ExportError::Undelivered {
                stats,
                deadline_passed: false,
            }) => assert!(stats.dropped > 0, "{stats:?}"),
            Err(e) => panic!("round {round}: {e}"),
        }
        let produced: u64 = producers.into_iter().map(|p| p.join().unwrap()).sum();

        let stats = processor.stats();
        assert_eq!(
            (
                stats.produced,
                stats.exported + stats.dropped,
                stats.in_flight
            ),
            (produced, produced, 0),
            "round {round}: {stats:?}"
        );
        assert_eq!(received.load(Ordering::SeqCst), stats.exported);

        assert_eq!(
            processor.shutdown(Instant::now() + Duration::from_secs(1)),
            Err(ExportError::AlreadyShutDown)
        );
        processor.on_end(span());
        assert_eq!(
            processor.stats().dropped,
            stats.dropped + 1,
            "a span after shutdown is dropped"
        );
        assert_eq!(
            processor.force_flush(Instant::now() + Duration::from_secs(1)),
            Err(ExportError::AlreadyShutDown)
        );
    }
}

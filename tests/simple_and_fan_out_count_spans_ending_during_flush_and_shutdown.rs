//! Spans that other threads end while a flush and then a shutdown run are
//! each counted once, behind the processors the batch tests leave out: a
//! simple processor, an application's wrapper around one, and a fan-out
//! of a simple and a batch processor (each of which counts every span).
//! Every span ended is produced by the processors (once by each) or, ended
//! after the shutdown, counted in `dropped_spans()`; what the exporters
//! received is what was counted exported, none twice; and nothing is left
//! in flight.
//!
//! Found sound (export audit, h-expaudit). Installs the global pipeline,
//! again and again: one test alone in its file.

#[path = "common/shared_processor.rs"]
mod shared_processor;

#[path = "common/span_accounting.rs"]
mod span_accounting;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, FanOut, SimpleProcessor};
use shared_processor::Wrapper;
use span_accounting::{assert_shut_down, produce, Recording};

#[derive(Clone, Copy, Debug)]
enum Kind {
    Simple,
    Wrapper,
    FanOut,
}

/// One round: `kind` installed, four threads ending spans while this one
/// flushes with no deadline and with none left, then shuts down with
/// `timeout`; the producers stop only after the shutdown.
fn round(kind: Kind, timeout: Duration) {
    let case = format!("{kind:?}, shutdown({timeout:?})");
    let exporters = [Recording::default(), Recording::default()];
    let config = baton::Config::new();
    let (config, copies) = match kind {
        Kind::Simple => (
            config.processor(SimpleProcessor::new(exporters[0].clone())),
            1,
        ),
        Kind::Wrapper => (
            config.processor(Wrapper(SimpleProcessor::new(exporters[0].clone()))),
            1,
        ),
        Kind::FanOut => {
            let mut small = BatchConfig::default();
            small.max_queue_size = 64;
            small.max_export_batch_size = 16;
            small.scheduled_delay = Duration::from_millis(1);
            let fan_out = FanOut::new(vec![
                Box::new(SimpleProcessor::new(exporters[0].clone())),
                Box::new(BatchProcessor::new(exporters[1].clone(), small)),
            ]);
            (config.processor(fan_out), 2)
        }
    };
    let dropped_before = baton::export::dropped_spans();
    let pipeline = baton::init(config).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let producers: Vec<_> = (0..4)
        .map(|_| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || produce(&stop))
        })
        .collect();
    // Let every producer end spans before the calls (polled, not timed).
    let deadline = Instant::now() + Duration::from_secs(60);
    while pipeline.stats().unwrap().produced < 64 * copies {
        assert!(Instant::now() < deadline, "{case}: no spans produced");
        thread::yield_now();
    }
    let flushed = [
        pipeline.force_flush(Duration::MAX),
        pipeline.force_flush(Duration::ZERO),
    ];
    for flushed in &flushed {
        assert!(
            matches!(flushed, Ok(()) | Err(ExportError::Undelivered { .. })),
            "{case}: {flushed:?}"
        );
    }
    // Its `Ok` is not checked against the counts here: a span ending as
    // the pipeline closes may still be counted dropped by a processor
    // after it returned, a counted drop (the matrix test checks `Ok`
    // where nothing runs beside the call).
    let shut = pipeline.shutdown(timeout);
    stop.store(true, Ordering::Relaxed);
    let ended: u64 = producers.into_iter().map(|p| p.join().unwrap()).sum();
    if timeout == Duration::MAX {
        assert_shut_down(&shut);
    }

    // The batch processor's export of a shutdown past its deadline may
    // still run: wait (generously) until it has returned.
    let deadline = Instant::now() + Duration::from_secs(60);
    let s = loop {
        let s = baton::export::stats().unwrap();
        if s.in_flight == 0 {
            break s;
        }
        assert!(Instant::now() < deadline, "{case}: still in flight: {s:?}");
        thread::sleep(Duration::from_millis(2));
    };
    assert_eq!(
        s.produced,
        s.exported + s.dropped + s.failed,
        "{case}: {s:?}"
    );
    let received: u64 = exporters.iter().map(Recording::received_once).sum();
    assert_eq!(received, s.exported, "{case}: {s:?}");
    assert_eq!(
        s.produced % copies,
        0,
        "{case}: each processor got every span: {s:?}"
    );
    let lost = s.dropped + s.failed;
    let dropped_by_pipeline = baton::export::dropped_spans() - dropped_before - lost;
    assert_eq!(
        ended,
        s.produced / copies + dropped_by_pipeline,
        "{case}: ended {ended}, dropped after the shutdown {dropped_by_pipeline}: {s:?}"
    );
}

#[test]
fn every_span_ended_beside_a_flush_and_a_shutdown_is_counted_once() {
    // Keep the drops after each shutdown off stderr.
    baton::set_diagnostic_handler(Box::new(|_| {})).unwrap();
    for kind in [Kind::Simple, Kind::Wrapper, Kind::FanOut] {
        for timeout in [Duration::MAX, Duration::ZERO, Duration::from_millis(1)] {
            for _ in 0..3 {
                round(kind, timeout);
            }
        }
    }
}

//! A processor shut down with no deadline holds no span: a span handed to
//! it afterwards (one that ended as the pipeline shut down) is dropped and
//! counted at once. Its counters, read while such spans keep coming on
//! other threads, never show one in flight. Both processors counted such a
//! span produced apart from dropped, so one caught between the two counts
//! read as held, and a batch shutdown's `Undelivered` said a span was still
//! in flight when none was (found by the race audit: one round in about
//! 300 of `batch_shutdown_racing_producers_flushes_and_exiting_threads_round_after_round`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SimpleProcessor, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

/// Shuts `processor` down after one span, hands it spans on three threads,
/// and reads its counters 200,000 times once one of them was dropped.
fn late_spans_never_show_in_flight(processor: Arc<dyn SpanProcessor>) {
    let span = batch_fixture::span();
    let stats = || processor.counters().unwrap();
    processor.on_end(span.clone());
    processor
        .shutdown(Instant::now() + Duration::from_secs(60))
        .unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let late: Vec<_> = (0..3)
        .map(|_| {
            let (processor, stop, span) = (Arc::clone(&processor), Arc::clone(&stop), span.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    processor.on_end(span.clone());
                }
            })
        })
        .collect();
    // The late threads are running before the counters are read.
    let started = Instant::now() + Duration::from_secs(60);
    while stats().dropped == 0 {
        assert!(Instant::now() < started, "no late span was dropped");
        thread::yield_now();
    }
    let held = (0..200_000).map(|_| stats()).find(|s| s.in_flight > 0);
    stop.store(true, Ordering::Relaxed);
    late.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(
        held, None,
        "in flight after a shutdown that waited for every span"
    );
    let s = stats();
    assert_eq!((s.exported, s.in_flight), (1, 0), "{s:?}");
    assert_eq!(s.produced, 1 + s.dropped, "{s:?}");
}

#[test]
fn a_batch_processors_counters_never_show_a_late_span_in_flight() {
    let exported = Arc::default();
    let exporter = batch_fixture::Counting(exported);
    late_spans_never_show_in_flight(Arc::new(BatchProcessor::new(
        exporter,
        BatchConfig::default(),
    )));
}

#[test]
fn a_simple_processors_counters_never_show_a_late_span_in_flight() {
    let exported = Arc::default();
    let exporter = batch_fixture::Counting(exported);
    late_spans_never_show_in_flight(Arc::new(SimpleProcessor::new(exporter)));
}

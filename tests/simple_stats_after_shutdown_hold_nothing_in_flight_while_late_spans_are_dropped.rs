//! A simple processor shut down holds no span: a span handed to it
//! afterwards (one that ended as the pipeline shut down) is dropped and
//! counted at once. Its counters, read while such spans keep coming on
//! other threads, never show one in flight: counted produced before it
//! found the exporter gone and dropped after, a span caught between the
//! two counts read as held (the batch processor's was fixed the same way:
//! `batch_stats_after_shutdown_hold_nothing_in_flight_while_late_spans_are_dropped.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{SimpleProcessor, SpanProcessor};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

#[test]
fn counters_read_beside_late_spans_never_show_one_in_flight() {
    let span = batch_fixture::span();
    let exported = Arc::default();
    let processor = Arc::new(SimpleProcessor::new(batch_fixture::Counting(Arc::clone(
        &exported,
    ))));
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
    while processor.stats().dropped == 0 {
        assert!(Instant::now() < started, "no late span was dropped");
        thread::yield_now();
    }
    let reads = 200_000;
    let held = (0..reads)
        .map(|_| processor.stats())
        .find(|s| s.in_flight > 0);
    stop.store(true, Ordering::Relaxed);
    late.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(
        held, None,
        "in flight after a shutdown that waited for every span"
    );
    let s = processor.stats();
    assert_eq!((s.exported, s.in_flight), (1, 0), "{s:?}");
    assert_eq!(s.produced, 1 + s.dropped, "{s:?}");
}

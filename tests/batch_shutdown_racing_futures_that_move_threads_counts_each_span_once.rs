//! Round after round, futures wrapped in spans, with children ended
//! before and after each `.await` and an inner future in a span of its
//! own, run on an executor that moves each to another worker thread every
//! time it is woken, while another thread flushes and a shutdown comes
//! mid-way. After each shutdown returns its exporter is called no more and
//! got no span twice; the processor holds nothing; and every span ended
//! is counted once, by the processor or, ended after the shutdown, in
//! `dropped_spans`. Installs the global pipeline again and again and reads
//! the process-wide drop counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use baton::export::ExportError;
use baton::FutureExt;

mod common;
#[path = "common/race_probe.rs"]
mod race_probe;
#[path = "common/span_accounting.rs"]
mod span_accounting;

use common::{Executor, YieldN};
use race_probe::{assert_settled, wait_for_produced, Probe};
use span_accounting::{assert_each_counted_once, assert_shut_down};

const ROUNDS: u64 = 200;
const TASKS: u64 = 64;
/// Spans each task ends: its own, the inner future's, and three children.
const SPANS_PER_TASK: u64 = 5;

#[test]
fn spans_of_futures_moving_between_threads_across_a_shutdown_are_each_counted_once() {
    for round in 0..ROUNDS {
        let what = format!("round {round}");
        let dropped_before = baton::export::dropped_spans();
        let probe = Probe::new(if round % 3 == 1 { 5 } else { 0 }, round % 2 == 0);
        let (guard, stats) = race_probe::install(probe.clone(), 256, 32, Duration::from_millis(1));

        let done = Arc::new(AtomicU64::new(0));
        let mut executor = Executor::new(4);
        for _ in 0..TASKS {
            let done = Arc::clone(&done);
            executor.spawn(
                async move {
                    baton::in_span("before", || {});
                    YieldN(2).await;
                    async {
                        YieldN(1).await;
                        baton::in_span("inside inner", || {});
                    }
                    .in_span(baton::span("inner"))
                    .await;
                    baton::in_span("after", || {});
                    done.fetch_add(1, Ordering::SeqCst);
                }
                .in_span(baton::span("task")),
            );
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flusher = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match baton::export::force_flush(Duration::MAX) {
                        Ok(())
                        | Err(ExportError::Undelivered { .. })
                        | Err(ExportError::AlreadyShutDown) => {}
                        Err(e) => panic!("flush: {e}"),
                    }
                }
            })
        };
        wait_for_produced(&stats, (round * 11) % (TASKS * SPANS_PER_TASK / 2));
        let shut = guard.shutdown(Duration::MAX);
        probe.close();
        let at_shutdown = stats.get();
        executor.join();
        stop.store(true, Ordering::Relaxed);
        flusher.join().unwrap();

        assert_shut_down(&shut);
        assert_settled(&format!("{what}, as its shutdown returned"), &at_shutdown);
        assert_eq!(done.load(Ordering::SeqCst), TASKS, "{what}");
        let after = stats.get();
        assert_settled(&what, &after);
        let accepted = probe.accepted_once(&what);
        assert_each_counted_once(TASKS * SPANS_PER_TASK, dropped_before, &[after], accepted);
    }
}

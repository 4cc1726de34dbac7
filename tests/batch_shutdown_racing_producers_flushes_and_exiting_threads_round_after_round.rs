//! Round after round, a batch pipeline is installed with an exporter of
//! its own (slow in some rounds, failing some exports in others) while
//! sixteen threads end spans of every kind: plain roots, roots with an
//! attribute, children gathered in their thread's batch, spans of
//! short-lived threads that exit with them unsent, and spans ended through
//! a `SpanRef` on another thread while the thread that entered them drops
//! their guard. Another thread flushes over and over, and a shutdown comes
//! at a point that moves from round to round. After each shutdown returns,
//! its exporter is called no more, got no span twice, and accepted exactly
//! the spans counted exported; the processor holds nothing, and every span
//! ended is counted once, by the processor or, ended after the shutdown,
//! in `dropped_spans`. Installs the global pipeline again and again and
//! reads the process-wide drop counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use baton::export::ExportError;

#[path = "common/race_probe.rs"]
mod race_probe;
#[path = "common/span_accounting.rs"]
mod span_accounting;

use race_probe::{assert_settled, churn, hand_across, wait_for_produced, Probe};
use span_accounting::{assert_each_counted_once, assert_shut_down, produce};

const ROUNDS: u64 = 150;

#[test]
fn each_round_counts_every_span_once_and_exports_nothing_after_its_shutdown() {
    for round in 0..ROUNDS {
        let what = format!("round {round}");
        let dropped_before = baton::export::dropped_spans();
        let probe = Probe::new(if round % 3 == 1 { 4 } else { 0 }, round % 2 == 0);
        let delay = if round % 4 == 3 {
            Duration::MAX
        } else {
            Duration::from_millis(1)
        };
        let (guard, stats) = race_probe::install(probe.clone(), 256, 32, delay);

        let stop = Arc::new(AtomicBool::new(false));
        let start = Arc::new(Barrier::new(17));
        let producers: Vec<_> = (0..16)
            .map(|i| {
                let (stop, start) = (Arc::clone(&stop), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    match i {
                        0 | 1 => churn(&stop),
                        2 | 3 => hand_across(&stop),
                        _ => produce(&stop),
                    }
                })
            })
            .collect();
        let flusher = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut flushes = 0;
                while !stop.load(Ordering::Relaxed) {
                    let timeout = [Duration::ZERO, Duration::MAX][flushes % 2];
                    match baton::export::force_flush(timeout) {
                        Ok(())
                        | Err(ExportError::Undelivered { .. })
                        | Err(ExportError::AlreadyShutDown) => {}
                        Err(e) => panic!("flush {flushes}: {e}"),
                    }
                    flushes += 1;
                }
            })
        };
        start.wait();
        // The shutdown comes at a point that moves from round to round.
        wait_for_produced(&stats, (round * 37) % 600);
        let shut = guard.shutdown(Duration::MAX);
        probe.close();
        let at_shutdown = stats.get();
        let accepted_at_shutdown = probe.accepted();
        stop.store(true, Ordering::Relaxed);
        let ended: u64 = producers.into_iter().map(|t| t.join().unwrap()).sum();
        flusher.join().unwrap();

        assert_shut_down(&shut);
        if let Err(ExportError::Undelivered { stats, .. }) = &shut {
            assert_eq!(
                stats.in_flight, 0,
                "{what}: held after waiting for all: {shut:?}"
            );
        }
        assert_settled(&format!("{what}, as its shutdown returned"), &at_shutdown);
        let accepted = probe.accepted_once(&what);
        assert_eq!(accepted, accepted_at_shutdown, "{what}");
        let after = stats.get();
        assert_settled(&format!("{what}, once its threads ended"), &after);
        assert_eq!(after.exported, at_shutdown.exported, "{what}");
        assert_each_counted_once(ended, dropped_before, &[after], accepted);
    }
}

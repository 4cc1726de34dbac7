//! Sixteen threads keep ending spans of every kind (plain roots, roots
//! with an attribute, children gathered in their thread's batch, spans of
//! threads that exit with them unsent, spans ended through a `SpanRef` on
//! another thread) while the pipeline is shut down and installed again,
//! each time with an exporter of its own. Each pipeline's exporter gets
//! exactly the spans its pipeline counts exported, none twice and none
//! after that pipeline's shutdown returned; each pipeline holds nothing
//! once shut down; and every span ended is counted once, by one pipeline
//! or, ended into one already shut down, in `dropped_spans`. Installs the
//! global pipeline again and again and reads the process-wide drop
//! counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use baton::export::{BatchStatsHandle, ExportError};

#[path = "common/race_probe.rs"]
mod race_probe;
#[path = "common/span_accounting.rs"]
mod span_accounting;

use race_probe::{assert_settled, churn, hand_across, wait_for_produced, Probe};
use span_accounting::{assert_each_counted_once, assert_shut_down, produce};

const PIPELINES: u64 = 120;
const PRODUCERS: usize = 16;

#[test]
fn each_pipeline_installed_in_turn_exports_only_its_own_spans_once() {
    let dropped_before = baton::export::dropped_spans();
    let stop = Arc::new(AtomicBool::new(false));
    let mut installed: Vec<(Probe, BatchStatsHandle)> = Vec::new();
    let mut threads = Vec::new();
    for k in 0..PIPELINES {
        let what = format!("pipeline {k}");
        let probe = Probe::new(if k % 3 == 1 { 3 } else { 0 }, k % 2 == 0);
        let (guard, stats) = race_probe::install(probe.clone(), 512, 64, Duration::from_millis(1));
        if k == 0 {
            threads = (0..PRODUCERS)
                .map(|i| {
                    let stop = Arc::clone(&stop);
                    thread::spawn(move || match i {
                        0 | 1 => churn(&stop),
                        2 | 3 => hand_across(&stop),
                        _ => produce(&stop),
                    })
                })
                .collect();
        }
        // Every other pipeline is flushed while the threads run.
        wait_for_produced(&stats, 1 + (k * 53) % 400);
        if k % 2 == 1 {
            match guard.force_flush(Duration::MAX) {
                Ok(()) | Err(ExportError::Undelivered { .. }) => {}
                Err(e) => panic!("{what}: flush: {e}"),
            }
        }
        let shut = guard.shutdown(Duration::MAX);
        probe.close();
        assert_shut_down(&shut);
        match &shut {
            Err(ExportError::Undelivered { stats, .. }) => {
                assert_eq!(stats.in_flight, 0, "{what}: {shut:?}");
            }
            Err(ExportError::ParentsOpen { threads, .. }) => {
                assert!(*threads <= PRODUCERS, "{what}: {shut:?}");
            }
            _ => {}
        }
        assert_settled(&what, &stats.get());
        installed.push((probe, stats));
    }
    stop.store(true, Ordering::Relaxed);
    let ended: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();

    let mut all = Vec::new();
    let mut accepted = 0;
    for (k, (probe, stats)) in installed.iter().enumerate() {
        let what = format!("pipeline {k}");
        let s = stats.get();
        assert_settled(&what, &s);
        let own = probe.accepted_once(&what);
        assert_eq!(
            own, s.exported,
            "{what}: its exporter got other spans: {s:?}"
        );
        accepted += own;
        all.push(s);
    }
    assert_each_counted_once(ended, dropped_before, &all, accepted);
}

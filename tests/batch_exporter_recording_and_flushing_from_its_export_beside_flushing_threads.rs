//! An exporter that, from its export, starts spans (not recorded: it runs
//! as pipeline code), flushes (told `Reentrant` rather than waiting on
//! itself), reads the counters, and has a thread of its own end spans
//! into the pipeline it serves, while eight threads end spans and flush
//! over and over and a shutdown comes mid-way, round after round. No call
//! waits on itself, its export is called no more once the shutdown
//! returned, and every span ended (also those of its own threads) is
//! counted once, by the processor or, ended after the shutdown, in
//! `dropped_spans`. Installs the global pipeline again and again and reads
//! the process-wide drop counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use baton::export::{ExportError, SpanExporter};
use baton::SpanData;

#[path = "common/race_probe.rs"]
mod race_probe;
#[path = "common/span_accounting.rs"]
mod span_accounting;

use race_probe::{assert_settled, wait_for_produced, Probe};
use span_accounting::{assert_each_counted_once, assert_shut_down};

const ROUNDS: u64 = 60;

/// A [`Probe`] that calls back into baton from each export.
struct CallingBack {
    probe: Probe,
    /// Spans its threads ended.
    ended: Arc<AtomicU64>,
    /// What its flushes returned, other than told `Reentrant` or that the
    /// pipeline is shut down.
    odd_flushes: Arc<Mutex<Vec<ExportError>>>,
}

impl SpanExporter for CallingBack {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        baton::in_span("the exporter's own", || {
            assert!(!baton::current_span().unwrap().is_recording());
        });
        match baton::export::force_flush(Duration::MAX) {
            Err(ExportError::Reentrant | ExportError::AlreadyShutDown) => {}
            Ok(()) => self.odd_flushes.lock().unwrap().push(ExportError::Panicked),
            Err(e) => self.odd_flushes.lock().unwrap().push(e),
        }
        let _ = baton::export::stats();
        // A thread of its own is no pipeline code: its spans are recorded.
        let ended = Arc::clone(&self.ended);
        thread::spawn(move || {
            baton::in_span("from the exporter's thread", || {
                baton::in_span("its child", || {});
            });
            ended.fetch_add(2, Ordering::SeqCst);
        })
        .join()
        .unwrap();
        self.probe.export(batch)
    }
}

#[test]
fn an_exporter_calling_back_into_baton_beside_flushing_threads_counts_every_span_once() {
    for round in 0..ROUNDS {
        let what = format!("round {round}");
        let dropped_before = baton::export::dropped_spans();
        let probe = Probe::new(if round % 2 == 1 { 3 } else { 0 }, false);
        let exporter = CallingBack {
            probe: probe.clone(),
            ended: Arc::default(),
            odd_flushes: Arc::default(),
        };
        let (by_exporter, odd_flushes) = (
            Arc::clone(&exporter.ended),
            Arc::clone(&exporter.odd_flushes),
        );
        let (guard, stats) = race_probe::install(exporter, 256, 16, Duration::from_millis(1));

        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let stop = Arc::clone(&stop);
                thread::spawn(move || {
                    let mut ended = 0;
                    while !stop.load(Ordering::Relaxed) {
                        baton::in_span("parent", || baton::in_span("child", || {}));
                        ended += 2;
                        match baton::export::force_flush(Duration::MAX) {
                            Ok(())
                            | Err(ExportError::Undelivered { .. })
                            | Err(ExportError::AlreadyShutDown) => {}
                            Err(e) => panic!("flush: {e}"),
                        }
                    }
                    ended
                })
            })
            .collect();
        wait_for_produced(&stats, 1 + (round * 13) % 200);
        let shut = guard.shutdown(Duration::MAX);
        probe.close();
        let at_shutdown = stats.get();
        stop.store(true, Ordering::Relaxed);
        let ended: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();

        assert_shut_down(&shut);
        assert_settled(&format!("{what}, as its shutdown returned"), &at_shutdown);
        assert!(
            odd_flushes.lock().unwrap().is_empty(),
            "{what}: {odd_flushes:?}"
        );
        let after = stats.get();
        assert_settled(&what, &after);
        let accepted = probe.accepted_once(&what);
        let by_exporter = by_exporter.load(Ordering::SeqCst);
        // Every export called back: a round that exported had the
        // exporter's thread end spans.
        assert!(
            by_exporter > 0 || after.exported + after.failed == 0,
            "{what}: {after:?}"
        );
        let ended = ended + by_exporter;
        assert_each_counted_once(ended, dropped_before, &[after], accepted);
    }
}

//! An export that runs past the batch processor's export timeout is
//! reported once, not at every timeout after it; once the export thread
//! makes progress, the next export that hangs is reported again.
//!
//! The worker learns of the export thread's progress from the queue they
//! share, not from a message per export (an export that leaves the worker
//! no work wakes no one), so its lateness watch reads that progress there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::{Diagnostic, DiagnosticKind, SpanData};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

const TIMEOUT: Duration = Duration::from_millis(40);

/// Reports that an export runs late, and when each came.
static LATE: Mutex<Vec<Instant>> = Mutex::new(Vec::new());

fn handler(d: &Diagnostic<'_>) {
    let message = d.message.to_string();
    if d.kind == DiagnosticKind::ExportFailed && message.contains("running past its timeout") {
        LATE.lock().unwrap().push(Instant::now());
    }
}

fn late() -> Vec<Instant> {
    LATE.lock().unwrap().clone()
}

/// Tells when each export starts, then waits to be let go.
struct Held {
    started: Sender<()>,
    release: Receiver<()>,
    exports: Arc<AtomicUsize>,
}

impl SpanExporter for Held {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.started.send(());
        let _ = self.release.recv();
        self.exports.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Waits until `n` lateness reports have come, or fails after a while.
fn wait_for_reports(n: usize) {
    let by = Instant::now() + Duration::from_secs(30);
    while late().len() < n {
        assert!(
            Instant::now() < by,
            "{} reports, {n} expected",
            late().len()
        );
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn each_stall_of_the_export_thread_is_reported_once() {
    baton::set_diagnostic_handler(Box::new(handler)).unwrap();
    let span = span();
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let exports = Arc::new(AtomicUsize::new(0));
    let mut config = BatchConfig::default();
    config.export_timeout = TIMEOUT;
    let exporter = Held {
        started: started_tx,
        release: release_rx,
        exports: Arc::clone(&exports),
    };
    let processor = Arc::new(BatchProcessor::new(exporter, config));
    let flush = |processor: &Arc<BatchProcessor>| {
        let processor = Arc::clone(processor);
        thread::spawn(move || processor.force_flush(Instant::now() + Duration::from_secs(60)))
    };

    for stall in 1..=2 {
        processor.on_end(span.clone());
        let handed = Instant::now();
        let flushing = flush(&processor);
        started.recv().unwrap();
        wait_for_reports(stall);
        let reported = late()[stall - 1];
        assert!(
            reported >= handed + TIMEOUT,
            "stall {stall}: reported {:?} after the flush began, before the timeout",
            reported - handed
        );
        // Five more timeouts without progress: no second report.
        thread::sleep(TIMEOUT * 5);
        assert_eq!(late().len(), stall, "stall {stall} reported again");
        release.send(()).unwrap();
        assert_eq!(flushing.join().unwrap(), Ok(()));
        assert_eq!(exports.load(Ordering::SeqCst), stall);
    }
    // The export thread idle again: nothing more is reported.
    thread::sleep(TIMEOUT * 3);
    assert_eq!(late().len(), 2);
}

//! The simple processor's flush and shutdown keep their deadline while
//! another thread's export hangs: they return an error saying the span in
//! that export is still held, instead of waiting for it. Installs the global
//! pipeline.
//!
//! Regression: both waited for the exporter's lock without a deadline, so
//! `shutdown(50ms)`, and dropping the guard (documented to wait at most
//! `SHUTDOWN_TIMEOUT`), blocked for as long as the export hung.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;

use baton::export::{ExportError, SpanExporter};
use baton::SpanData;

/// Says when an export starts, then waits until it is released.
struct Hanging {
    started: Sender<()>,
    release: Mutex<Receiver<()>>,
}

impl SpanExporter for Hanging {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.started.send(());
        let _ = self.release.lock().unwrap().recv();
        Ok(())
    }
}

#[test]
fn flush_and_shutdown_return_at_their_deadline_while_an_export_hangs() {
    let (started, export_started) = mpsc::channel();
    let (release, released) = mpsc::channel();
    let exporter = Hanging {
        started,
        release: Mutex::new(released),
    };
    let guard = baton::init(baton::Config::new().exporter(exporter)).unwrap();
    let producer = std::thread::spawn(|| baton::in_span("stuck", || {}));
    export_started.recv().unwrap();

    let timeout = Duration::from_millis(50);
    let held = |result: Result<(), ExportError>| match result {
        Err(ExportError::Undelivered {
            stats,
            deadline_passed,
        }) => {
            assert!(deadline_passed);
            assert_eq!((stats.produced, stats.in_flight), (1, 1), "{stats:?}");
        }
        other => panic!("expected the hung span reported as held: {other:?}"),
    };
    // On a thread of their own, so that a call which blocks fails the test
    // instead of hanging it.
    let (answer, answered) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = answer.send(guard.force_flush(timeout));
        let _ = answer.send(guard.shutdown(timeout));
    });
    for call in ["force_flush", "shutdown"] {
        let result = answered
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_else(|_| panic!("{call} blocked past its deadline"));
        held(result);
    }

    release.send(()).unwrap();
    producer.join().unwrap();
}

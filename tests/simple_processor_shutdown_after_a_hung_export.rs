//! A simple processor's shutdown whose deadline passes while another
//! thread's export hangs returns at its deadline, and the exporter is still
//! shut down, once that export returns; the counts then say what became of
//! every span. Uses the global pipeline only to record a span.
//!
//! Regression: the exporter was left to the hung export and never shut
//! down, so whatever it buffered was never flushed.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Says when an export starts, then waits until it is released; its
/// shutdown is counted and fails.
struct Hanging {
    started: Sender<()>,
    release: Mutex<Receiver<()>>,
    shut_down: Arc<AtomicUsize>,
}

impl SpanExporter for Hanging {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.started.send(());
        let _ = self.release.lock().unwrap().recv();
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.shut_down.fetch_add(1, Ordering::SeqCst);
        Err(ExportError::Failed(
            "its buffer could not be written".into(),
        ))
    }
}

#[test]
fn the_exporter_is_shut_down_once_the_hung_export_returns() {
    let span = batch_fixture::span();
    let (started, export_started) = mpsc::channel();
    let (release, released) = mpsc::channel();
    let shut_down = Arc::new(AtomicUsize::new(0));
    let processor = Arc::new(SimpleProcessor::new(Hanging {
        started,
        release: Mutex::new(released),
        shut_down: Arc::clone(&shut_down),
    }));
    let hung = std::thread::spawn({
        let (processor, span) = (Arc::clone(&processor), span.clone());
        move || processor.on_end(span)
    });
    export_started.recv().unwrap();

    let answer = processor.shutdown(Instant::now() + Duration::from_millis(50));
    match answer {
        Err(ExportError::Undelivered {
            stats,
            deadline_passed: true,
        }) => assert_eq!((stats.produced, stats.in_flight), (1, 1), "{stats:?}"),
        other => panic!("expected the hung span reported as held: {other:?}"),
    }
    assert_eq!(
        shut_down.load(Ordering::SeqCst),
        0,
        "not under the hung export"
    );

    let failed_before = diagnostic_count(DiagnosticKind::ExportFailed);
    release.send(()).unwrap();
    hung.join().unwrap();
    assert_eq!(
        shut_down.load(Ordering::SeqCst),
        1,
        "shut down once the export returned"
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportFailed),
        failed_before + 1,
        "its failed shutdown is reported"
    );
    let s = processor.stats();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.failed, s.in_flight),
        (1, 1, 0, 0, 0)
    );

    // Shut down: a later span is dropped and counted, and a second
    // shutdown says so.
    processor.on_end(span);
    let s = processor.stats();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (2, 1, 1, 0)
    );
    assert!(matches!(
        processor.shutdown(Instant::now() + Duration::from_secs(1)),
        Err(ExportError::Undelivered { .. })
    ));
    assert_eq!(shut_down.load(Ordering::SeqCst), 1);
}

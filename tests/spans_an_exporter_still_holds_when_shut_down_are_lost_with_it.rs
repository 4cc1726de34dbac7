//! Spans an exporter still holds ([`SpanExporter::held_spans`]) when its
//! shutdown returns (it failed or panicked before letting go of them) are
//! lost with it, since the processor drops the exporter then: they count
//! failed, in `dropped_spans()`, and are reported as `export-failed`, not
//! left in flight for ever. The shutdown says so (`Undelivered`).
//!
//! Found (export audit, h-expaudit): both processors left them in
//! `in_flight` for good ("spans still held: queued, or in an export that
//! has not returned", though nothing held them any more), uncounted in
//! `dropped_spans()` and unreported when no caller took the shutdown's
//! result. Both now shut their exporter down through one rule
//! (`Tally::settle_shutdown`, `src/export/tally.rs`).
//!
//! Uses the global pipeline only to record the span it feeds in; counts
//! diagnostics: the tests serialise.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ExportError, SimpleProcessor, SpanExporter,
    SpanProcessor,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Holds every span; its shutdown fails (or panics) without letting go.
struct HoldsThenFailsShutdown {
    held: u64,
    panics: bool,
}

impl SpanExporter for HoldsThenFailsShutdown {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.held += batch.len() as u64;
        Ok(())
    }

    fn held_spans(&self) -> u64 {
        self.held
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        if self.panics {
            panic!("exporter bug");
        }
        Err(ExportError::Failed("could not deliver what it held".into()))
    }
}

/// `dropped_spans()` and the diagnostics are counted process-wide: one
/// check at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Ends two spans into `processor`, shuts it down, and checks the counts
/// (polled: the batch processor settles on its own thread).
fn check(processor: &dyn SpanProcessor, case: &str) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let span = batch_fixture::span();
    let dropped = baton::export::dropped_spans();
    let reported = diagnostic_count(DiagnosticKind::ExportFailed);
    processor.on_end(span.clone());
    processor.on_end(span);
    let shut = processor.shutdown(Instant::now() + Duration::from_secs(60));
    assert!(
        matches!(shut, Err(ExportError::Undelivered { .. })),
        "{case}: {shut:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let s = loop {
        let s = processor.counters().unwrap();
        if s.in_flight == 0 || Instant::now() >= deadline {
            break s;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let counts = |s: BatchStats| (s.produced, s.exported, s.failed, s.in_flight);
    assert_eq!(counts(s), (2, 0, 2, 0), "{case}: lost with the exporter");
    assert_eq!(baton::export::dropped_spans() - dropped, 2, "{case}");
    assert!(
        diagnostic_count(DiagnosticKind::ExportFailed) > reported,
        "{case}: reported"
    );
}

/// Keeps the exporter's panics quiet, and the test's own loud.
fn quiet_exporter_panics() {
    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains("exporter bug") {
            eprintln!("{info}");
        }
    }));
}

#[test]
fn simple_processor() {
    quiet_exporter_panics();
    for panics in [false, true] {
        let processor = SimpleProcessor::new(HoldsThenFailsShutdown { held: 0, panics });
        check(&processor, &format!("simple, panics: {panics}"));
    }
}

#[test]
fn batch_processor() {
    quiet_exporter_panics();
    for panics in [false, true] {
        let processor = BatchProcessor::new(
            HoldsThenFailsShutdown { held: 0, panics },
            BatchConfig::default(),
        );
        check(&processor, &format!("batch, panics: {panics}"));
    }
}

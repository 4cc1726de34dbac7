//! A flush or shutdown that answers `Undelivered` (spans were lost) still
//! says the exporter's own failure of that call, when that failure lost
//! nothing itself: it is reported once, as `export-failed`. A failure that
//! lost spans is reported once, as the spans are settled, and not again.
//!
//! Bug (diagnostics audit, session 35): the counts replaced the exporter's
//! error, which was then neither returned nor reported. Its own process:
//! it installs a diagnostic handler.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SimpleProcessor, SpanExporter, SpanProcessor,
};
use baton::{DiagnosticKind, SpanData};

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Loses every export; its flush and shutdown fail, losing nothing.
struct Broken;

impl SpanExporter for Broken {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Err(ExportError::Failed("collector refused".into()))
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        Err(ExportError::Failed("flush broke".into()))
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        Err(ExportError::Failed("close broke".into()))
    }
}

/// The `export-failed` reports made by `f`.
fn reported(f: impl FnOnce()) -> Vec<String> {
    let before = REPORTS.lock().unwrap().len();
    f();
    REPORTS.lock().unwrap()[before..].to_vec()
}

fn check(name: &str, processor: &dyn SpanProcessor) {
    let deadline = || Instant::now() + Duration::from_secs(60);
    let flush = reported(|| {
        processor.on_end(batch_fixture::span());
        let flushed = processor.force_flush(deadline());
        assert!(
            matches!(flushed, Err(ExportError::Undelivered { .. })),
            "{name}: {flushed:?}"
        );
    });
    assert_eq!(flush.len(), 2, "{name}: {flush:?}");
    assert!(flush[0].contains("collector refused"), "{name}: {flush:?}");
    assert!(flush[1].contains("flush broke"), "{name}: {flush:?}");

    let shutdown = reported(|| {
        processor.on_end(batch_fixture::span());
        let shut = processor.shutdown(deadline());
        assert!(
            matches!(shut, Err(ExportError::Undelivered { .. })),
            "{name}: {shut:?}"
        );
    });
    assert_eq!(shutdown.len(), 2, "{name}: {shutdown:?}");
    assert!(
        shutdown[0].contains("collector refused"),
        "{name}: {shutdown:?}"
    );
    assert!(shutdown[1].contains("close broke"), "{name}: {shutdown:?}");
}

#[test]
fn the_exporters_error_behind_the_counts_is_said_once() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportFailed {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    check("simple", &SimpleProcessor::new(Broken));
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::MAX;
    check("batch", &BatchProcessor::new(Broken, config));
}

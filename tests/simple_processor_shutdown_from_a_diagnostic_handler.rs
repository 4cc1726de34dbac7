//! A diagnostic handler may shut the pipeline down, also when the
//! diagnostic came from inside the simple processor's exporter (which holds
//! the exporter, so the shutdown cannot wait for it): the exporter is shut
//! down once the export returns. Installs the global pipeline and a
//! diagnostic handler.
//!
//! Regression: the pipeline was marked shut down but its exporter never
//! was: half shut, with the guard consumed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use baton::export::{ExportError, PipelineGuard, SpanExporter};
use baton::{DiagnosticKind, SpanData};

static GUARD: Mutex<Option<PipelineGuard>> = Mutex::new(None);
static ANSWER: Mutex<Option<Result<(), ExportError>>> = Mutex::new(None);
static SHUT_DOWN: AtomicUsize = AtomicUsize::new(0);

/// Reads a header a peer sent it, which is invalid: a diagnostic.
struct ReadingHeaders;

impl SpanExporter for ReadingHeaders {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        let headers = HashMap::from([("traceparent".to_owned(), "not a traceparent".to_owned())]);
        let _ = baton::extract_context(&headers);
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        SHUT_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn a_handler_shutting_the_pipeline_down_from_inside_the_exporter() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidHeader {
            if let Some(guard) = GUARD.lock().unwrap().take() {
                *ANSWER.lock().unwrap() = Some(guard.shutdown(Duration::from_secs(5)));
            }
        }
    }))
    .unwrap();
    *GUARD.lock().unwrap() =
        Some(baton::init(baton::Config::new().exporter(ReadingHeaders)).unwrap());
    baton::in_span("work", || {});
    assert_eq!(
        ANSWER.lock().unwrap().take(),
        Some(Err(ExportError::Reentrant))
    );
    assert_eq!(SHUT_DOWN.load(Ordering::SeqCst), 1);
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("next", || {});
    guard.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(memory.finished_spans().len(), 1);
}

//! A shutdown of the simple processor's pipeline started from inside its
//! own exporter cannot wait for that exporter (this thread holds it): it
//! returns `Reentrant`, and the exporter is shut down as soon as the export
//! returns. Installs the global pipeline.
//!
//! Regression: the pipeline was marked shut down (later spans dropped, a
//! new `init` allowed) but the exporter was never shut down nor released:
//! the pipeline was left half shut, its guard consumed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use baton::export::{ExportError, PipelineGuard, SpanExporter};
use baton::SpanData;

static GUARD: Mutex<Option<PipelineGuard>> = Mutex::new(None);
static ANSWER: Mutex<Option<Result<(), ExportError>>> = Mutex::new(None);
static EXPORTED: AtomicUsize = AtomicUsize::new(0);
static SHUT_DOWN: AtomicUsize = AtomicUsize::new(0);

/// Shuts its own pipeline down from inside the export of `stop`.
struct Stopping;

impl SpanExporter for Stopping {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        EXPORTED.fetch_add(batch.len(), Ordering::SeqCst);
        if batch.iter().any(|s| s.name == "stop") {
            let guard = GUARD.lock().unwrap().take().unwrap();
            *ANSWER.lock().unwrap() = Some(guard.shutdown(Duration::from_secs(5)));
        }
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        SHUT_DOWN.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn a_shutdown_from_inside_the_exporter_completes_when_the_export_returns() {
    *GUARD.lock().unwrap() = Some(baton::init(baton::Config::new().exporter(Stopping)).unwrap());
    baton::in_span("before", || {});
    baton::in_span("stop", || {});
    assert_eq!(
        ANSWER.lock().unwrap().take(),
        Some(Err(ExportError::Reentrant)),
        "it cannot wait on the export it runs in"
    );
    assert_eq!(
        SHUT_DOWN.load(Ordering::SeqCst),
        1,
        "the exporter is shut down once the export returned"
    );
    baton::in_span("after", || {});
    assert_eq!(
        EXPORTED.load(Ordering::SeqCst),
        2,
        "nothing after the shutdown"
    );

    // Shut down, not half: a new pipeline installs and exports.
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("next", || {});
    guard.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(memory.finished_spans()[0].name, "next");
    assert_eq!(SHUT_DOWN.load(Ordering::SeqCst), 1);
}

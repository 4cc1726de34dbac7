//! An exporter that keeps spans in memory, for tests and doctests.

use std::sync::{Arc, Mutex, PoisonError};

use crate::export::exporter::ShutDown;
use crate::export::{ExportError, SpanExporter};
use crate::span_data::SpanData;

/// Keeps every exported span in memory; clones share the same store.
///
/// A shut down exporter refuses later exports with
/// [`ExportError::AlreadyShutDown`]; a clone made before keeps exporting
/// (say, into the next pipeline a test installs).
///
/// # Example: see the spans a piece of code produced
/// ```
/// let spans = baton::InMemoryExporter::default();
/// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// baton::in_span("work", || {});
/// let finished = spans.finished_spans();
/// assert_eq!(finished.len(), 1);
/// assert_eq!(finished[0].name, "work");
/// ```
#[derive(Clone, Debug, Default)]
pub struct InMemoryExporter {
    spans: Arc<Mutex<Vec<SpanData>>>,
    shut_down: ShutDown,
}

impl InMemoryExporter {
    fn store(&self) -> std::sync::MutexGuard<'_, Vec<SpanData>> {
        self.spans.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of every span exported so far, in export order.
    pub fn finished_spans(&self) -> Vec<SpanData> {
        self.store().clone()
    }

    /// Takes every span exported so far, leaving the store empty.
    pub fn take(&self) -> Vec<SpanData> {
        std::mem::take(&mut *self.store())
    }
}

impl SpanExporter for InMemoryExporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.shut_down.check()?;
        self.store().extend_from_slice(batch);
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.shut_down.mark()
    }
}

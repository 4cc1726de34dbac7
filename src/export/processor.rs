//! The `SpanProcessor` trait and the simple, synchronous processor.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use crate::export::{pipeline, ExportError, SpanExporter};
use crate::{Span, SpanData};

/// Receives spans as they start and end.
///
/// Every method may be called from any thread, also from inside a
/// single-threaded executor or a `Drop`; none may block the caller on the
/// hot path (`on_start`, `on_end`).
pub trait SpanProcessor: Send + Sync + 'static {
    /// A recording span started.
    fn on_start(&self, _span: &Span) {}

    /// A recording span ended.
    fn on_end(&self, span: SpanData);

    /// Exports everything received so far, waiting at most until `deadline`.
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError>;

    /// Flushes, then stops; later spans are dropped and counted.
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError>;
}

/// Exports each span as it ends, on the thread that ended it.
///
/// Simple and exact, but the traced code waits for the exporter: use it for
/// tests and for exporters that only append to memory.
pub struct SimpleProcessor {
    exporter: Mutex<Option<Box<dyn SpanExporter>>>,
}

impl SimpleProcessor {
    /// A processor that exports through `exporter`.
    pub fn new(exporter: impl SpanExporter) -> Self {
        SimpleProcessor {
            exporter: Mutex::new(Some(Box::new(exporter))),
        }
    }

    fn with_exporter(
        &self,
        f: impl FnOnce(&mut dyn SpanExporter) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        thread_local! {
            static EXPORTING: Cell<bool> = const { Cell::new(false) };
        }
        // This thread already holds the lock (an exporter calling back into
        // the pipeline): waiting for it would deadlock.
        if EXPORTING.try_with(|e| e.replace(true)).unwrap_or(true) {
            return Err(ExportError::Reentrant);
        }
        let result = {
            let mut slot = self.exporter.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.as_deref_mut() {
                Some(exporter) => pipeline::while_suppressed(|| {
                    catch_unwind(AssertUnwindSafe(|| f(exporter)))
                        .unwrap_or(Err(ExportError::Panicked))
                }),
                None => Err(ExportError::AlreadyShutDown),
            }
        };
        let _ = EXPORTING.try_with(|e| e.set(false));
        result
    }
}

impl SpanProcessor for SimpleProcessor {
    fn on_end(&self, span: SpanData) {
        if let Err(e) = self.with_exporter(|x| x.export(std::slice::from_ref(&span))) {
            pipeline::report_dropped(1, &e);
        }
    }

    fn force_flush(&self, _deadline: Instant) -> Result<(), ExportError> {
        self.with_exporter(|x| x.force_flush())
    }

    fn shutdown(&self, _deadline: Instant) -> Result<(), ExportError> {
        self.with_exporter(|x| x.shutdown())?;
        let exporter = self
            .exporter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Dropped outside the lock: its Drop may call back into baton.
        drop(exporter);
        Ok(())
    }
}

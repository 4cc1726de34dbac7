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

thread_local! {
    /// The processor (by address) exporting on this thread, if any: a span
    /// ended or a flush asked for inside its exporter must not wait for the
    /// lock this thread already holds.
    static EXPORTING: Cell<usize> = const { Cell::new(0) };
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
        let me = self as *const SimpleProcessor as usize;
        // This thread holds the lock already (we are inside our exporter):
        // waiting would deadlock. During thread teardown, assume the same.
        if EXPORTING.try_with(Cell::get).unwrap_or(me) == me {
            return Err(ExportError::Reentrant);
        }
        let mut slot = self.exporter.lock().unwrap_or_else(PoisonError::into_inner);
        let exporter = slot.as_deref_mut().ok_or(ExportError::AlreadyShutDown)?;
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = EXPORTING.try_with(|e| e.set(self.0));
            }
        }
        let _restore = Restore(EXPORTING.try_with(|e| e.replace(me)).unwrap_or(0));
        pipeline::while_suppressed(|| {
            catch_unwind(AssertUnwindSafe(|| f(exporter))).unwrap_or(Err(ExportError::Panicked))
        })
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

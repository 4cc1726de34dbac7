//! Getting finished spans out of the process.
//!
//! A finished span becomes a [`SpanData`](crate::SpanData) and goes to the
//! [`SpanProcessor`] of the pipeline installed with [`init`](crate::init);
//! the processor hands batches to a [`SpanExporter`].
//!
//! Code run by the pipeline (processors, exporters, their worker threads) may
//! call any baton API; spans it starts there are not recorded, so an exporter
//! that traces its own HTTP calls cannot feed itself.

mod exporter;
mod memory;
pub(crate) mod pipeline;
mod processor;

pub use exporter::{ExportError, SpanExporter};
pub use memory::InMemoryExporter;
pub use pipeline::{
    dropped_spans, force_flush, init, suppressed, Config, InitError, PipelineGuard,
};
pub use processor::{SimpleProcessor, SpanProcessor};

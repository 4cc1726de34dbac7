//! Fixtures for the batch processor tests: a finished span to feed in, and an
//! exporter that only counts.
//!
//! Include it with `#[path = "common/batch_fixture.rs"] mod batch_fixture;`.
//! `span()` installs the global pipeline once, to record the span it returns.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use baton::export::{ExportError, SpanExporter};
use baton::SpanData;

/// A finished span, as the pipeline hands it to a processor.
pub fn span() -> SpanData {
    static SPAN: OnceLock<SpanData> = OnceLock::new();
    SPAN.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
        baton::in_span("work", || {});
        drop(guard);
        memory.take().remove(0)
    })
    .clone()
}

/// Counts the spans it is given.
pub struct Counting(pub Arc<AtomicU64>);

impl SpanExporter for Counting {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.0.fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

/// Counts the spans it is given, taking `.0` over each export: batches
/// queue up behind it.
pub struct SlowCounting(pub Duration, pub Arc<AtomicU64>);

impl SpanExporter for SlowCounting {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        std::thread::sleep(self.0);
        self.1.fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

/// A finished span that ended now, as a thread ending spans in real time
/// hands it over.
pub fn span_ending_now() -> SpanData {
    let mut span = span();
    span.end_unix_nanos = baton::now_unix_nanos();
    span
}

/// The four counts that must add up to `produced` whenever they are read.
pub fn accounted(s: &baton::export::BatchStats) -> u64 {
    s.exported + s.dropped + s.failed + s.in_flight
}

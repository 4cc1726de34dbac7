//! An exporter that panics when the batch processor tells it the export
//! timeout does not panic `BatchProcessor::new`: the panic is caught and
//! reported, as a panic in any other exporter call is, and the processor
//! exports through it.
//!
//! Regression: `set_export_timeout` was the one exporter call made without
//! catching a panic, so the exporter's panic unwound out of
//! `BatchProcessor::new` (and out of `Config::exporter`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

struct PanicsOnTimeout(Arc<AtomicU64>);

impl SpanExporter for PanicsOnTimeout {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.0.fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
    fn set_export_timeout(&mut self, _: Duration) {
        panic!("exporter bug");
    }
}

#[test]
fn the_panic_is_caught_and_the_processor_exports() {
    let exported = Arc::new(AtomicU64::new(0));
    let exporter = PanicsOnTimeout(Arc::clone(&exported));
    let processor =
        std::panic::catch_unwind(move || BatchProcessor::new(exporter, BatchConfig::default()))
            .expect("BatchProcessor::new must not panic");
    processor.on_end(batch_fixture::span());
    let far = Instant::now() + Duration::from_secs(60);
    assert_eq!(processor.shutdown(far), Ok(()));
    assert_eq!(exported.load(Ordering::SeqCst), 1);
}

//! An exporter whose own flush or shutdown times out (a request to its
//! collector ran out of time) is not the caller's deadline passing: the
//! flush or shutdown returns the exporter's error, naming where, and does
//! not say the caller's deadline passed.
//!
//! Regression: the batch processor read any `Timeout` answer as its own
//! deadline passing, so `force_flush(60 s)` returned a bare "deadline
//! exceeded" at once, the exporter's URL and step lost.

use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor, TimedOut, TimeoutStep,
};
use baton::SpanData;

fn collector_timeout() -> ExportError {
    ExportError::Timeout(TimedOut::request(
        TimeoutStep::Waiting,
        "http://collector:4318/v1/traces",
        Duration::from_secs(2),
    ))
}

/// Exports fine; its flush and shutdown time out on their own requests.
struct FlushTimesOut;

impl SpanExporter for FlushTimesOut {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Ok(())
    }
    fn force_flush(&mut self) -> Result<(), ExportError> {
        Err(collector_timeout())
    }
    fn shutdown(&mut self) -> Result<(), ExportError> {
        Err(collector_timeout())
    }
}

fn far() -> Instant {
    Instant::now() + Duration::from_secs(600)
}

#[test]
fn an_exporters_own_timeout_is_returned_as_it_came() {
    let processor = BatchProcessor::new(FlushTimesOut, BatchConfig::default());
    assert_eq!(processor.force_flush(far()), Err(collector_timeout()));
    assert_eq!(processor.shutdown(far()), Err(collector_timeout()));
}

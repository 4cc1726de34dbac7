//! An exporter whose own flush or shutdown times out (a request to its
//! collector ran out of time) is not the caller's deadline passing: the
//! batch and the simple processor's flush and shutdown return the
//! exporter's error as it came, naming where, and do not say the caller's
//! deadline passed.
//!
//! Regression: both processors read any `Timeout` answer as their own
//! deadline passing, so `force_flush(600 s)` returned a bare "deadline
//! exceeded" at once, the exporter's URL and step lost.

use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SimpleProcessor, SpanExporter, SpanProcessor,
    TimedOut, TimeoutStep,
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

fn returned_as_it_came(processor: &dyn SpanProcessor) {
    let far = Instant::now() + Duration::from_secs(600);
    assert_eq!(processor.force_flush(far), Err(collector_timeout()));
    assert_eq!(processor.shutdown(far), Err(collector_timeout()));
}

#[test]
fn the_batch_processor_returns_an_exporters_own_timeout_as_it_came() {
    returned_as_it_came(&BatchProcessor::new(FlushTimesOut, BatchConfig::default()));
}

#[test]
fn the_simple_processor_returns_an_exporters_own_timeout_as_it_came() {
    returned_as_it_came(&SimpleProcessor::new(FlushTimesOut));
}

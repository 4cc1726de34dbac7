//! The simple processor's flush and shutdown return an exporter's own
//! timeout (a request to its collector ran out of time) as it came: the
//! caller's deadline did not pass.
//!
//! Regression: any `Timeout` was read as the caller's deadline passing, so
//! `force_flush(600 s)` returned a bare "deadline exceeded", the exporter's
//! URL and step lost.

use std::time::{Duration, Instant};

use baton::export::{
    ExportError, SimpleProcessor, SpanExporter, SpanProcessor, TimedOut, TimeoutStep,
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

#[test]
fn an_exporters_own_timeout_is_returned_as_it_came() {
    let far = Instant::now() + Duration::from_secs(600);
    let processor = SimpleProcessor::new(FlushTimesOut);
    assert_eq!(processor.force_flush(far), Err(collector_timeout()));
    assert_eq!(processor.shutdown(far), Err(collector_timeout()));
}

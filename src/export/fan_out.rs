//! `FanOut`: one processor that hands every span to several, for
//! `OTEL_TRACES_EXPORTER=otlp,console`.

use std::time::Instant;

use crate::export::{ExportError, SpanProcessor};
use crate::{Span, SpanData};

/// Hands every span to each processor in order.
pub(crate) struct FanOut(Vec<Box<dyn SpanProcessor>>);

impl FanOut {
    pub(crate) fn new(processors: Vec<Box<dyn SpanProcessor>>) -> FanOut {
        FanOut(processors)
    }

    /// Runs `f` on every processor, even after one fails; the first error
    /// is the answer.
    fn each(
        &self,
        f: impl Fn(&dyn SpanProcessor) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut result = Ok(());
        for p in &self.0 {
            let r = f(&**p);
            if result.is_ok() {
                result = r;
            }
        }
        result
    }
}

impl SpanProcessor for FanOut {
    fn on_start(&self, span: &Span) {
        for p in &self.0 {
            p.on_start(span);
        }
    }

    fn on_end(&self, span: SpanData) {
        // Every processor but the last gets a copy; the last takes the record.
        if let Some((last, rest)) = self.0.split_last() {
            for p in rest {
                p.on_end(span.clone());
            }
            last.on_end(span);
        }
    }

    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.each(|p| p.force_flush(deadline))
    }

    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.each(|p| p.shutdown(deadline))
    }
}

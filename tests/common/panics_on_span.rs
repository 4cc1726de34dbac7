//! A processor that panics ending the span of one name, and hands every
//! other span to a simple processor exporting into memory.
//!
//! Include it with `#[path = "common/panics_on_span.rs"] mod panics_on_span;`.

use std::sync::Mutex;
use std::time::Instant;

use baton::export::{ExportError, SimpleProcessor, SpanProcessor};
use baton::{InMemoryExporter, SpanData};

/// Panics with "processor bug" on the span named `name` unless its thread
/// already unwinds (a panic there would abort the process).
pub struct PanicsOn {
    name: &'static str,
    rest: Mutex<SimpleProcessor>,
}

impl PanicsOn {
    pub fn new(name: &'static str, spans: &InMemoryExporter) -> PanicsOn {
        PanicsOn {
            name,
            rest: Mutex::new(SimpleProcessor::new(spans.clone())),
        }
    }
}

impl SpanProcessor for PanicsOn {
    fn on_end(&self, span: SpanData) {
        if span.name == self.name && !std::thread::panicking() {
            panic!("processor bug");
        }
        self.rest.lock().unwrap().on_end(span);
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.rest.lock().unwrap().force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.rest.lock().unwrap().shutdown(deadline)
    }
}

//! A processor handed to the pipeline while the test keeps a handle to it,
//! to read what it kept once `init` has taken it.
//!
//! Include it with `#[path = "common/shared_processor.rs"] mod shared_processor;`.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::sync::Arc;
use std::time::Instant;

use baton::export::{BatchStats, ExportError, SpanProcessor};
use baton::{Context, EndedSpan, Span, SpanData};

/// Forwards every call, `counters` included, to the processor it shares.
pub struct Shared<P>(pub Arc<P>);

impl<P: SpanProcessor> SpanProcessor for Shared<P> {
    fn observes_start(&self) -> bool {
        self.0.observes_start()
    }
    fn on_start(&self, span: &Span, parent: &Context) {
        self.0.on_start(span, parent)
    }
    fn on_end(&self, span: SpanData) {
        self.0.on_end(span)
    }
    fn on_ended(&self, span: EndedSpan) {
        self.0.on_ended(span)
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.shutdown(deadline)
    }
    fn counters(&self) -> Option<BatchStats> {
        self.0.counters()
    }
}

/// An application's processor around one of baton's: it forwards what
/// such a wrapper writes (`on_end` with the converted span, and
/// `counters`), not `on_ended`, so each span is converted on the way.
pub struct Wrapper<P>(pub P);

impl<P: SpanProcessor> SpanProcessor for Wrapper<P> {
    fn observes_start(&self) -> bool {
        false
    }
    fn on_end(&self, span: SpanData) {
        self.0.on_end(span)
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.shutdown(deadline)
    }
    fn counters(&self) -> Option<BatchStats> {
        self.0.counters()
    }
}

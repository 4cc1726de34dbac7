//! A fan-out with a processor that keeps no counters has none either:
//! `baton::export::stats()` is `None`, not the sum of the others, which
//! would hide the spans that processor lost. `FanOut::counters_each` still
//! gives the counters of the processors that keep them, `None` in the
//! place of the one that keeps none. Installs the global pipeline: one test
//! alone in its file.

#[path = "common/shared_processor.rs"]
mod shared_processor;

use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{ExportError, FanOut, SimpleProcessor, SpanProcessor};
use baton::{Config, InMemoryExporter, SpanData};
use shared_processor::Shared;

/// An application's processor that counts nothing baton can read.
struct Uncounted;

impl SpanProcessor for Uncounted {
    fn on_end(&self, _span: SpanData) {}
    fn force_flush(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }
    fn shutdown(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
fn no_sum_when_one_processor_keeps_no_counters() {
    // Kept behind an `Arc` to read each processor's counters once
    // installed.
    let fan_out = Arc::new(FanOut::new(vec![
        Box::new(SimpleProcessor::new(InMemoryExporter::default())),
        Box::new(Uncounted),
        Box::new(SimpleProcessor::new(InMemoryExporter::default())),
    ]));
    let pipeline = baton::init(Config::new().processor(Shared(Arc::clone(&fan_out)))).unwrap();
    baton::in_span("work", || {});

    assert_eq!(fan_out.counters(), None);
    assert_eq!(baton::export::stats(), None);
    assert_eq!(pipeline.stats(), None);
    let each: Vec<_> = fan_out
        .counters_each()
        .into_iter()
        .map(|c| c.map(|s| (s.produced, s.exported)))
        .collect();
    assert_eq!(each, [Some((1, 1)), None, Some((1, 1))]);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
}

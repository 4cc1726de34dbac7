//! An application's processor that wraps one of baton's and forwards its
//! `SpanProcessor::counters` makes them what `baton::export::stats()` and
//! `PipelineGuard::stats()` read: here a filter in front of a batch
//! processor, whose counters count only the spans it let through. Found
//! by an integrator: such a wrapper could not be read at all, since only a
//! `BatchProcessor` or `SimpleProcessor` installed as it is was. Installs
//! the global pipeline: one test alone in its file.

use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, BatchStats, ExportError, SpanProcessor};
use baton::{Config, InMemoryExporter, SpanData};

/// Leaves out the load balancer's health checks.
struct NoHealthChecks(BatchProcessor);

impl SpanProcessor for NoHealthChecks {
    fn on_end(&self, span: SpanData) {
        if span.name != "health" {
            self.0.on_end(span);
        }
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

#[test]
fn a_wrappers_forwarded_counters_are_the_pipelines() {
    let spans = InMemoryExporter::default();
    let inner = BatchProcessor::new(spans.clone(), BatchConfig::default());
    let pipeline = baton::init(Config::new().processor(NoHealthChecks(inner))).unwrap();
    for _ in 0..3 {
        baton::in_span("checkout", || {});
        baton::in_span("health", || {});
    }
    pipeline.force_flush(Duration::from_secs(5)).unwrap();

    let s = baton::export::stats().unwrap();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.failed, s.in_flight),
        (3, 3, 0, 0, 0)
    );
    assert_eq!(pipeline.stats(), Some(s));
    assert_eq!(spans.finished_spans().len(), 3);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
}

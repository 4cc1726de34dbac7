//! The built-in processors hand their exporter only sampled spans: a span a
//! sampler records without sampling (`RecordOnly`) is recording and reaches
//! the processor, but, as the OpenTelemetry SDK spec's table says, "Span
//! Exporter receives Span?" is false for it. Bug: the simple and the batch
//! processor exported it, on every path (a plain span, one gathered inside
//! an open span, one with attributes). Installs the global pipeline, twice.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, SimpleProcessor, SpanProcessor};
use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{in_span, span, InMemoryExporter};

/// Records spans whose name starts with `local` without sampling them;
/// samples the rest.
struct LocalOnly;

impl Sampler for LocalOnly {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        if params.name.starts_with("local") {
            SamplingDecision::RecordOnly.into()
        } else {
            SamplingDecision::RecordAndSample.into()
        }
    }

    fn description(&self) -> String {
        "LocalOnly".into()
    }
}

/// Ends a sampled span and, on each path a span can take to the processor,
/// a recorded but unsampled one; the names the exporter got.
fn exported_through(processor: impl SpanProcessor, spans: &InMemoryExporter) -> Vec<String> {
    let config = baton::Config::new().sampler(LocalOnly).processor(processor);
    let pipeline = baton::init(config).unwrap();
    in_span("sampled", || {
        in_span("local inside an open span", || {});
        let attributed = span("local with an attribute").attr("k", 1).start();
        assert!(attributed.is_recording());
        assert!(!attributed.span_context().flags().is_sampled());
    });
    in_span("local plain", || {});
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    spans
        .take()
        .into_iter()
        .map(|s| s.name.to_string())
        .collect()
}

#[test]
fn record_only_spans_reach_no_exporter() {
    let spans = InMemoryExporter::default();
    let names = exported_through(SimpleProcessor::new(spans.clone()), &spans);
    assert_eq!(names, ["sampled"], "simple processor");

    let spans = InMemoryExporter::default();
    let batch = BatchProcessor::new(spans.clone(), BatchConfig::default());
    let stats = batch.stats_handle();
    let names = exported_through(batch, &spans);
    assert_eq!(names, ["sampled"], "batch processor");
    let s = stats.get();
    assert_eq!((s.produced, s.exported, s.dropped), (1, 1, 0));
}

//! Samplers see what OpenTelemetry samplers see (name, kind, the builder's
//! attributes and links, the parent) and may add attributes (issue 12:
//! "rules such as sample by route cannot be written").

use std::sync::{Arc, Mutex};

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{span, InMemoryExporter, KeyValue, SpanContext, SpanId, SpanKind, TraceFlags, TraceId};

#[derive(Default, Clone)]
struct ByRoute {
    seen_links: Arc<Mutex<Vec<usize>>>,
}

impl Sampler for ByRoute {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        self.seen_links.lock().unwrap().push(params.links.len());
        let route = params.attribute("http.route").map(|v| v.to_string());
        if route.as_deref() == Some("/checkout") && params.kind == SpanKind::Server {
            SamplingResult::from(SamplingDecision::RecordAndSample)
                .with_attribute(KeyValue::new("sampling.rule", "checkout"))
        } else {
            SamplingDecision::Drop.into()
        }
    }

    fn description(&self) -> String {
        "ByRoute".into()
    }
}

#[test]
fn a_sampler_keyed_on_an_attribute_decides_and_adds_attributes() {
    let sampler = ByRoute::default();
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(sampler.clone())
            .exporter(spans.clone()),
    )
    .unwrap();

    let linked = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(1),
    );
    let kept = span("POST")
        .kind(SpanKind::Server)
        .attr("http.route", "/checkout")
        .link(linked, Vec::new())
        .start();
    let dropped = span("GET")
        .kind(SpanKind::Server)
        .attr("http.route", "/health")
        .start();
    // A key given twice: the sampler sees the value the span records, the
    // last. Found: it saw the first, and dropped a span that would have
    // recorded /checkout.
    let rerouted = span("PUT")
        .kind(SpanKind::Server)
        .attr("http.route", "/health")
        .attr("http.route", "/checkout")
        .start();
    assert!(kept.is_recording() && kept.span_context().is_sampled());
    assert!(!dropped.is_recording() && !dropped.span_context().is_sampled());
    assert!(rerouted.is_recording());
    drop((kept, dropped, rerouted));

    let finished = spans.finished_spans();
    assert_eq!(finished.len(), 2);
    assert_eq!(finished[0].name, "POST");
    assert_eq!(
        finished[1].attribute("http.route").map(|v| v.to_string()),
        Some("/checkout".to_owned())
    );
    assert_eq!(
        finished[0]
            .attribute("sampling.rule")
            .map(|v| v.to_string()),
        Some("checkout".to_owned())
    );
    assert_eq!(finished[0].links.len(), 1);
    assert_eq!(*sampler.seen_links.lock().unwrap(), [1, 0, 0]);
}

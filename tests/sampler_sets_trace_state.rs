//! A sampler's result carries the new span's tracestate, as the
//! OpenTelemetry `SamplingResult` does ("A `Tracestate` that will be
//! associated with the `Span` through the new `SpanContext`"). Found:
//! baton's result had no tracestate, so a sampler could not record its
//! threshold (the `ot=th:` of consistent probability sampling), and a
//! sampler returning one had it ignored. Installs the global pipeline.

use std::collections::HashMap;

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{InMemoryExporter, TraceState};

/// Samples every span; writes `ot=th:0` into roots and clears the
/// tracestate of spans named `clear`; leaves it otherwise.
struct Thresholds;

impl Sampler for Thresholds {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        let result = SamplingResult::from(SamplingDecision::RecordAndSample);
        match (params.parent, params.name) {
            (None, _) => result.with_trace_state(TraceState::EMPTY.insert("ot", "th:0").unwrap()),
            (Some(_), "clear") => result.with_trace_state(TraceState::EMPTY),
            (Some(_), _) => result,
        }
    }

    fn description(&self) -> String {
        "Thresholds".into()
    }
}

#[test]
fn the_span_gets_the_tracestate_its_sampler_returns() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(Thresholds)
            .exporter(spans.clone()),
    )
    .unwrap();

    let mut outgoing = HashMap::new();
    baton::in_span("root", || {
        baton::in_span("kept", || baton::inject_context(&mut outgoing));
        baton::in_span("clear", || {
            let cleared = baton::current_span().unwrap();
            assert!(cleared.span_context().trace_state().is_empty());
        });
    });
    assert_eq!(
        outgoing.get("tracestate").map(String::as_str),
        Some("ot=th:0")
    );

    // A received tracestate stays when the sampler leaves it.
    let incoming = HashMap::from([
        (
            "traceparent".to_owned(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned(),
        ),
        ("tracestate".to_owned(), "vendor=v1".to_owned()),
    ]);
    {
        let _cx = baton::propagated_context(&incoming);
        let server = baton::span("server").start();
        assert_eq!(
            server.span_context().trace_state().get("vendor"),
            Some("v1")
        );
    }

    let states: Vec<(String, String)> = spans
        .finished_spans()
        .iter()
        .map(|s| {
            (
                s.name.to_string(),
                s.span_context.trace_state().as_str().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("kept", "ot=th:0"),
        ("clear", ""),
        ("root", "ot=th:0"),
        ("server", "vendor=v1"),
    ]
    .map(|(n, s)| (n.to_owned(), s.to_owned()));
    assert_eq!(states, expected);
}

//! A B3 sampling decision received without ids (`b3: 1`, `b3: d`,
//! `X-B3-Sampled: 1` alone) is honoured by a parent-based sampler as a
//! remote parent's decision would be, as the lone `b3: 0` already was: `b3:
//! d` is how a request asks to be traced (`curl -H 'b3: d'`) whatever the
//! ratio. Found: the accept went to the root sampler, so under
//! `parentbased_traceidratio` with a small ratio it was dropped, while a
//! lone deny was honoured. Installs the global pipeline.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingParams, TraceIdRatio};
use baton::wire::b3::Sampling;
use baton::{Context, TraceId};

fn decides(sampler: &dyn Sampler, decision: Option<Sampling>) -> bool {
    let mut params = SamplingParams::new(None, TraceId::random(), "root");
    params.remote_decision = decision;
    sampler.should_sample(&params).is_sampled()
}

#[test]
fn a_decision_without_ids_goes_to_the_remote_parent_delegates() {
    let never = ParentBased::new(TraceIdRatio::new(0.0));
    assert!(
        decides(&never, Some(Sampling::Accept)),
        "accept, whatever the ratio"
    );
    assert!(!decides(&never, Some(Sampling::Deny)), "deny");
    assert!(!decides(&never, None), "no decision: the root sampler");

    // The delegates the application set decide, as for a remote parent.
    let inverted = ParentBased::new(AlwaysOn)
        .remote_parent_sampled(AlwaysOff)
        .remote_parent_not_sampled(AlwaysOn);
    assert!(!decides(&inverted, Some(Sampling::Accept)));
    assert!(decides(&inverted, Some(Sampling::Deny)));
}

#[test]
fn a_lone_debug_header_is_traced_under_a_zero_ratio() {
    let spans = baton::InMemoryExporter::default();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(ParentBased::new(TraceIdRatio::new(0.0)))
            .exporter(spans.clone()),
    )
    .unwrap();
    for (header, value, sampled) in [
        ("b3", "d", true),
        ("b3", "1", true),
        ("x-b3-sampled", "1", true),
        ("b3", "0", false),
    ] {
        let carrier = HashMap::from([(header.to_string(), value.to_string())]);
        let cx = B3::single().extract(&Context::default(), &carrier);
        let _g = cx.attach();
        let root = baton::span("request").start();
        assert_eq!(
            root.span_context().is_sampled(),
            sampled,
            "{header}: {value}"
        );
    }
    assert_eq!(spans.finished_spans().len(), 3);
}

//! `ParentBased` samples a debug decision received without ids (B3's lone
//! `b3: d` or `X-B3-Flags: 1`) whatever its delegates say, as it samples a
//! debug parent: "Debug is an emphasized accept decision"
//! (https://github.com/openzipkin/b3-propagation#sampling-state). Found: a
//! sampler was given only "accept" (then `remote_hint`), so
//! `remote_parent_sampled(AlwaysOff)` dropped a `b3: d` request while it
//! kept `b3: {ids}-d`. (The span path's side is
//! `lone_b3_debug_decides_the_span_started_under_it.rs`.)

use baton::propagation::{Propagator, B3};
use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingParams, TraceIdRatio};
use baton::wire::b3::Sampling;
use baton::{Context, TraceId};

fn decides(sampler: &dyn Sampler, decision: Option<Sampling>) -> bool {
    let params =
        SamplingParams::new(None, TraceId::random(), "root").with_remote_decision(decision);
    sampler.should_sample(&params).is_sampled()
}

#[test]
fn debug_without_ids_is_sampled_whatever_the_delegates() {
    let samplers: [(&str, Box<dyn Sampler>); 3] = [
        (
            "default",
            Box::new(ParentBased::new(TraceIdRatio::new(0.0))),
        ),
        (
            "remote sampled off",
            Box::new(ParentBased::new(AlwaysOn).remote_parent_sampled(AlwaysOff)),
        ),
        (
            "everything off",
            Box::new(
                ParentBased::new(AlwaysOff)
                    .remote_parent_sampled(AlwaysOff)
                    .remote_parent_not_sampled(AlwaysOff),
            ),
        ),
    ];
    for (name, sampler) in &samplers {
        assert!(decides(sampler.as_ref(), Some(Sampling::Debug)), "{name}");
    }
    // An accept still goes to the remote-sampled delegate.
    assert!(!decides(samplers[1].1.as_ref(), Some(Sampling::Accept)));
    assert!(decides(samplers[0].1.as_ref(), Some(Sampling::Accept)));
    assert!(!decides(samplers[0].1.as_ref(), Some(Sampling::Deny)));
    assert!(!decides(samplers[0].1.as_ref(), None));
}

/// What the B3 propagator extracts is what the sampler is given.
#[test]
fn the_extracted_decision_sets_the_parameters() {
    for (value, decision) in [
        ("d", Sampling::Debug),
        ("1", Sampling::Accept),
        ("0", Sampling::Deny),
    ] {
        let headers = vec![("b3".to_string(), value.to_string())];
        let cx = B3::single().extract(&Context::default(), &headers);
        let params = SamplingParams::new(None, TraceId::random(), "root")
            .with_remote_decision(cx.remote_decision());
        assert_eq!(params.remote_decision, Some(decision), "b3: {value}");
    }
}

//! The OpenTelemetry Trace SDK's built-in samplers, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers),
//! where `sampler_decisions.rs` does not check them already (it covers
//! determinism, the nesting of ratios and ParentBased's delegates).

use baton::export::sampler_from_env;
use baton::sampling::{
    AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingDecision, SamplingParams, TraceIdRatio,
};
use baton::{SpanContext, SpanId, TraceFlags, TraceId};

/// "AlwaysOn [...] Description MUST be `AlwaysOnSampler`." and "AlwaysOff
/// [...] Description MUST be `AlwaysOffSampler`."
#[test]
fn always_on_and_always_off_are_described_exactly() {
    assert_eq!(AlwaysOn.description(), "AlwaysOnSampler");
    assert_eq!(AlwaysOff.description(), "AlwaysOffSampler");
    let id = TraceId::random();
    assert_eq!(
        AlwaysOn.should_sample(&SamplingParams::new(None, id, "x")),
        SamplingDecision::RecordAndSample
    );
}

/// "Description MUST return a string of the form `"TraceIdRatioBased{RATIO}"`
/// with `RATIO` replaced with the Sampler instance's trace sampling ratio
/// represented as a decimal number. The precision of the number SHOULD
/// follow implementation language standards and SHOULD be high enough to
/// identify when Samplers have different ratios." (TraceIdRatioBased)
#[test]
fn trace_id_ratio_description_is_a_decimal_that_tells_ratios_apart() {
    assert_eq!(
        TraceIdRatio::new(0.25).description(),
        "TraceIdRatioBased{0.25}"
    );
    for (a, b) in [(0.0001, 0.000100000001), (0.5, 0.5000000000000001)] {
        let (da, db) = (
            TraceIdRatio::new(a).description(),
            TraceIdRatio::new(b).description(),
        );
        assert_ne!(da, db);
        let ratio = |d: &str| -> f64 {
            let inner = d
                .strip_prefix("TraceIdRatioBased{")
                .and_then(|d| d.strip_suffix('}'))
                .unwrap();
            assert!(
                inner.chars().all(|c| c.is_ascii_digit() || c == '.'),
                "a decimal number, not an exponent: {d}"
            );
            inner.parse().unwrap()
        };
        assert_eq!((ratio(&da), ratio(&db)), (a, b));
    }
    // A small ratio is still written as a decimal number.
    let tiny = TraceIdRatio::new(1e-9).description();
    assert_eq!(tiny, "TraceIdRatioBased{0.000000001}");
}

fn parent(remote: bool, sampled: bool, id: TraceId) -> SpanContext {
    SpanContext::new(
        id,
        SpanId::random(),
        TraceFlags::default().with_sampled(sampled),
    )
    .with_remote(remote)
}

/// "The `TraceIdRatioBased` MUST ignore the parent `SampledFlag`. To respect
/// the parent `SampledFlag`, the `TraceIdRatioBased` should be used as a
/// delegate of the `ParentBased` sampler" (TraceIdRatioBased)
#[test]
fn trace_id_ratio_ignores_the_parents_sampled_flag() {
    for remote in [true, false] {
        for id in (0..200).map(|_| TraceId::random()) {
            let root = TraceIdRatio::new(0.5)
                .should_sample(&SamplingParams::new(None, id, "root"))
                .decision;
            for sampled in [true, false] {
                let p = parent(remote, sampled, id);
                for (ratio, want) in [
                    (1.0, SamplingDecision::RecordAndSample),
                    (0.0, SamplingDecision::Drop),
                    (0.5, root),
                ] {
                    let got = TraceIdRatio::new(ratio)
                        .should_sample(&SamplingParams::new(Some(&p), id, "child"))
                        .decision;
                    assert_eq!(got, want, "ratio {ratio}, parent sampled {sampled}");
                }
            }
        }
    }
}

/// "The default sampler is `ParentBased(root=AlwaysOn)`." (Built-in
/// samplers), as `OTEL_TRACES_SAMPLER`'s default `parentbased_always_on`
/// installs it.
#[test]
fn the_default_sampler_is_parent_based_always_on() {
    let default = sampler_from_env(|_| None).unwrap();
    assert_eq!(
        default.description(),
        ParentBased::new(AlwaysOn).description()
    );
    assert!(default
        .description()
        .starts_with("ParentBased{root:AlwaysOnSampler"));
}

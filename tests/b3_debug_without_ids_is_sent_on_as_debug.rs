//! A B3 debug decision sent without ids (`b3: d`, or `X-B3-Flags: 1` alone)
//! is sent on as debug, in either encoding: "Debug is an emphasized accept
//! decision" (https://github.com/openzipkin/b3-propagation#sampling-state),
//! and the next hop records a debug trace whatever its sampling rate. Found:
//! the context kept only yes or no, so `b3: d` went on as `b3: 1` and
//! `X-B3-Flags: 1` as `x-b3-sampled: 1`, and the debug request was lost one
//! hop later.

use baton::propagation::{Composite, Propagator, B3};
use baton::wire::b3::Sampling;
use baton::Context;

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What `p` writes for `cx`, sorted.
fn injected(p: &dyn Propagator, cx: &Context) -> Vec<(String, String)> {
    let mut out = Vec::new();
    p.inject(cx, &mut out);
    out.sort();
    out
}

/// Incoming headers, the decision read, its yes/no view, what the single
/// encoding writes, what the multi encoding writes.
type Case = (
    &'static [(&'static str, &'static str)],
    Sampling,
    bool,
    &'static str,
    (&'static str, &'static str),
);

/// Every lone decision, read by each propagator that reads it, is written
/// again by each encoding as it came.
#[test]
fn a_lone_decision_survives_extract_and_inject_in_both_encodings() {
    let both = Composite::from_list("b3,b3multi").unwrap();
    let readers: [(&str, &dyn Propagator); 3] = [
        ("b3", &B3::single()),
        ("b3multi", &B3::multi()),
        ("b3,b3multi", &both),
    ];
    let cases: [Case; 6] = [
        (
            &[("b3", "d")],
            Sampling::Debug,
            true,
            "d",
            ("x-b3-flags", "1"),
        ),
        (
            &[("X-B3-Flags", "1")],
            Sampling::Debug,
            true,
            "d",
            ("x-b3-flags", "1"),
        ),
        // Debug wins over a sampled header beside it, as with ids.
        (
            &[("x-b3-sampled", "0"), ("x-b3-flags", "1")],
            Sampling::Debug,
            true,
            "d",
            ("x-b3-flags", "1"),
        ),
        (
            &[("b3", "1")],
            Sampling::Accept,
            true,
            "1",
            ("x-b3-sampled", "1"),
        ),
        (
            &[("X-B3-Sampled", "1")],
            Sampling::Accept,
            true,
            "1",
            ("x-b3-sampled", "1"),
        ),
        (
            &[("b3", "0")],
            Sampling::Deny,
            false,
            "0",
            ("x-b3-sampled", "0"),
        ),
    ];
    for (incoming, decision, sampled, single, multi) in cases {
        let headers = carrier(incoming);
        for (name, reader) in readers {
            let cx = reader.extract(&Context::default(), &headers);
            assert!(cx.span_context().is_none());
            assert_eq!(cx.remote_decision(), Some(decision), "{name} {incoming:?}");
            assert_eq!(cx.remote_sampling(), Some(sampled), "{name} {incoming:?}");
            assert_eq!(
                injected(&B3::single(), &cx),
                carrier(&[("b3", single)]),
                "{name} {incoming:?}"
            );
            assert_eq!(
                injected(&B3::multi(), &cx),
                carrier(&[multi]),
                "{name} {incoming:?}"
            );
            let mut expected = carrier(&[("b3", single), multi]);
            expected.sort();
            assert_eq!(injected(&both, &cx), expected, "{name} {incoming:?}");
        }
    }
}

/// Single → multi → single, and multi → single → multi, keep debug.
#[test]
fn debug_survives_conversion_between_the_encodings() {
    let cx = B3::single().extract(&Context::default(), &carrier(&[("b3", "d")]));
    let multi = injected(&B3::multi(), &cx);
    let cx = B3::multi().extract(&Context::default(), &multi);
    assert_eq!(injected(&B3::single(), &cx), carrier(&[("b3", "d")]));

    let cx = B3::multi().extract(&Context::default(), &carrier(&[("x-b3-flags", "1")]));
    let single = injected(&B3::single(), &cx);
    let cx = B3::single().extract(&Context::default(), &single);
    assert_eq!(injected(&B3::multi(), &cx), carrier(&[("x-b3-flags", "1")]));
}

/// The setters: debug can be set and cleared, the yes/no setter writes
/// accept or deny, and a decision next to ids gives way to the ids.
#[test]
fn the_decision_can_be_set_and_read() {
    let debug = Context::default().with_remote_decision(Some(Sampling::Debug));
    assert_eq!(debug.remote_decision(), Some(Sampling::Debug));
    assert_eq!(injected(&B3::single(), &debug), carrier(&[("b3", "d")]));

    let accept = debug.with_remote_sampling(Some(true));
    assert_eq!(accept.remote_decision(), Some(Sampling::Accept));
    assert!(debug.with_remote_decision(None).is_empty());

    let with_baggage = debug.with_baggage("k", "v");
    assert_eq!(with_baggage.remote_decision(), Some(Sampling::Debug));

    let with_ids = B3::single().extract(
        &debug,
        &carrier(&[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0")]),
    );
    assert_eq!(
        injected(&B3::single(), &with_ids),
        carrier(&[("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0")])
    );
}

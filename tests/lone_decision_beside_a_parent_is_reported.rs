//! A sampling decision without ids beside a parent: the parent decides,
//! as before, and a decision it does not agree with is one
//! `Problem::DecisionBesideParent`, so nothing the caller passed in is
//! lost silently. Found: `b3: 0` beside a `traceparent` in
//! `tracecontext,b3`, and `x-b3-sampled: 0` without ids beside a `b3` with
//! ids, were dropped without a word; so was an `x-b3-spanid` without its
//! trace id beside a `b3` (with ids or a decision alone), which is now the
//! `Problem::Invalid` it is when it comes alone.

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::wire::b3::Sampling;
use baton::wire::{Field, Reason, WireError};
use baton::Context;

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";

fn beside(
    parent: &'static str,
    parent_sampled: Option<bool>,
    ignored: &'static str,
    ignored_decision: Sampling,
) -> Vec<Problem> {
    vec![Problem::DecisionBesideParent {
        parent,
        parent_sampled,
        ignored,
        ignored_decision,
    }]
}

/// The propagator a name in the table stands for.
fn propagator(list: &str) -> Box<dyn Propagator> {
    match list {
        "B3::single" => Box::new(B3::single()),
        "B3::multi" => Box::new(B3::multi()),
        list => Box::new(Composite::from_list(list).unwrap()),
    }
}

type Row = (
    &'static str,
    Vec<(&'static str, String)>,
    Option<bool>,
    Vec<Problem>,
);

#[test]
fn a_decision_the_parent_does_not_carry_is_reported_and_the_parent_decides() {
    let h = |v: &str| v.to_owned();
    let tp = |flags: &str| format!("00-{T}-{S}-{flags}");
    let b3 = |sampling: &str| format!("{T}-{S}{sampling}");
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        // Another format's parent, whatever the order.
        ("tracecontext,b3", vec![("traceparent", tp("01")), ("b3", h("0"))],
            Some(true), beside("traceparent", Some(true), "b3", Sampling::Deny)),
        ("b3,tracecontext", vec![("b3", h("0")), ("traceparent", tp("01"))],
            Some(true), beside("traceparent", Some(true), "b3", Sampling::Deny)),
        ("b3,tracecontext", vec![("b3", h("1")), ("traceparent", tp("00"))],
            Some(false), beside("traceparent", Some(false), "b3", Sampling::Accept)),
        ("tracecontext,b3multi", vec![("traceparent", tp("00")), ("x-b3-sampled", h("1"))],
            Some(false), beside("traceparent", Some(false), "x-b3-traceid", Sampling::Accept)),
        // Debug the parent does not carry is lost too.
        ("tracecontext,b3", vec![("traceparent", tp("01")), ("b3", h("d"))],
            Some(true), beside("traceparent", Some(true), "b3", Sampling::Debug)),
        // The same decision: nothing lost.
        ("tracecontext,b3", vec![("traceparent", tp("01")), ("b3", h("1"))], Some(true), vec![]),
        ("b3,tracecontext", vec![("b3", h("0")), ("traceparent", tp("00"))], Some(false), vec![]),
        // B3's own encodings: a lone x-b3-* decision beside a b3 with ids.
        ("B3::single", vec![("b3", b3("-1")), ("x-b3-sampled", h("0"))],
            Some(true), beside("b3", Some(true), "x-b3-sampled", Sampling::Deny)),
        ("B3::multi", vec![("b3", b3("-0")), ("X-B3-Sampled", h("true"))],
            Some(false), beside("b3", Some(false), "x-b3-sampled", Sampling::Accept)),
        ("b3,b3multi", vec![("b3", b3("")), ("x-b3-sampled", h("1"))],
            None, beside("b3", None, "x-b3-sampled", Sampling::Accept)),
        ("B3::single", vec![("b3", b3("-1")), ("x-b3-flags", h("1"))],
            Some(true), beside("b3", Some(true), "x-b3-flags", Sampling::Debug)),
        ("B3::single", vec![("b3", b3("-1")), ("x-b3-sampled", h("1"))], Some(true), vec![]),
        ("B3::multi", vec![("b3", b3("-d")), ("x-b3-sampled", h("1"))], Some(true), vec![]),
        ("B3::multi", vec![("b3", b3("-d")), ("x-b3-flags", h("1"))], Some(true), vec![]),
        ("B3::single", vec![("b3", b3("-0")), ("x-b3-sampled", h("0"))], Some(false), vec![]),
        // An X-B3-Flags other than 1 is no header.
        ("B3::single", vec![("b3", b3("-0")), ("x-b3-flags", h("0"))], Some(false), vec![]),
    ];
    for (list, headers, sampled, problems) in table {
        let carrier: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let (cx, met) = propagator(list).extract_with_problems(&Context::default(), &carrier);
        let sc = cx.span_context().expect("the parent is kept");
        assert_eq!(sc.sampling_decision(), sampled, "{list} {headers:?}");
        assert_eq!(cx.remote_decision(), None, "{list} {headers:?}");
        let met: Vec<Problem> = met.iter().copied().collect();
        assert_eq!(met, problems, "{list} {headers:?}");
    }
}

#[test]
fn multi_headers_without_a_trace_id_beside_a_b3_are_invalid() {
    let missing = Problem::Invalid(WireError::new(Field::B3TraceId, 0, Reason::Missing));
    let with_ids = format!("{T}-{S}-1");
    for single in [with_ids.as_str(), "1"] {
        for b3 in [B3::single(), B3::multi()] {
            let headers = vec![
                ("b3".to_string(), single.to_string()),
                ("x-b3-spanid".to_string(), S.to_string()),
                ("x-b3-sampled".to_string(), "0".to_string()),
            ];
            let (cx, met) = b3.extract_with_problems(&Context::default(), &headers);
            let sampled = cx.span_context().map(|sc| sc.is_sampled());
            assert_eq!(sampled.or(cx.remote_sampling()), Some(true), "b3: {single}");
            let met: Vec<Problem> = met.iter().copied().collect();
            assert_eq!(met, [missing], "b3: {single} {b3:?}");
        }
    }
}

#[test]
fn the_report_names_both_sides() {
    let headers = vec![
        ("traceparent".to_string(), format!("00-{T}-{S}-01")),
        ("b3".to_string(), "0".to_string()),
    ];
    let both = Composite::from_list("tracecontext,b3").unwrap();
    let (_, met) = both.extract_with_problems(&Context::default(), &headers);
    assert_eq!(
        met.iter().next().unwrap().to_string(),
        "b3 carries the decision not sampled without ids beside traceparent's parent \
         (sampled); kept the parent's"
    );
}

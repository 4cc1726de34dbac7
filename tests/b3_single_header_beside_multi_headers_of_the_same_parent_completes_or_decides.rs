//! Beside `x-b3-*` headers that carry a parent, a valid `b3` header loses
//! nothing they carry. A `b3` with a decision alone (`b3: 1`) decides for
//! the parent the multi headers carry, so their trace goes on; a `b3` with
//! the same ids takes from them what it left out (a decision it deferred,
//! debug, the parent's parent span id), as a composite of two formats of
//! one parent does. Found: `b3: 1` beside `x-b3-traceid`/`x-b3-spanid`
//! dropped their ids without a word, and a deferred `b3` beside
//! `x-b3-sampled: 1` of the same parent dropped the decision.

use baton::propagation::{Problem, Propagator, B3};
use baton::wire::{Field, Reason, WireError};
use baton::{Context, SpanContext, SpanId, TraceId};

const T: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const S: &str = "e457b5a2e4d86bd1";
const P: &str = "05e3ac9a4f6e3b90";

/// What each B3 propagator extracts from `pairs`: the span context (if
/// any), the lone decision (if any) and the problems, the same for both.
fn extracted(pairs: &[(&str, &str)]) -> (Option<SpanContext>, Option<bool>, Vec<Problem>) {
    let headers: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let [single, multi] = [B3::single(), B3::multi()].map(|b3| {
        let (cx, problems) = b3.extract_with_problems(&Context::default(), &headers);
        (
            cx.span_context().cloned(),
            cx.remote_sampling(),
            problems.iter().copied().collect::<Vec<_>>(),
        )
    });
    assert_eq!(single, multi, "{pairs:?}");
    single
}

fn ids(sc: &SpanContext) -> (String, String) {
    (sc.trace_id().to_string(), sc.span_id().to_string())
}

#[test]
fn a_lone_accept_decides_for_the_multi_headers_parent() {
    for sampled in [None, Some("1")] {
        let mut pairs = vec![("b3", "1"), ("x-b3-traceid", T), ("x-b3-spanid", S)];
        pairs.extend(sampled.map(|s| ("x-b3-sampled", s)));
        let (sc, _, problems) = extracted(&pairs);
        let sc = sc.expect("the multi headers' parent is kept");
        assert_eq!(ids(&sc), (T.to_string(), S.to_string()));
        assert!(sc.is_remote() && sc.is_sampled() && !sc.is_deferred() && !sc.is_debug());
        assert_eq!(problems, [], "{pairs:?}");
    }
}

#[test]
fn a_lone_debug_decides_and_stays_debug() {
    let (sc, _, problems) = extracted(&[("b3", "d"), ("x-b3-traceid", T), ("x-b3-spanid", S)]);
    let sc = sc.unwrap();
    assert!(sc.is_sampled() && sc.is_debug());
    assert_eq!(problems, []);
}

#[test]
fn a_lone_decision_overriding_the_multi_headers_decision_is_a_span_conflict() {
    let pairs = [
        ("b3", "0"),
        ("x-b3-traceid", T),
        ("x-b3-spanid", S),
        ("x-b3-sampled", "1"),
    ];
    let (sc, _, problems) = extracted(&pairs);
    let sc = sc.unwrap();
    assert_eq!(ids(&sc), (T.to_string(), S.to_string()));
    assert!(
        !sc.is_sampled() && !sc.is_deferred(),
        "b3 wins for what it carries"
    );
    let span_id = SpanId::from_hex(S).unwrap();
    assert_eq!(
        problems,
        [Problem::SpanConflict {
            kept: "b3",
            kept_span_id: span_id,
            kept_sampled: Some(false),
            ignored: "x-b3-traceid",
            ignored_span_id: span_id,
            ignored_sampled: Some(true),
            trace_id: TraceId::from_hex(T).unwrap(),
        }]
    );
}

#[test]
fn a_lone_decision_beside_multi_headers_without_a_trace_id_stays_alone() {
    let (sc, decision, problems) =
        extracted(&[("b3", "1"), ("x-b3-spanid", S), ("x-b3-sampled", "0")]);
    assert_eq!(sc, None, "no trace id: the multi headers carry no parent");
    assert_eq!(decision, Some(true));
    // Invalid, as they are alone: not passed over silently.
    let missing = WireError::new(Field::B3TraceId, 0, Reason::Missing);
    assert_eq!(problems, [Problem::Invalid(missing)]);
}

#[test]
fn a_deferred_b3_takes_the_same_parents_decision() {
    let single = format!("{T}-{S}");
    for (sampled, want) in [("1", true), ("0", false)] {
        let pairs = [
            ("b3", single.as_str()),
            ("x-b3-traceid", T),
            ("x-b3-spanid", S),
            ("x-b3-sampled", sampled),
        ];
        let (sc, _, problems) = extracted(&pairs);
        let sc = sc.unwrap();
        assert_eq!(
            (sc.is_deferred(), sc.is_sampled()),
            (false, want),
            "{pairs:?}"
        );
        assert_eq!(problems, []);
    }
}

#[test]
fn the_same_parent_adds_debug_and_the_parents_parent() {
    let single = format!("{T}-{S}-1");
    let (sc, _, problems) = extracted(&[
        ("b3", &single),
        ("x-b3-traceid", T),
        ("x-b3-spanid", S),
        ("x-b3-flags", "1"),
        ("x-b3-parentspanid", P),
    ]);
    let sc = sc.unwrap();
    assert!(sc.is_sampled() && sc.is_debug());
    assert_eq!(sc.parent_span_id(), SpanId::from_hex(P).ok());
    assert_eq!(problems, []);
}

#[test]
fn b3_with_ids_keeps_its_own_decision_and_parent() {
    // What `b3` carries is never replaced: its decision and its parent's
    // parent stay, and only another decision is reported.
    let single = format!("{T}-{S}-1-{P}");
    let (sc, _, problems) = extracted(&[
        ("b3", &single),
        ("x-b3-traceid", T),
        ("x-b3-spanid", S),
        ("x-b3-parentspanid", "a2fb4a1d1a96d312"),
    ]);
    let sc = sc.unwrap();
    assert!(sc.is_sampled() && !sc.is_debug());
    assert_eq!(sc.parent_span_id(), SpanId::from_hex(P).ok());
    assert_eq!(problems, []);
}

//! A baggage key Jaeger receives twice keeps one value, whatever the
//! carrier's order: `uberctx-{key}` before `jaeger-baggage`, then the
//! first `jaeger-baggage` entry. A second value that differs is a
//! conflict (`DiagnosticKind::ConflictingContext`, "different values for
//! one baggage key"); one that says the same, decoded, is nothing lost and
//! no problem, as a repeated identical `uber-trace-id` or `X-B3-*` value
//! is none.

use std::collections::HashMap;

use baton::propagation::{Jaeger, Problem, Propagator};
use baton::{Context, DiagnosticKind};

fn extract(pairs: &[(&str, &str)]) -> (Context, Vec<Problem>) {
    let carrier: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    (cx, problems.iter().copied().collect())
}

fn conflict(entries: usize) -> Problem {
    Problem::BaggageConflict {
        ignored: "jaeger-baggage",
        entries,
    }
}

#[test]
fn uberctx_wins_over_jaeger_baggage_before_or_after_it() {
    for pairs in [
        [("jaeger-baggage", "tenant=a"), ("uberctx-tenant", "b")],
        [("uberctx-tenant", "b"), ("jaeger-baggage", "tenant=a")],
    ] {
        let (cx, problems) = extract(&pairs);
        assert_eq!(cx.baggage().get("tenant"), Some("b"), "{pairs:?}");
        assert_eq!(problems, [conflict(1)], "{pairs:?}");
        assert_eq!(problems[0].kind(), DiagnosticKind::ConflictingContext);
    }
}

#[test]
fn uberctx_wins_in_a_hash_map_whatever_its_order() {
    for _ in 0..16 {
        let carrier: HashMap<String, String> = [
            ("jaeger-baggage", "tenant=a, x=1"),
            ("uberctx-tenant", "b"),
            ("uberctx-y", "2"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let cx = Jaeger.extract(&Context::default(), &carrier);
        assert_eq!(cx.baggage().get("tenant"), Some("b"));
    }
}

#[test]
fn the_first_jaeger_baggage_entry_of_a_key_wins() {
    let (cx, problems) = extract(&[("jaeger-baggage", "k=1, k=2"), ("jaeger-baggage", "k=3")]);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    assert_eq!(problems, [conflict(2)]);
}

#[test]
fn the_same_value_again_is_no_problem() {
    let (cx, problems) = extract(&[("uberctx-k", "a%20b"), ("jaeger-baggage", "k=a+b, k = a b")]);
    assert_eq!(cx.baggage().get("k"), Some("a b"));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn keys_keep_their_case_so_k_and_upper_k_are_two_keys() {
    let (cx, problems) = extract(&[("uberctx-k", "1"), ("jaeger-baggage", "K=2")]);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    assert_eq!(cx.baggage().get("K"), Some("2"));
    assert!(problems.is_empty(), "{problems:?}");
}

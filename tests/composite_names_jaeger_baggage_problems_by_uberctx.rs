//! A `Composite` names a problem with the baggage Jaeger carried by the
//! fields that carried it, `uberctx-*`, as Jaeger extracting alone does.
//! Found: it named Jaeger's first field, so baggage dropped at the W3C
//! limits or ignored for a conflicting key was reported against
//! `uber-trace-id`, a header that was valid and whose context was kept.

use baton::propagation::{Composite, Problem, Propagator};
use baton::{Baggage, Context};

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1";

#[test]
fn jaeger_baggage_past_the_limits_is_reported_as_uberctx() {
    let composite = Composite::from_list("baggage,jaeger").unwrap();
    // `big=` and a value that leaves 4 bytes: `,k=v` fits, nothing more.
    let big = format!("big={}", "v".repeat(Baggage::MAX_BYTES - 4 - 4));
    let headers = carrier(&[
        ("baggage", &big),
        ("uber-trace-id", TRACE),
        ("uberctx-k", "v"),
        ("uberctx-late", "too much"),
    ]);
    let (cx, problems) = composite.extract_with_problems(&Context::default(), &headers);
    assert!(cx.span_context().is_some(), "uber-trace-id was read");
    assert_eq!(cx.baggage().get("k"), Some("v"));
    assert_eq!(cx.baggage().get("late"), None);
    let partial: Vec<_> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::Partial { field, dropped, .. } => Some((*field, *dropped)),
            _ => None,
        })
        .collect();
    assert_eq!(partial, [("uberctx-*", 1)]);
}

#[test]
fn jaeger_baggage_conflicting_with_an_earlier_format_is_reported_as_uberctx() {
    let composite = Composite::from_list("baggage,jaeger").unwrap();
    let headers = carrier(&[
        ("baggage", "tenant=a"),
        ("uber-trace-id", TRACE),
        ("uberctx-tenant", "b"),
    ]);
    let (cx, problems) = composite.extract_with_problems(&Context::default(), &headers);
    assert_eq!(cx.baggage().get("tenant"), Some("a"));
    let conflicts: Vec<_> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::BaggageConflict { ignored, entries } => Some((*ignored, *entries)),
            _ => None,
        })
        .collect();
    assert_eq!(conflicts, [("uberctx-*", 1)]);
}

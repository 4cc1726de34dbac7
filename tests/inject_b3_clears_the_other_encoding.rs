//! A B3 inject owns both B3 encodings: it writes its own and removes the
//! other's from the carrier. Bug: with `b3multi`, a stale single `b3`
//! header stayed in a reused carrier beside the fresh `x-b3-*` headers, and
//! a B3 receiver, which reads the single header first, joined the old
//! trace (with `b3`, stale `x-b3-*` headers did the same to receivers that
//! read only the multi headers). A composite that writes both encodings
//! (`b3,b3multi`) keeps both fresh, in either order.

use std::collections::HashMap;

use baton::propagation::{Composite, Extractor, Propagator, B3};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

const OLD_TRACE: &str = "11111111111111111111111111111111";

/// Headers of another trace in both encodings, in mixed case, as a carrier
/// copied from an earlier request holds them.
fn stale() -> Vec<(String, String)> {
    [
        (
            "B3",
            "11111111111111111111111111111111-2222222222222222-1-3333333333333333",
        ),
        ("X-B3-TraceId", OLD_TRACE),
        ("X-B3-SpanId", "2222222222222222"),
        ("X-B3-ParentSpanId", "3333333333333333"),
        ("X-B3-Sampled", "1"),
        ("X-B3-Flags", "1"),
        ("accept", "*/*"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A sampled root of a new trace.
fn fresh() -> Context {
    Context::default().with_span_context(SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    ))
}

fn configured() -> Vec<(&'static str, Box<dyn Propagator>)> {
    let list = |l: &str| Box::new(Composite::from_list(l).unwrap()) as Box<dyn Propagator>;
    vec![
        ("B3::single()", Box::new(B3::single())),
        ("B3::multi()", Box::new(B3::multi())),
        ("b3", list("b3")),
        ("b3multi", list("b3multi")),
        ("b3,b3multi", list("b3,b3multi")),
        ("b3multi,b3", list("b3multi,b3")),
        ("tracecontext,b3multi", list("tracecontext,b3multi")),
    ]
}

/// What a receiver reading only the single header, or only the multi
/// headers, would join.
fn trace_in(carrier: &Vec<(String, String)>, field: &str) -> Option<String> {
    carrier.get(field).map(|v| v[..32].to_owned())
}

#[test]
fn a_b3_inject_leaves_no_stale_header_of_either_encoding() {
    for (name, p) in configured() {
        for cx in [fresh(), Context::default()] {
            let mut reused = stale();
            p.inject(&cx, &mut reused);
            let mut new = vec![("accept".to_owned(), "*/*".to_owned())];
            p.inject(&cx, &mut new);
            reused.sort();
            new.sort();
            assert_eq!(reused, new, "{name}");

            let joined = B3::multi()
                .extract(&Context::default(), &reused)
                .span_context()
                .map(|sc| sc.trace_id());
            assert_eq!(joined, cx.span_context().map(|sc| sc.trace_id()), "{name}");
            for field in ["b3", "x-b3-traceid"] {
                assert_ne!(
                    trace_in(&reused, field).as_deref(),
                    Some(OLD_TRACE),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn a_composite_of_both_encodings_writes_both() {
    let want = "4bf92f3577b34da6a3ce929d0e0e4736";
    for list in ["b3,b3multi", "b3multi,b3"] {
        let p = Composite::from_list(list).unwrap();
        let mut carrier: HashMap<String, String> = HashMap::new();
        p.inject(&fresh(), &mut carrier);
        p.inject(&fresh(), &mut carrier);
        assert_eq!(
            carrier["b3"],
            format!("{want}-00f067aa0ba902b7-1"),
            "{list}"
        );
        assert_eq!(carrier["x-b3-traceid"], want, "{list}");
        assert_eq!(carrier["x-b3-spanid"], "00f067aa0ba902b7", "{list}");
        assert_eq!(carrier["x-b3-sampled"], "1", "{list}");
        assert_eq!(carrier.len(), 4, "{list}: {carrier:?}");
    }
}

/// Each member still clears what no member writes.
#[test]
fn both_encodings_are_removed_for_a_context_without_b3_state() {
    let p = Composite::from_list("b3multi,b3").unwrap();
    let mut carrier = stale();
    p.inject(&Context::default(), &mut carrier);
    assert_eq!(carrier, [("accept".to_owned(), "*/*".to_owned())]);
}

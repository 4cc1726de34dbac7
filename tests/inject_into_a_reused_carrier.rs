//! Injecting into a carrier that already holds another context's fields
//! gives what injecting into an empty one gives: every propagator removes
//! its own fields that it does not write this time. Found: a reused
//! carrier kept the old `tracestate` beside a new `traceparent` of another
//! trace, `x-b3-parentspanid` beside a root, `x-b3-flags: 1` (debug, an
//! accept) beside `x-b3-sampled: 0`, `uberctx-*` and `baggage` entries no
//! longer in the baggage, and the whole old context when the new one had
//! no span.

use std::collections::{BTreeMap, HashMap};

use baton::propagation::{
    Composite, EnvCarrier, Injector, Jaeger, Propagator, SessionHeader, TraceContext, W3cBaggage,
    B3,
};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

/// A remote debug parent with a parent span id, a tracestate, baggage and
/// a session: every optional field filled.
fn full() -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_parent_span_id(SpanId::from_hex("e457b5a2e4d86bd1").ok())
    .with_debug(true)
    .with_trace_state(TraceState::EMPTY.insert("old", "1").unwrap())
    .with_remote(true);
    Context::default()
        .with_span_context(sc)
        .with_baggage("stale", "yes")
        .with_baggage("session.id", "s-1")
}

/// A root that is not sampled, with nothing else.
fn bare() -> Context {
    Context::default().with_span_context(SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(0),
    ))
}

fn propagators() -> Vec<(&'static str, Box<dyn Propagator>)> {
    vec![
        ("tracecontext", Box::new(TraceContext)),
        ("baggage", Box::new(W3cBaggage)),
        ("b3", Box::new(B3::single())),
        ("b3multi", Box::new(B3::multi())),
        ("jaeger", Box::new(Jaeger)),
        ("session", Box::new(SessionHeader::default())),
        ("default", Box::new(Composite::default())),
    ]
}

/// `inject(first)` then `inject(second)` into one carrier of type `C`,
/// and `inject(second)` into a new one: the same fields, seen as `view`.
fn check<C: Injector + Default, V: PartialEq + std::fmt::Debug>(
    carrier: &str,
    view: impl Fn(&C) -> V,
) {
    let contexts = [
        ("full", full()),
        ("bare", bare()),
        ("empty", Context::default()),
    ];
    for (name, p) in propagators() {
        for (first_name, first) in &contexts {
            for (second_name, second) in &contexts {
                let mut reused = C::default();
                p.inject(first, &mut reused);
                p.inject(second, &mut reused);
                let mut fresh = C::default();
                p.inject(second, &mut fresh);
                assert_eq!(
                    view(&reused),
                    view(&fresh),
                    "{name} into a {carrier}: {first_name} then {second_name}"
                );
            }
        }
    }
}

#[test]
fn a_reused_carrier_holds_only_the_last_context() {
    check::<HashMap<String, String>, _>("HashMap", |c| c.clone());
    check::<BTreeMap<String, String>, _>("BTreeMap", |c| c.clone());
    check::<Vec<(String, String)>, _>("Vec", |c| {
        let mut lines = c.clone();
        lines.sort();
        lines
    });
    check::<EnvCarrier, _>("EnvCarrier", |c| {
        let mut vars: Vec<(String, String)> = c
            .vars()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        vars.sort();
        vars
    });
}

/// Names are matched whatever their case, as `set` matches them.
#[test]
fn fields_in_another_case_are_removed_too() {
    let mut headers = vec![
        ("TraceState".to_owned(), "old=1".to_owned()),
        (
            "X-B3-ParentSpanId".to_owned(),
            "e457b5a2e4d86bd1".to_owned(),
        ),
        ("UberCtx-Stale".to_owned(), "yes".to_owned()),
        ("Content-Type".to_owned(), "text/plain".to_owned()),
    ];
    Composite::new(vec![
        Box::new(TraceContext),
        Box::new(B3::multi()),
        Box::new(Jaeger),
    ])
    .inject(&bare(), &mut headers);
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "Content-Type",
            "traceparent",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-sampled",
            "uber-trace-id"
        ]
    );
}

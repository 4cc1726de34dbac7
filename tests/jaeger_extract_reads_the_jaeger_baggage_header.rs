//! Jaeger extract reads `jaeger-baggage: k1=v1, k2=v2`, the header Jaeger's
//! clients (and OpenTelemetry Java's Jaeger propagator) read to give a
//! request baggage by hand, with or without a trace: its name in any case,
//! every line of it in order, its values decoded as `uberctx-*` values
//! are, its keys in their own case. It is an extract field, so a carrier
//! reused for an inject loses a stale one. Found: the header was neither
//! read nor reported, and `curl -H 'jaeger-baggage: tenant=acme'` lost
//! the tenant without a word.

use std::collections::HashMap;

use baton::propagation::{EnvCarrier, Jaeger, Propagator};
use baton::Context;

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn baggage(cx: &Context) -> Vec<(String, String)> {
    cx.baggage()
        .iter()
        .map(|(k, v, _)| (k.to_string(), v.to_string()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    carrier(expected)
}

#[test]
fn every_line_in_any_case_is_read_in_order_without_a_trace() {
    let headers = carrier(&[
        ("jaeger-baggage", "k1=v1, k2 = v2 "),
        ("accept", "*/*"),
        ("Jaeger-Baggage", "userId=caf%C3%A9+au+lait"),
    ]);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(cx.span_context().is_none());
    assert_eq!(
        baggage(&cx),
        pairs(&[("k1", "v1"), ("k2", "v2"), ("userId", "café au lait")])
    );
}

#[test]
fn read_beside_a_trace_and_uberctx_fields_from_a_map() {
    let headers: HashMap<String, String> = carrier(&[
        (
            "uber-trace-id",
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
        ),
        ("uberctx-a", "1"),
        ("JAEGER-BAGGAGE", "b=2"),
    ])
    .into_iter()
    .collect();
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(cx.span_context().unwrap().is_sampled());
    assert_eq!(baggage(&cx), pairs(&[("a", "1"), ("b", "2")]));
}

#[test]
fn read_from_the_environment_as_jaeger_baggage() {
    let env = EnvCarrier::from_vars([("JAEGER_BAGGAGE", "tenant=acme")]);
    let cx = Jaeger.extract(&Context::default(), &env);
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
}

#[test]
fn is_an_extract_field_and_a_reused_carrier_loses_it_on_inject() {
    assert_eq!(Jaeger.fields(), ["uber-trace-id"]);
    assert_eq!(Jaeger.extract_fields(), ["uber-trace-id", "jaeger-baggage"]);
    let mut reused = carrier(&[("Jaeger-Baggage", "tenant=old")]);
    let cx = Context::default().with_baggage("user", "u1");
    Jaeger.inject(&cx, &mut reused);
    assert_eq!(reused, carrier(&[("uberctx-user", "u1")]));
}

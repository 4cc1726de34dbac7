//! Audit: a propagator written against the public trait, in a composite
//! with the built-in ones. The spec's composite "will invoke the
//! Propagators ... in the order they were specified"; baton's extract gives
//! each member an empty context and merges what it returns (the first
//! parent wins, later baggage adds), which the custom member must fit too.

use std::collections::HashMap;

use baton::propagation::{Composite, Extractor, Injector, Problem, Propagator, TraceContext};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

const T1: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const T2: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const S: &str = "00f067aa0ba902b7";

/// `x-tenant: {tenant}` as the baggage entry `tenant`, and `x-trace:
/// {trace id}` as a parent with span id `S`.
struct Tenant;

impl Propagator for Tenant {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        match cx.baggage().get("tenant") {
            Some(t) => carrier.set("x-tenant", t.to_owned()),
            None => carrier.remove_field("x-tenant"),
        }
        if let Some(sc) = cx.span_context() {
            carrier.set("x-trace", sc.trace_id().to_string());
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let mut out = cx.clone();
        if let Some(t) = carrier.get("x-tenant") {
            out = out.with_baggage("tenant", &t);
        }
        if let Some(id) = carrier
            .get("x-trace")
            .and_then(|t| TraceId::from_hex(&t).ok())
        {
            let sc = SpanContext::new(id, SpanId::from_hex(S).unwrap(), TraceFlags::from_bits(1));
            out = out.with_span_context(sc.with_remote(true));
        }
        out
    }

    fn fields(&self) -> &[&str] {
        &["x-tenant", "x-trace"]
    }
}

fn headers(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn a_custom_member_is_run_in_order_with_the_built_in_ones() {
    let custom_last = Composite::new(vec![Box::new(Composite::default()), Box::new(Tenant)]);
    let custom_first = Composite::new(vec![Box::new(Tenant), Box::new(TraceContext)]);
    assert_eq!(
        custom_last.fields(),
        [
            "traceparent",
            "tracestate",
            "baggage",
            "x-tenant",
            "x-trace"
        ]
    );
    assert_eq!(
        custom_first.fields(),
        ["x-tenant", "x-trace", "traceparent", "tracestate"]
    );

    // (composite, headers, trace id kept, tenant, problems)
    let traceparent = format!("00-{T1}-{S}-01");
    #[rustfmt::skip]
    let table = [
        (&custom_last, headers(&[("traceparent", traceparent.clone()), ("X-Tenant", "acme".into())]),
            Some(T1), Some("acme"), 0),
        (&custom_last, headers(&[("traceparent", traceparent.clone()), ("x-trace", T2.into())]),
            Some(T1), None, 1),
        (&custom_first, headers(&[("traceparent", traceparent.clone()), ("x-trace", T2.into())]),
            Some(T2), None, 1),
        (&custom_last, headers(&[("traceparent", "garbage".into()), ("x-trace", T2.into())]),
            Some(T2), None, 1),
        // The first format's baggage holds; the custom one's other value is a conflict.
        (&custom_last, headers(&[("baggage", "tenant=w3c".into()), ("x-tenant", "mine".into())]),
            None, Some("w3c"), 1),
        (&custom_first, headers(&[("x-tenant", "mine".into())]), None, Some("mine"), 0),
    ];
    for (composite, carrier, trace, tenant, problems) in table {
        let (cx, met) = composite.extract_with_problems(&Context::default(), &carrier);
        let got = cx.span_context().map(|sc| sc.trace_id().to_string());
        assert_eq!(got.as_deref(), trace, "{carrier:?}");
        assert_eq!(cx.baggage().get("tenant"), tenant, "{carrier:?}");
        assert_eq!(met.len(), problems, "{carrier:?}: {met:?}");
        let kinds_known = met.iter().all(|p| {
            matches!(
                p,
                Problem::Conflict { .. } | Problem::Invalid(_) | Problem::BaggageConflict { .. }
            )
        });
        assert!(kinds_known, "{met:?}");
    }
}

#[test]
fn inject_runs_each_member_in_order_on_one_carrier() {
    let composite = Composite::new(vec![Box::new(Composite::default()), Box::new(Tenant)]);
    let sc = SpanContext::new(
        TraceId::from_hex(T1).unwrap(),
        SpanId::from_hex(S).unwrap(),
        TraceFlags::from_bits(1),
    );
    let cx = Context::default()
        .with_span_context(sc)
        .with_baggage("tenant", "acme");
    // A reused carrier: the custom member clears its own stale field.
    let mut out = vec![("X-Tenant".to_string(), "stale".to_string())];
    composite.inject(&cx, &mut out);
    assert_eq!(
        out,
        [
            ("traceparent".to_string(), format!("00-{T1}-{S}-01")),
            ("baggage".to_string(), "tenant=acme".to_string()),
            ("x-tenant".to_string(), "acme".to_string()),
            ("x-trace".to_string(), T1.to_string()),
        ]
    );
    let back = composite.extract(&Context::default(), &out);
    assert_eq!(back.baggage().get("tenant"), Some("acme"));
    assert_eq!(back.span_context().unwrap().trace_id().to_string(), T1);
}

//! An empty field value, in each carrier of the crate and under a name in
//! another case: an empty `tracestate`, `baggage` or `jaeger-baggage` line
//! beside a full one adds nothing and is no problem (W3C allows an empty
//! list); an empty `traceparent`, `b3`, `uber-trace-id` or session header
//! is one reported problem and carries nothing, and a valid field of
//! another encoding beside it (`x-b3-*` beside an empty `b3`) still
//! carries the context. Audit: found sound, no test held empty values.

use std::collections::{BTreeMap, HashMap};

use baton::propagation::{
    EnvCarrier, Extractor, Jaeger, Propagator, SessionHeader, TraceContext, W3cBaggage, B3,
};
use baton::Context;

const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

/// The lines as each carrier holds them: names as given, in a `Vec`,
/// `HashMap` and `BTreeMap`.
fn carriers(lines: &[(&str, &str)]) -> Vec<Box<dyn Extractor>> {
    let owned = || {
        lines
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    };
    vec![
        Box::new(owned().collect::<Vec<_>>()),
        Box::new(owned().collect::<HashMap<_, _>>()),
        Box::new(owned().collect::<BTreeMap<_, _>>()),
    ]
}

fn trace(cx: &Context) -> Option<(String, String)> {
    cx.span_context()
        .map(|sc| (sc.trace_id().to_string(), sc.span_id().to_string()))
}

#[test]
fn an_empty_list_line_beside_a_full_one_adds_nothing() {
    for c in carriers(&[
        ("traceparent", TP),
        ("tracestate", "a=1"),
        ("TraceState", ""),
    ]) {
        let (cx, problems) = TraceContext.extract_with_problems(&Context::default(), &*c);
        assert!(problems.is_empty(), "{problems:?}");
        let state = cx.span_context().unwrap().trace_state().clone();
        assert_eq!(state.get("a"), Some("1"));
    }
    for c in carriers(&[("baggage", "k=v"), ("Baggage", "")]) {
        let (cx, problems) = W3cBaggage.extract_with_problems(&Context::default(), &*c);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cx.baggage().get("k"), Some("v"));
        assert_eq!(cx.baggage().len(), 1);
    }
    for c in carriers(&[("uberctx-k", "v"), ("Jaeger-Baggage", "")]) {
        let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &*c);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cx.baggage().get("k"), Some("v"));
    }
    let env = EnvCarrier::from_vars([("TRACEPARENT", TP), ("TRACESTATE", ""), ("BAGGAGE", "")]);
    let (cx, problems) = TraceContext.extract_with_problems(&Context::default(), &env);
    assert!(
        problems.is_empty() && cx.span_context().is_some(),
        "{problems:?}"
    );
    let (cx, problems) = W3cBaggage.extract_with_problems(&Context::default(), &env);
    assert!(
        problems.is_empty() && cx.baggage().is_empty(),
        "{problems:?}"
    );
}

#[test]
fn an_empty_single_value_field_is_one_problem_and_carries_nothing() {
    let session = SessionHeader::default();
    let cases: [(&dyn Propagator, &str); 4] = [
        (&TraceContext, "TraceParent"),
        (&B3::single(), "B3"),
        (&Jaeger, "Uber-Trace-Id"),
        (&session, "Baton-Session-Id"),
    ];
    for (p, name) in cases {
        for c in carriers(&[(name, "")]) {
            let (cx, problems) = p.extract_with_problems(&Context::default(), &*c);
            assert!(cx.is_empty(), "{name}");
            assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        }
    }
}

#[test]
fn an_empty_b3_beside_valid_multi_headers_keeps_the_multi_context() {
    for b3 in [B3::single(), B3::multi()] {
        for c in carriers(&[
            ("B3", ""),
            ("X-B3-TraceId", TRACE),
            ("X-B3-SpanId", SPAN),
            ("X-B3-Sampled", "1"),
        ]) {
            let (cx, problems) = b3.extract_with_problems(&Context::default(), &*c);
            assert_eq!(trace(&cx), Some((TRACE.into(), SPAN.into())), "{b3:?}");
            assert!(cx.span_context().unwrap().is_sampled());
            assert_eq!(problems.len(), 1, "{problems:?}");
        }
    }
}

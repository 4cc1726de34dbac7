//! B3 inject never writes the parent span id. The OpenTelemetry
//! specification (api-propagators.md, "B3 Inject") says propagators "MUST
//! NOT propagate `X-B3-ParentSpanId` as OpenTelemetry does not support
//! reusing the same id for both sides of a request"; opentelemetry-python
//! and opentelemetry-js write none. Bug: `B3::single()` wrote
//! `b3: {trace}-{span}-{flag}-{parent}` and `B3::multi()` wrote
//! `x-b3-parentspanid` whenever the span context had a parent, which every
//! local child span has. Extraction still reads the parent.

mod common;

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

const TRACE: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const SPAN: &str = "e457b5a2e4d86bd1";
const PARENT: &str = "05e3ac9a4f6e3b90";

fn extracted(b3: &str) -> Context {
    let incoming = HashMap::from([("b3".to_owned(), b3.to_owned())]);
    let cx = B3::single().extract(&Context::default(), &incoming);
    let sc = cx.span_context().expect("a valid b3 header");
    assert_eq!(sc.parent_span_id(), SpanId::from_hex(PARENT).ok());
    cx
}

fn injected(p: B3, cx: &Context) -> Vec<(String, String)> {
    let mut out = Vec::new();
    p.inject(cx, &mut out);
    out
}

#[test]
fn single_writes_three_parts_or_two_when_deferred() {
    for (incoming, outgoing) in [
        (
            format!("{TRACE}-{SPAN}-1-{PARENT}"),
            format!("{TRACE}-{SPAN}-1"),
        ),
        (
            format!("{TRACE}-{SPAN}-0-{PARENT}"),
            format!("{TRACE}-{SPAN}-0"),
        ),
        (
            format!("{TRACE}-{SPAN}-d-{PARENT}"),
            format!("{TRACE}-{SPAN}-d"),
        ),
        (
            format!("{TRACE}-{SPAN}-{PARENT}"),
            format!("{TRACE}-{SPAN}"),
        ),
    ] {
        assert_eq!(
            injected(B3::single(), &extracted(&incoming)),
            [("b3".to_owned(), outgoing)],
            "{incoming}"
        );
    }
}

#[test]
fn multi_writes_no_parent_header() {
    let out = injected(
        B3::multi(),
        &extracted(&format!("{TRACE}-{SPAN}-1-{PARENT}")),
    );
    assert_eq!(
        out,
        [
            ("x-b3-traceid".to_owned(), TRACE.to_owned()),
            ("x-b3-spanid".to_owned(), SPAN.to_owned()),
            ("x-b3-sampled".to_owned(), "1".to_owned()),
        ]
    );
}

/// The case every instrumented client meets: a local span under a parent.
#[test]
fn a_local_child_span_is_sent_without_its_parent() {
    common::exporter();
    let parent = baton::span("parent").enter();
    let child = baton::span("child").enter();
    let cx = Context::current();
    let sc = cx.span_context().unwrap();
    assert!(sc.parent_span_id().is_some());
    let single = injected(B3::single(), &cx);
    assert_eq!(
        single,
        [(
            "b3".to_owned(),
            format!("{}-{}-1", sc.trace_id(), sc.span_id())
        )]
    );
    let multi = injected(B3::multi(), &cx);
    assert!(
        multi.iter().all(|(name, _)| name != "x-b3-parentspanid"),
        "{multi:?}"
    );
    drop(child);
    drop(parent);
}

/// A carrier reused from a request that had one loses the stale parent,
/// whatever its case, with either encoding.
#[test]
fn a_stale_parent_header_is_removed() {
    let sc = SpanContext::new(
        TraceId::from_hex(TRACE).unwrap(),
        SpanId::from_hex(SPAN).unwrap(),
        TraceFlags::from_bits(1),
    );
    let cx = Context::default().with_span_context(sc);
    for p in [B3::single(), B3::multi()] {
        let mut carrier = vec![("X-B3-ParentSpanId".to_owned(), PARENT.to_owned())];
        p.inject(&cx, &mut carrier);
        assert!(
            carrier
                .iter()
                .all(|(name, _)| !name.eq_ignore_ascii_case("x-b3-parentspanid")),
            "{p:?}: {carrier:?}"
        );
    }
}

/// "Fields MUST return the header names that correspond to the configured
/// format, i.e., the headers used for the inject operation"; extraction
/// still reads `x-b3-parentspanid`.
#[test]
fn multi_fields_are_what_inject_writes() {
    assert_eq!(
        B3::multi().fields(),
        ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"]
    );
    assert!(B3::multi().extract_fields().contains(&"x-b3-parentspanid"));
}

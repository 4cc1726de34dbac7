//! A session header may not take the name of a field another propagator
//! reads or writes. Bug: `SessionHeader::new("traceparent")` was accepted,
//! and in `OTEL_PROPAGATORS=tracecontext,session` the session id overwrote
//! the `traceparent` just written (or the trace context the session), so
//! the next hop lost one of the two. The same went for `tracestate`,
//! `baggage`, `b3`, `x-b3-*`, `uber-trace-id` and `uberctx-*`, and for the
//! headers Jaeger's clients read besides (`jaeger-debug-id` makes them start
//! a debug trace, `jaeger-baggage` carries baggage).

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator, SessionError, SessionHeader};
use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

#[test]
fn names_of_other_fields_are_refused_in_any_case() {
    for (name, field) in [
        ("traceparent", "traceparent"),
        ("TraceParent", "traceparent"),
        ("TRACESTATE", "tracestate"),
        ("Baggage", "baggage"),
        ("B3", "b3"),
        ("X-B3-TraceId", "x-b3-traceid"),
        ("x-b3-spanid", "x-b3-spanid"),
        ("X-B3-ParentSpanId", "x-b3-parentspanid"),
        ("X-B3-Sampled", "x-b3-sampled"),
        ("X-B3-Flags", "x-b3-flags"),
        ("Uber-Trace-Id", "uber-trace-id"),
        ("uberctx-x", "uberctx-"),
        ("UberCtx-Session.Id", "uberctx-"),
        ("uberctx-", "uberctx-"),
        ("Jaeger-Debug-Id", "jaeger-debug-id"),
        ("jaeger-baggage", "jaeger-baggage"),
    ] {
        let got = SessionHeader::new(name);
        assert_eq!(
            got.err(),
            Some(SessionError::HeaderNameTaken { field }),
            "{name}"
        );
        let named = SessionHeader::from_lookup(|_| Some(name.to_owned()));
        assert_eq!(
            named.err(),
            Some(SessionError::HeaderNameTaken { field }),
            "{name}"
        );
    }
}

/// Only whole names (and Jaeger's baggage prefix) are taken.
#[test]
fn names_that_only_look_alike_are_accepted() {
    for name in [
        "traceparent2",
        "x-traceparent",
        "b3-session",
        "x-b3-session",
        "x-b3",
        "uberctx",
        "uber-trace",
        "jaeger-session-id",
        "baton-session-id",
        "Mirascope-Session-Id",
    ] {
        let header = SessionHeader::new(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(header.header(), name.to_ascii_lowercase());
    }
}

/// What the refusal prevents: both headers cross, neither overwrites the
/// other.
#[test]
fn with_an_allowed_name_trace_and_session_both_cross() {
    let cx = sampled_in_session();
    let both = Composite::new(vec![
        Box::new(baton::propagation::TraceContext),
        Box::new(SessionHeader::new("x-session").unwrap()),
    ]);
    let mut out = HashMap::new();
    both.inject(&cx, &mut out);
    assert_eq!(
        out["traceparent"],
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    );
    assert_eq!(out["x-session"], "chat-42");
    let error = SessionHeader::new("TraceParent").unwrap_err();
    assert_eq!(
        error.to_string(),
        "session header name is traceparent, a field another propagator reads or writes"
    );
}

/// Found: names that differ from another field only where the environment
/// carrier writes `_` (`x_b3_sampled`, `Uber_Trace_Id`; `trace-parent` is
/// no such name, its variable being `TRACE_PARENT`) were accepted, and in a
/// child process's environment both are one variable: with
/// `OTEL_PROPAGATORS=b3multi,session` the session id replaced
/// `X_B3_SAMPLED` (or, with no session, the session inject removed it),
/// so the child read an invalid B3 context or none.
#[test]
fn names_that_are_another_field_s_environment_variable_are_refused() {
    for (name, field) in [
        ("x_b3_sampled", "x-b3-sampled"),
        ("X_B3_TraceId", "x-b3-traceid"),
        ("x.b3.flags", "x-b3-flags"),
        ("Uber_Trace_Id", "uber-trace-id"),
        ("jaeger_debug_id", "jaeger-debug-id"),
    ] {
        assert_eq!(
            SessionHeader::new(name).err(),
            Some(SessionError::HeaderNameTaken { field }),
            "{name}"
        );
    }
    // What the refusal prevents: the session in the B3 decision's variable.
    use baton::propagation::{EnvCarrier, Extractor, B3};
    let cx = sampled_in_session();
    let mut env = EnvCarrier::default();
    Composite::new(vec![
        Box::new(B3::multi()),
        Box::new(SessionHeader::new("x-session").unwrap()),
    ])
    .inject(&cx, &mut env);
    assert_eq!(env.get("x-b3-sampled").as_deref(), Some("1"));
}

/// Found: a name whose variable starts with `UBERCTX_` (`uberctx_session`,
/// `UberCtx.Id`) was accepted, but in an environment carrier Jaeger's
/// inject clears the `uberctx-*` fields as every variable with that
/// prefix: with `OTEL_PROPAGATORS=session,jaeger` the session variable just
/// written was removed, and `inject_into_command` then removed an inherited
/// one too, so a child lost the session without a word.
#[test]
fn names_whose_variable_is_in_jaegers_baggage_prefix_are_refused() {
    for name in ["uberctx_session", "UberCtx.Id", "UBERCTX_"] {
        assert_eq!(
            SessionHeader::new(name).err(),
            Some(SessionError::HeaderNameTaken { field: "uberctx-" }),
            "{name}"
        );
    }
    // What the refusal prevents: the session cleared from the child's
    // variables by the Jaeger inject after it.
    use baton::propagation::{EnvCarrier, Extractor, Jaeger};
    let cx = sampled_in_session();
    let mut env = EnvCarrier::default();
    Composite::new(vec![
        Box::new(SessionHeader::new("x-session").unwrap()),
        Box::new(Jaeger),
    ])
    .inject(&cx, &mut env);
    assert_eq!(env.get("x-session").as_deref(), Some("chat-42"));
}

/// A sampled span context in session `chat-42`, for the propagators to carry.
fn sampled_in_session() -> Context {
    let sc = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    );
    Context::default()
        .with_span_context(sc)
        .with_baggage("session.id", "chat-42")
}

//! `TraceContext` extraction and injection follow the W3C processing model,
//! and each extract call reports at most one diagnostic. Reads the
//! process-wide diagnostic counters, so it has its own file and its tests
//! take a lock.

use std::sync::{Mutex, MutexGuard};

use baton::propagation::{Propagator, TraceContext};
use baton::{diagnostic_count, Context, DiagnosticKind};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const TP: &str = "00-12345678901234567890123456789012-1234567890123456-01";

fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Extracts from `list` into an empty context; returns the context and how
/// many `InvalidHeader` diagnostics the call reported.
fn extract(list: &[(&str, &str)]) -> (Context, u64) {
    let before = diagnostic_count(DiagnosticKind::InvalidHeader);
    let cx = TraceContext.extract(&Context::default(), &headers(list));
    (cx, diagnostic_count(DiagnosticKind::InvalidHeader) - before)
}

#[test]
fn valid_headers_give_a_remote_span_context_with_tracestate() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[("traceparent", TP), ("tracestate", "foo=1,bar=2")]);
    let sc = cx.span_context().unwrap();
    assert!(sc.is_remote());
    assert_eq!(
        sc.trace_id().to_string(),
        "12345678901234567890123456789012"
    );
    assert_eq!(sc.trace_state().get("bar"), Some("2"));
    assert_eq!(diagnostics, 0);
}

#[test]
fn header_names_match_in_any_case() {
    let _s = serial();
    for name in ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"] {
        let (cx, _) = extract(&[(name, TP), ("TRACESTATE", "foo=1")]);
        let sc = cx.span_context().unwrap();
        assert_eq!(sc.trace_state().get("foo"), Some("1"), "{name}");
    }
    for name in ["trace-parent", "trace.parent"] {
        assert!(extract(&[(name, TP)]).0.span_context().is_none(), "{name}");
    }
}

#[test]
fn two_traceparent_lines_are_invalid() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[
        (
            "traceparent",
            "00-12345678901234567890123456789011-1234567890123456-01",
        ),
        ("traceparent", TP),
        ("tracestate", "foo=1"),
    ]);
    assert!(cx.span_context().is_none());
    assert_eq!(diagnostics, 1);
}

#[test]
fn invalid_traceparent_means_no_context_and_one_diagnostic() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[
        (
            "traceparent",
            "00-00000000000000000000000000000000-1234567890123456-01",
        ),
        // Invalid too, but never read: only one diagnostic.
        ("tracestate", "FOO=1"),
    ]);
    assert!(cx.span_context().is_none());
    assert_eq!(diagnostics, 1);
}

#[test]
fn invalid_tracestate_is_dropped_and_traceparent_kept() {
    let _s = serial();
    for bad in ["@foo=1,bar=2", "FOO=1", "foo =1", "foo.bar=1"] {
        let (cx, diagnostics) = extract(&[("traceparent", TP), ("tracestate", bad)]);
        let sc = cx.span_context().expect(bad);
        assert_eq!(
            sc.trace_id().to_string(),
            "12345678901234567890123456789012"
        );
        assert!(sc.trace_state().is_empty(), "{bad}");
        assert_eq!(diagnostics, 1, "{bad}");
    }
}

/// The W3C suite's test_tracestate_duplicated_keys: "expects the tracestate
/// to be inherited, and the duplicated keys to be either kept as-is or one
/// of them to be discarded" (Level 2, §3.5: vendors "MAY discard duplicate
/// keys"). One line or two, they are passed on as they came.
#[test]
fn duplicated_tracestate_keys_are_passed_on() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[("traceparent", TP), ("tracestate", "foo=1,foo=2")]);
    let ts = cx.span_context().unwrap().trace_state();
    assert_eq!(ts.iter().collect::<Vec<_>>(), [("foo", "1"), ("foo", "2")]);
    assert_eq!(diagnostics, 0);
    // Duplicates across lines too (W3C suite).
    let (cx, diagnostics) = extract(&[
        ("traceparent", TP),
        ("tracestate", "foo=1"),
        ("tracestate", "foo=1"),
    ]);
    let ts = cx.span_context().unwrap().trace_state();
    assert_eq!(ts.iter().collect::<Vec<_>>(), [("foo", "1"), ("foo", "1")]);
    assert_eq!(diagnostics, 0);
}

#[test]
fn tracestate_lines_combine_in_order() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[
        ("traceparent", TP),
        ("tracestate", "foo=1,bar=2"),
        ("tracestate", ""),
        ("TraceState", "rojo=1,congo=2"),
        ("tracestate", "baz=3"),
    ]);
    let ts = cx.span_context().unwrap().trace_state();
    let keys: Vec<&str> = ts.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["foo", "bar", "rojo", "congo", "baz"]);
    assert_eq!(diagnostics, 0);
}

#[test]
fn tracestate_without_traceparent_is_ignored() {
    let _s = serial();
    let (cx, diagnostics) = extract(&[("tracestate", "foo=1")]);
    assert!(cx.is_empty());
    assert_eq!(diagnostics, 0);
}

#[test]
fn extract_keeps_the_rest_of_the_context() {
    let _s = serial();
    let cx = Context::default().with_baggage("user", "u1");
    let out = TraceContext.extract(&cx, &headers(&[("traceparent", TP)]));
    assert_eq!(out.baggage().get("user"), Some("u1"));
    assert!(out.span_context().is_some());
    let untouched = TraceContext.extract(&cx, &headers(&[]));
    assert!(untouched.ptr_eq(&cx));
}

#[test]
fn inject_writes_lowercase_fields_and_skips_empty_tracestate() {
    let _s = serial();
    let mut out: Vec<(String, String)> = Vec::new();
    TraceContext.inject(&extract(&[("TRACEPARENT", TP)]).0, &mut out);
    assert_eq!(out, headers(&[("traceparent", TP)]));

    let mut out: Vec<(String, String)> = Vec::new();
    let cx = extract(&[("traceparent", TP), ("tracestate", " a=1 ,, b=2")]).0;
    TraceContext.inject(&cx, &mut out);
    assert_eq!(
        out,
        headers(&[("traceparent", TP), ("tracestate", "a=1,b=2")])
    );

    let mut out: Vec<(String, String)> = Vec::new();
    TraceContext.inject(&Context::default(), &mut out);
    assert!(out.is_empty());
    assert_eq!(TraceContext.fields(), ["traceparent", "tracestate"]);
}

#[test]
fn random_and_unknown_flags_survive_extract_then_inject() {
    let _s = serial();
    for flags in ["02", "03", "ff"] {
        let tp = format!("00-12345678901234567890123456789012-1234567890123456-{flags}");
        let cx = extract(&[("traceparent", &tp)]).0;
        let mut out: Vec<(String, String)> = Vec::new();
        TraceContext.inject(&cx, &mut out);
        assert_eq!(out[0].1, tp);
    }
}

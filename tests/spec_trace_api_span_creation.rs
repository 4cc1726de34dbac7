//! The OpenTelemetry Trace API's span creation and SpanContext rules,
//! sentence by sentence (https://opentelemetry.io/docs/specs/otel/trace/api/#span-creation,
//! #spancontext), where no other test checks them already.

mod common;

use std::collections::HashMap;

use baton::propagation::{Propagator, TraceContext};
use baton::{span, Context, SpanContext, SpanId, TraceFlags, TraceId};

fn remote_parent() -> Context {
    let headers = HashMap::from([
        (
            "traceparent".to_owned(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
        ),
        ("tracestate".to_owned(), "a=1,b=2".to_owned()),
    ]);
    TraceContext.extract(&Context::default(), &headers)
}

/// "In languages with implicit `Context` propagation, `Span` creation MUST
/// NOT set the newly created `Span` as the active `Span` in the current
/// `Context` by default" (Span Creation)
#[test]
fn starting_a_span_does_not_make_it_current() {
    common::exporter();
    let outer = span("outer").enter();
    let started = span("started").start();
    assert_eq!(
        baton::current_span().map(|s| s.span_id()),
        Some(outer.span_id())
    );
    assert_ne!(started.span_id(), outer.span_id());
}

/// "Implementations MUST provide an option to create a `Span` as a root
/// span, and MUST generate a new `TraceId` for each root span created. For a
/// Span with a parent, the `TraceId` MUST be the same as the parent."
/// (Determining the Parent Span from a Context)
#[test]
fn a_root_gets_a_new_trace_id_and_a_child_its_parents() {
    common::exporter();
    let _outer = span("outer").enter();
    let outer_trace = baton::current_trace_id().unwrap();
    let roots: Vec<TraceId> = (0..100)
        .map(|_| span("r").root().start().trace_id())
        .collect();
    let mut unique = roots.clone();
    unique.sort_by_key(|id| id.to_string());
    unique.dedup();
    assert_eq!(unique.len(), roots.len(), "a new trace id for each root");
    assert!(!roots.contains(&outer_trace));
    assert_eq!(span("child").start().trace_id(), outer_trace);
    let remote = remote_parent();
    assert_eq!(
        span("remote child").parent(&remote).start().trace_id(),
        remote.span_context().unwrap().trace_id()
    );
}

/// "Also, the child span MUST inherit all `TraceState` values of its parent
/// by default." (Determining the Parent Span from a Context)
#[test]
fn a_child_inherits_its_parents_trace_state() {
    common::exporter();
    let remote = remote_parent();
    let child = span("child").parent(&remote).enter();
    let pairs: Vec<(String, String)> = child
        .span_context()
        .trace_state()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(pairs, [("a".into(), "1".into()), ("b".into(), "2".into())]);
    // And a local child of that child, in turn.
    let grandchild = span("grandchild").start();
    assert_eq!(grandchild.span_context().trace_state().as_str(), "a=1,b=2");
}

/// "An API called `IsRemote` [...] When extracting a `SpanContext` through
/// the Propagators API, `IsRemote` MUST return true, whereas for the
/// SpanContext of any child spans it MUST return false." (SpanContext, IsRemote)
#[test]
fn is_remote_is_true_when_extracted_and_false_for_children() {
    common::exporter();
    let remote = remote_parent();
    assert!(remote.span_context().unwrap().is_remote());
    let child = span("child").parent(&remote).start();
    assert!(!child.span_context().is_remote());
    assert!(!child.context().span_context().unwrap().is_remote());
    let grandchild = span("grandchild").parent(&child.context()).start();
    assert!(!grandchild.span_context().is_remote());
}

/// "An API called `IsValid`, that returns a boolean value, which is `true`
/// if the SpanContext has a non-zero TraceID and a non-zero SpanID, MUST be
/// provided." (SpanContext, IsValid). baton's ids are never zero
/// (`TraceId::from_u128(0)` is `None`), so the all-zero context is
/// `SpanContext::INVALID`, which is what the traceparent parser refuses.
#[test]
fn is_valid_means_non_zero_ids() {
    assert!(TraceId::from_u128(0).is_none());
    assert!(SpanId::from_u64(0).is_none());
    assert!(!SpanContext::INVALID.is_valid());
    let sc = SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(1).unwrap(),
        TraceFlags::default(),
    );
    assert!(sc.is_valid());
    common::exporter();
    assert!(span("s").start().span_context().is_valid());
}

/// "The API MUST allow retrieving the `TraceId` and `SpanId` in the
/// following forms: Hex - returns the lowercase hex encoded `TraceId`
/// (result MUST be a 32-hex-character lowercase string) or `SpanId` (result
/// MUST be a 16-hex-character lowercase string). Binary - returns the binary
/// representation of the `TraceId` (result MUST be a 16-byte array) or
/// `SpanId` (result MUST be an 8-byte array)." (Retrieving the TraceId and SpanId)
#[test]
fn ids_read_as_lowercase_hex_and_as_bytes() {
    let trace = TraceId::from_u128(0xABCDEF).unwrap();
    let span_id = SpanId::from_u64(0xABCDEF).unwrap();
    assert_eq!(trace.to_string(), "00000000000000000000000000abcdef");
    assert_eq!(span_id.to_string(), "0000000000abcdef");
    let bytes: [u8; 16] = trace.to_bytes();
    assert_eq!(bytes[13..], [0xab, 0xcd, 0xef]);
    let bytes: [u8; 8] = span_id.to_bytes();
    assert_eq!(bytes[5..], [0xab, 0xcd, 0xef]);
}

/// "The API MUST provide an operation for wrapping a `SpanContext` with an
/// object implementing the `Span` interface." (Wrapping a SpanContext in a
/// Span) baton deviates on purpose and documents it (README, Log
/// correlation): under a remote parent, `current_span()` is `None`, "it
/// gives only spans of this process to record in, unlike OpenTelemetry
/// Python's `get_current_span()`"; the remote context's ids are read from
/// the `Context` and the log correlation functions instead.
#[test]
fn documented_a_remote_context_is_no_span_but_its_ids_are_read() {
    common::exporter();
    let remote = remote_parent();
    let _attached = remote.clone().attach();
    assert!(baton::current_span().is_none());
    assert!(Context::current().span().is_none());
    assert_eq!(
        baton::current_trace_id(),
        Some(remote.span_context().unwrap().trace_id())
    );
    assert_eq!(Context::current().span_context(), remote.span_context());
}

//! A span created under a remote parent whose trace-flags carry bits the
//! spec does not define sets those bits to zero in its own span context, so
//! exporters see the same flags the outgoing traceparent carries (W3C Trace
//! Context Level 2, §3.2.2.5 "trace-flags": "Vendors MUST set those to
//! zero").

mod common;

use baton::{span, SpanContext, SpanId, TraceFlags, TraceId};

#[test]
fn unknown_flag_bits_of_a_remote_parent_are_not_copied_into_a_child() {
    common::exporter();
    let parent = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(0x09),
    )
    .with_remote(true);
    let _remote = baton::Context::default().with_span_context(parent).attach();
    let child = span("child").start();
    assert_eq!(child.span_context().flags().bits() & !0x03, 0);
    assert!(child.span_context().is_sampled());
}

/// §3.3 "tracestate": a vendor passes the tracestate on, unchanged unless it
/// adds its own member. The child takes the parent's tracestate; the
/// parent's context, still current, keeps it too, and so does a grandchild.
#[test]
fn a_child_carries_its_remote_parents_tracestate_and_the_parent_keeps_it() {
    common::exporter();
    let trace_state = baton::wire::tracestate::parse("vendor=abc,other=1").unwrap();
    let parent = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(0x01),
    )
    .with_remote(true)
    .with_trace_state(trace_state.clone());
    let _remote = baton::Context::default()
        .with_span_context(parent.clone())
        .attach();
    let child = span("child").enter();
    assert_eq!(child.span_context().trace_state(), &trace_state);
    assert_eq!(child.parent_span_id(), Some(parent.span_id()));
    let grandchild = span("grandchild").start();
    assert_eq!(grandchild.span_context().trace_state(), &trace_state);
    drop((grandchild, child));
    let current = baton::Context::current();
    assert_eq!(current.span_context(), Some(&parent));
}

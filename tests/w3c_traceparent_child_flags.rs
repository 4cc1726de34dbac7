//! A span created under a remote parent whose trace-flags carry bits the
//! spec does not define sets those bits to zero in its own span context, so
//! exporters see the same flags the outgoing traceparent carries (W3C Trace
//! Context Level 2, §3.2.2.5 "trace-flags": "Vendors MUST set those to
//! zero").

use baton::{span, SpanContext, SpanId, TraceFlags, TraceId};

#[test]
fn unknown_flag_bits_of_a_remote_parent_are_not_copied_into_a_child() {
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

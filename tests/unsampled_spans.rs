//! A span in an unsampled trace still has ids and propagates, but records
//! nothing.

mod common;

use baton::{Context, SpanContext, SpanId, TraceFlags, TraceId};

fn remote_parent(sampled: bool) -> Context {
    let sc = SpanContext::new(
        // Random ids: the tests of this file share one exporter.
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(if sampled { 0x03 } else { 0x02 }),
    )
    .with_remote(true);
    Context::default().with_span_context(sc)
}

#[test]
fn an_unsampled_parent_gives_unsampled_children_that_record_nothing() {
    common::exporter();
    let parent = remote_parent(false);
    let _g = parent.clone().attach();
    assert!(
        baton::current_span().is_none(),
        "a remote parent is not a local span"
    );
    let span = baton::span("quiet").attr("k", 1).enter();
    assert!(!span.is_recording());
    assert!(!span.span_context().is_sampled());
    assert!(
        span.span_context().flags().is_random(),
        "other flag bits are kept"
    );
    assert_eq!(span.trace_id(), parent.span_context().unwrap().trace_id());
    assert_eq!(
        span.parent_span_id(),
        Some(parent.span_context().unwrap().span_id())
    );
    span.set_attribute("ignored", true);
    let trace_id = span.trace_id();
    drop(span);
    assert!(common::spans_of(trace_id).is_empty());
}

#[test]
fn a_sampled_remote_parent_gives_recorded_children() {
    common::exporter();
    let _g = remote_parent(true).attach();
    let span = baton::span("loud").enter();
    assert!(span.is_recording());
    let trace_id = span.trace_id();
    drop(span);
    let spans = common::spans_of(trace_id);
    assert_eq!(spans.len(), 1);
    assert!(spans[0].parent_is_remote);
}

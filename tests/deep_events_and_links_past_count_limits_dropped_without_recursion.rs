//! An event or link discarded past its count limit is dropped without
//! recursion, however deep its attribute values nest. Bug: it was dropped
//! whole, and a key-value list nested 20000 deep overflowed the stack and
//! aborted the process. Installs the global pipeline.

#[path = "common/deep_values.rs"]
mod deep_values;

use baton::{InMemoryExporter, KeyValue, SpanContext, SpanId, SpanLimits, TraceFlags, TraceId};
use deep_values::nested_lists;

/// One attribute of nested key-value lists.
fn lists() -> Vec<KeyValue> {
    vec![KeyValue::new("deep", nested_lists())]
}

fn linked(n: u64) -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(n).unwrap(),
        TraceFlags::from_bits(1),
    )
}

#[test]
fn deep_events_and_links_past_their_count_limits_do_not_abort() {
    let spans = InMemoryExporter::default();
    let limits = SpanLimits {
        max_events: 1,
        max_links: 1,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(spans.clone());
    let _pipeline = baton::init(config).unwrap();
    let span = baton::span("s")
        .link(linked(1), Vec::new())
        .link(linked(2), lists())
        .start();
    span.add_link(linked(3), lists());
    span.add_event("kept", Vec::new());
    span.add_event("past the count", lists());
    span.record_error_with(&std::fmt::Error, lists());
    span.end();
    let data = spans.take().pop().unwrap();
    assert_eq!((data.links.len(), data.dropped_links_count), (1, 2));
    assert_eq!((data.events.len(), data.dropped_events_count), (1, 2));
    assert_eq!(data.events[0].name, "kept");
}

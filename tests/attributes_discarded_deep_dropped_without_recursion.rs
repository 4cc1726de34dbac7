//! An attribute discarded by the count limit or for an empty key, on a span
//! or an event, is counted and dropped without recursion, however deep its
//! value nests. Bug: the depth limit applies only to values kept, and a
//! discarded key-value list nested 20000 deep was dropped whole, which
//! overflowed the stack and aborted the process. Installs the global
//! pipeline.

#[path = "common/deep_values.rs"]
mod deep_values;

use baton::{InMemoryExporter, KeyValue, SpanLimits};
use deep_values::nested_lists;

#[test]
fn deep_values_discarded_by_the_count_limit_or_an_empty_key_do_not_abort() {
    let spans = InMemoryExporter::default();
    let limits = SpanLimits {
        max_attributes: 1,
        max_attributes_per_event: 1,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(spans.clone());
    let _pipeline = baton::init(config).unwrap();
    let span = baton::span("s")
        .attr("kept", 1)
        .attr("past the count", nested_lists())
        .attr("", nested_lists())
        .start();
    span.set_attribute("set past the count", nested_lists());
    span.add_event(
        "e",
        vec![
            KeyValue::new("kept", 2),
            KeyValue::new("past the count", nested_lists()),
        ],
    );
    span.end();
    let data = spans.take().pop().unwrap();
    assert_eq!(data.attributes, [KeyValue::new("kept", 1)]);
    assert_eq!(data.dropped_attributes_count, 3);
    assert_eq!(data.events[0].attributes, [KeyValue::new("kept", 2)]);
    assert_eq!(data.events[0].dropped_attributes_count, 1);
}

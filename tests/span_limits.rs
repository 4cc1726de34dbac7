//! Attributes, events and links stop at the limit and count what they drop.

mod common;

use baton::{span, KeyValue, SpanContext, SpanLimits};

#[test]
fn default_limits_keep_128_and_count_the_rest() {
    common::exporter();
    let max = SpanLimits::DEFAULT_MAX;
    let mut builder = span("busy");
    let link_target = span("target").start();
    for i in 0..max + 3 {
        builder = builder.link(
            link_target.span_context().clone(),
            vec![KeyValue::new("i", i as i64)],
        );
    }
    let s = builder.start();
    for i in 0..max + 5 {
        s.set_attribute(format!("k{i}"), i as i64);
        s.add_event(format!("e{i}"), vec![]);
    }
    // Re-setting a kept key at the limit updates it and drops nothing.
    s.set_attribute("k0", -1);
    let trace_id = s.trace_id();
    let span_id = s.span_id();
    drop(s);
    let data = common::spans_of(trace_id)
        .into_iter()
        .find(|d| d.span_id() == span_id)
        .unwrap();
    assert_eq!(data.attributes.len(), max);
    assert_eq!(data.dropped_attributes_count, 5);
    assert_eq!(data.attribute("k0"), Some(&baton::Value::I64(-1)));
    assert_eq!(data.events.len(), max);
    assert_eq!(data.dropped_events_count, 5);
    assert_eq!(data.events.last().unwrap().name, format!("e{}", max - 1));
    assert_eq!(data.links.len(), max);
    assert_eq!(data.dropped_links_count, 3);
    let _: &SpanContext = &data.links[0].span_context;
}

#[test]
fn exactly_at_the_limit_drops_nothing() {
    common::exporter();
    let s = span("full").start();
    for i in 0..SpanLimits::DEFAULT_MAX {
        s.set_attribute(format!("k{i}"), true);
    }
    let trace_id = s.trace_id();
    drop(s);
    let data = &common::spans_of(trace_id)[0];
    assert_eq!(data.attributes.len(), SpanLimits::DEFAULT_MAX);
    assert_eq!(data.dropped_attributes_count, 0);
}

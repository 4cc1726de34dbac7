//! The attribute limit variables reach the recorded spans: issue 11 found no
//! `OTEL_*_LIMIT` variable read and a huge attribute string kept whole.
//! Values are cut to the length limit (counted in characters, exactly at it
//! kept whole), and event and link attributes past their count are dropped
//! and counted. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use baton::{KeyValue, SpanContext, SpanId, TraceFlags, TraceId, Value};

use loopback_collector::lookup;

#[test]
fn limits_from_the_environment_apply_to_spans_events_and_links() {
    let vars = [
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "5"),
        ("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1"),
        ("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "2"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "4"),
    ];
    let memory = baton::InMemoryExporter::default();
    let _pipeline = baton::init(
        baton::Config::from_lookup(lookup(&vars))
            .unwrap()
            .exporter(memory.clone()),
    )
    .unwrap();
    let linked = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
    let span = baton::span("limited")
        .attr("at", "ééééé")
        .attr("past", "éééééé")
        .attr("static", "abcdefgh")
        .attr("array", vec!["abcdefgh", "ab"])
        .attr("number", 1_234_567_890)
        .link(
            linked,
            vec![
                KeyValue::new("l1", "123456"),
                KeyValue::new("l2", 2),
                KeyValue::new("l3", 3),
            ],
        )
        .start();
    span.add_event(
        "e",
        vec![
            KeyValue::new("first", "xxxxxxxx"),
            KeyValue::new("second", 2),
        ],
    );
    drop(span);
    let spans = memory.take();
    let data = &spans[0];
    assert_eq!(data.attribute("at"), Some(&Value::from("ééééé")));
    assert_eq!(data.attribute("past"), Some(&Value::from("ééééé")));
    assert_eq!(data.attribute("static"), Some(&Value::from("abcde")));
    assert_eq!(
        data.attribute("array"),
        Some(&Value::from(vec!["abcde", "ab"]))
    );
    assert_eq!(
        data.attribute("number"),
        None,
        "the fifth attribute is past the count"
    );
    assert_eq!(data.dropped_attributes_count, 1);
    let event = &data.events[0];
    assert_eq!(event.attributes, [KeyValue::new("first", "xxxxx")]);
    assert_eq!(event.dropped_attributes_count, 1);
    let link = &data.links[0];
    assert_eq!(
        link.attributes,
        [KeyValue::new("l1", "12345"), KeyValue::new("l2", 2)]
    );
    assert_eq!(link.dropped_attributes_count, 1);
}

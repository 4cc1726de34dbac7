//! Every attribute collection a span exports (its own, each event's, each
//! link's) has unique, non-empty keys, as the OpenTelemetry common spec
//! requires: a key given again keeps its place and takes the later value
//! without counting as dropped, and an empty key is discarded and counted.
//! Bug: event and link attributes were exported as given, duplicates and
//! all (the first copy kept, a later key past the limit dropped in its
//! place), and an empty key was kept everywhere.

use baton::{span, InMemoryExporter, KeyValue, SpanData, SpanLimits, Value};

fn pipeline() -> &'static InMemoryExporter {
    static EXPORTER: std::sync::OnceLock<InMemoryExporter> = std::sync::OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemoryExporter::default();
        let limits = SpanLimits {
            max_attributes: 2,
            max_attributes_per_event: 2,
            max_attributes_per_link: 2,
            ..SpanLimits::default()
        };
        let config = baton::Config::new()
            .span_limits(limits)
            .exporter(exporter.clone());
        std::mem::forget(baton::init(config).unwrap());
        exporter
    })
}

fn ended(s: baton::Span) -> SpanData {
    let id = s.span_id();
    drop(s);
    pipeline()
        .finished_spans()
        .into_iter()
        .find(|d| d.span_id() == id)
        .unwrap()
}

fn keys_and_values(attributes: &[KeyValue]) -> Vec<(String, Value)> {
    attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.clone()))
        .collect()
}

fn kv(key: &'static str, value: i64) -> KeyValue {
    KeyValue::new(key, value)
}

#[test]
fn a_repeated_key_in_an_event_or_a_link_keeps_its_place_and_the_last_value() {
    pipeline();
    let target = span("target").start();
    let given = vec![kv("a", 1), kv("a", 2), kv("b", 3)];
    let s = span("s")
        .link(target.span_context().clone(), given.clone())
        .start();
    s.add_event("e", given);
    let data = ended(s);
    let want = vec![
        ("a".to_owned(), Value::I64(2)),
        ("b".to_owned(), Value::I64(3)),
    ];
    assert_eq!(keys_and_values(&data.events[0].attributes), want);
    assert_eq!(data.events[0].dropped_attributes_count, 0);
    assert_eq!(keys_and_values(&data.links[0].attributes), want);
    assert_eq!(data.links[0].dropped_attributes_count, 0);
}

#[test]
fn an_empty_key_is_discarded_and_counted_everywhere() {
    pipeline();
    let target = span("target").start();
    let given = vec![kv("a", 1), kv("", 0), kv("b", 2), kv("c", 3)];
    let s = span("s")
        .attr("", 0)
        .attr("a", 1)
        .link(target.span_context().clone(), given.clone())
        .start();
    s.set_attribute("", 1);
    s.add_event("e", given);
    let data = ended(s);
    assert_eq!(
        keys_and_values(&data.attributes),
        [("a".to_owned(), Value::I64(1))]
    );
    assert_eq!(data.dropped_attributes_count, 2);
    let want = vec![
        ("a".to_owned(), Value::I64(1)),
        ("b".to_owned(), Value::I64(2)),
    ];
    assert_eq!(keys_and_values(&data.events[0].attributes), want);
    // The empty key, and `c` past the limit of 2.
    assert_eq!(data.events[0].dropped_attributes_count, 2);
    assert_eq!(keys_and_values(&data.links[0].attributes), want);
    assert_eq!(data.links[0].dropped_attributes_count, 2);
}

#[test]
fn a_key_value_list_value_has_unique_keys_too() {
    // The common spec: "The implementation MUST by default enforce that the
    // exported maps contain only unique keys." Bug: a `Value::KvList` was
    // exported as given, a key repeated. A map key may be empty.
    pipeline();
    let map = || Value::KvList(vec![kv("a", 1), kv("", 0), kv("a", 2), kv("b", 3)]);
    let unique = Value::KvList(vec![kv("a", 2), kv("", 0), kv("b", 3)]);
    let s = span("s").attr("map", map()).start();
    s.add_event("e", vec![KeyValue::new("map", map())]);
    let nested = Value::KvList(vec![KeyValue::new("inner", map())]);
    s.set_attribute("nested", nested);
    let data = ended(s);
    assert_eq!(data.attribute("map"), Some(&unique));
    assert_eq!(data.events[0].attributes[0].value, unique);
    assert_eq!(
        data.attribute("nested"),
        Some(&Value::KvList(vec![KeyValue::new("inner", unique.clone())]))
    );
}

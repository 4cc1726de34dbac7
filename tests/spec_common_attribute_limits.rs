//! The OpenTelemetry common attribute rules, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/common/#anyvalue,
//! #attribute-limits), on span attributes under a value length limit and a
//! count limit set in code, where no other test checks them already (keys:
//! `attribute_keys_unique_and_non_empty.rs`; depth:
//! `attribute_value_depth_limit*.rs`; cuts reported:
//! `attribute_values_cut_reported.rs`). Installs the global pipeline once.

use std::sync::{Mutex, OnceLock};

use baton::{Array, InMemoryExporter, KeyValue, SpanData, SpanLimits, Value};

fn memory() -> &'static InMemoryExporter {
    static PIPELINE: OnceLock<InMemoryExporter> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let memory = InMemoryExporter::default();
        let limits = SpanLimits {
            max_attributes: 3,
            max_attribute_value_length: Some(3),
            ..SpanLimits::default()
        };
        let config = baton::Config::new()
            .span_limits(limits)
            .exporter(memory.clone());
        std::mem::forget(baton::init(config).unwrap());
        memory
    })
}

/// The span `s` records, once ended.
fn ended(s: baton::Span) -> SpanData {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let trace_id = s.trace_id();
    s.end();
    let mut spans: Vec<SpanData> = memory()
        .take()
        .into_iter()
        .filter(|d| d.trace_id() == trace_id)
        .collect();
    assert_eq!(spans.len(), 1);
    spans.pop().unwrap()
}

/// A root span's builder, the pipeline installed.
fn starting() -> baton::SpanBuilder {
    memory();
    baton::span("s").root()
}

/// "if it is a string, if it exceeds that limit (counting any character in
/// it as 1), SDKs MUST truncate that value, so that its length is at most
/// equal to the limit, if it is a byte array, if its length exceeds that
/// limit (counting each byte as 1), SDKs MUST truncate that value [...] if it
/// is an array of strings, then apply the limit to each value within the
/// array separately, if it is an array of AnyValue, then apply the limit to
/// each element of the array separately (and recursively), if it is a map,
/// then apply the limit to each value within the map separately (and
/// recursively), otherwise a value MUST NOT be truncated" (Attribute Limits)
#[test]
fn the_value_length_limit_cuts_characters_bytes_and_each_element_only() {
    let s = ended(
        starting()
            .attr("text", "héllo wörld")
            .attr("bytes", &b"\x00\x01\x02\x03\x04"[..])
            .attr("strings", vec!["日本語です", "ab"])
            .start(),
    );
    assert_eq!(s.attribute("text"), Some(&Value::from("hél")));
    assert_eq!(s.attribute("bytes"), Some(&Value::Bytes(vec![0, 1, 2])));
    assert_eq!(
        s.attribute("strings"),
        Some(&Value::from(vec!["日本語", "ab"]))
    );

    let mixed = Value::from(vec![
        Value::from("abcdef"),
        Value::from(123_456_789),
        Value::from(vec![Value::from("ghijk")]),
    ]);
    let map = Value::from(vec![
        KeyValue::new("long key kept", "lmnop"),
        KeyValue::new("n", 1.234_567_8),
    ]);
    let s = ended(
        starting()
            .attr("mixed", mixed)
            .attr("map", map)
            .attr("integer", 12_345_678)
            .start(),
    );
    assert_eq!(
        s.attribute("mixed"),
        Some(&Value::from(vec![
            Value::from("abc"),
            Value::from(123_456_789),
            Value::from(vec![Value::from("ghi")]),
        ]))
    );
    assert_eq!(
        s.attribute("map"),
        Some(&Value::from(vec![
            KeyValue::new("long key kept", "lmn"),
            KeyValue::new("n", 1.234_567_8),
        ]))
    );
    assert_eq!(s.attribute("integer"), Some(&Value::from(12_345_678)));
}

/// "if adding an attribute to an attribute collection would result in
/// exceeding the limit (counting each attribute in the collection as 1), the
/// SDK MUST discard that attribute [...] the count limit applies only to
/// top-level attributes, not to nested key-value pairs within maps"
/// (Attribute Limits)
#[test]
fn the_count_limit_applies_to_top_level_attributes_only() {
    let five: Vec<KeyValue> = (0..5).map(|i| KeyValue::new(format!("k{i}"), i)).collect();
    let s = starting()
        .attr("map", five.clone())
        .attr("a", 1)
        .attr("b", 2)
        .start();
    s.set_attribute("c", 3);
    s.set_attribute("a", 10); // an existing key: replaced, not discarded
    let s = ended(s);
    let keys: Vec<&str> = s.attributes.iter().map(|kv| &*kv.key).collect();
    assert_eq!(keys, ["map", "a", "b"]);
    assert_eq!(s.dropped_attributes_count, 1);
    assert_eq!(s.attribute("a"), Some(&Value::from(10)));
    assert_eq!(s.attribute("map"), Some(&Value::from(five)));
}

/// "AnyValues expressing an empty value, a numerical value of zero, an
/// empty string, or an empty array are considered meaningful and MUST be
/// stored and passed on to processors / exporters." and "`null` values
/// within arrays MUST be preserved as-is" (AnyValue)
#[test]
fn empty_zero_and_null_values_are_kept() {
    let s = ended(
        starting()
            .attr("empty string", "")
            .attr("zero", 0)
            .attr("empty value", Value::Empty)
            .start(),
    );
    assert_eq!(s.attribute("empty string"), Some(&Value::from("")));
    assert_eq!(s.attribute("zero"), Some(&Value::from(0)));
    assert_eq!(s.attribute("empty value"), Some(&Value::Empty));

    let s = ended(
        starting()
            .attr("empty array", Vec::<i64>::new())
            .attr("zero float", 0.0)
            .attr(
                "nulls inside",
                Value::Array(Array::Value(vec![
                    Value::Empty,
                    Value::from(1),
                    Value::Empty,
                ])),
            )
            .start(),
    );
    assert_eq!(
        s.attribute("empty array"),
        Some(&Value::from(Vec::<i64>::new()))
    );
    assert_eq!(s.attribute("zero float"), Some(&Value::from(0.0)));
    assert_eq!(
        s.attribute("nulls inside"),
        Some(&Value::Array(Array::Value(vec![
            Value::Empty,
            Value::from(1),
            Value::Empty
        ])))
    );
    assert_eq!(s.dropped_attributes_count, 0);
}

/// "Case sensitivity of keys MUST be preserved. Keys that differ in casing
/// are treated as distinct keys." (map<string, AnyValue>); the same holds
/// for the attribute collection.
#[test]
fn keys_differing_in_case_are_distinct() {
    let s = ended(starting().attr("Key", 1).attr("key", 2).start());
    assert_eq!(s.attribute("Key"), Some(&Value::from(1)));
    assert_eq!(s.attribute("key"), Some(&Value::from(2)));
    let s = ended(
        starting()
            .attr("m", vec![KeyValue::new("A", 1), KeyValue::new("a", 2)])
            .start(),
    );
    assert_eq!(
        s.attribute("m"),
        Some(&Value::from(vec![
            KeyValue::new("A", 1),
            KeyValue::new("a", 2)
        ]))
    );
}

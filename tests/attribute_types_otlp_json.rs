//! Issue 12 item 4: every integer width and float, `&String`, `Cow<str>`,
//! byte arrays and key-value lists become span attributes with the right
//! OTLP `AnyValue` in the JSON encoding (`intValue` as a decimal string,
//! `doubleValue`, `stringValue`, `bytesValue` as base64, `kvlistValue`,
//! `arrayValue` of mixed and nested values, and the empty value as `{}`),
//! and the span limits still cap them; the console shows them readably.
//! Installs the global pipeline.

mod common;
#[path = "common/json.rs"]
mod json;

use std::borrow::Cow;

use baton::export::{ConsoleExporter, JsonLinesExporter, SpanExporter};
use baton::{KeyValue, SpanData, SpanLimits, Value};
use json::Json;

/// The span `name` as one OTLP/JSON `Span` object, after `build` set its
/// attributes.
fn otlp_span(name: &str, build: impl FnOnce(&baton::Span)) -> (SpanData, Json) {
    common::exporter();
    let span = baton::span(name.to_owned()).start();
    build(&span);
    let (trace_id, span_id) = (span.trace_id(), span.span_id());
    drop(span);
    let data = common::spans_of(trace_id)
        .into_iter()
        .find(|d| d.span_id() == span_id)
        .unwrap();
    let mut out = JsonLinesExporter::new(Vec::new());
    out.export(std::slice::from_ref(&data)).unwrap();
    let line = String::from_utf8(out.into_inner()).unwrap();
    let parsed = json::parse(line.trim_end()).unwrap_or_else(|e| panic!("{e}: {line}"));
    (data, parsed)
}

fn any_value<'a>(span: &'a Json, key: &str) -> &'a Json {
    span.get("attributes")
        .attribute(key)
        .unwrap_or_else(|| panic!("no attribute {key}"))
}

fn int(span: &Json, key: &str) -> String {
    any_value(span, key).get("intValue").str().to_owned()
}

#[test]
fn every_integer_width_is_an_int_value() {
    let len = vec![0u8; 7].len();
    let (_, span) = otlp_span("ints", |s| {
        s.set_attribute("u8", u8::MAX);
        s.set_attribute("u16", u16::MAX);
        s.set_attribute("u32", u32::MAX);
        s.set_attribute("u64", 5u64);
        s.set_attribute("usize", len);
        s.set_attribute("i8", i8::MIN);
        s.set_attribute("i16", i16::MIN);
        s.set_attribute("i32", i32::MIN);
        s.set_attribute("i64", i64::MIN);
        s.set_attribute("isize", -3isize);
        s.set_attribute("u64 at i64::MAX", i64::MAX as u64);
    });
    assert_eq!(int(&span, "u8"), "255");
    assert_eq!(int(&span, "u16"), "65535");
    assert_eq!(int(&span, "u32"), "4294967295");
    assert_eq!(int(&span, "u64"), "5");
    assert_eq!(int(&span, "usize"), "7");
    assert_eq!(int(&span, "i8"), "-128");
    assert_eq!(int(&span, "i16"), "-32768");
    assert_eq!(int(&span, "i32"), "-2147483648");
    assert_eq!(int(&span, "i64"), "-9223372036854775808");
    assert_eq!(int(&span, "isize"), "-3");
    assert_eq!(int(&span, "u64 at i64::MAX"), "9223372036854775807");
}

#[test]
fn unsigned_values_past_i64_max_keep_their_digits_as_strings() {
    let (data, span) = otlp_span("wide", |s| {
        s.set_attribute("u64 past i64::MAX", i64::MAX as u64 + 1);
        s.set_attribute("u64::MAX", u64::MAX);
        s.set_attribute("usize::MAX", usize::MAX);
        s.set_attribute("mixed", vec![1u64, u64::MAX]);
        s.set_attribute("fits", vec![1u64, 2]);
    });
    let text = |key| any_value(&span, key).get("stringValue").str().to_owned();
    assert_eq!(text("u64 past i64::MAX"), "9223372036854775808");
    assert_eq!(text("u64::MAX"), "18446744073709551615");
    assert_eq!(text("usize::MAX"), usize::MAX.to_string());
    // Arrays are homogeneous: one element too wide makes them all text.
    let mixed = any_value(&span, "mixed").get("arrayValue").get("values");
    assert_eq!(mixed.at(0).get("stringValue").str(), "1");
    assert_eq!(mixed.at(1).get("stringValue").str(), "18446744073709551615");
    let fits = any_value(&span, "fits").get("arrayValue").get("values");
    assert_eq!(fits.at(1).get("intValue").str(), "2");
    assert_eq!(
        data.attribute("u64::MAX"),
        Some(&Value::String("18446744073709551615".into()))
    );
}

#[test]
fn floats_of_both_widths_are_double_values() {
    let (_, span) = otlp_span("floats", |s| {
        s.set_attribute("f32", 0.1f32);
        s.set_attribute("f32 max", f32::MAX);
        s.set_attribute("f32 nan", f32::NAN);
        s.set_attribute("f64", -2.5f64);
        s.set_attribute("f32s", vec![1.5f32, 0.2]);
        s.set_attribute("i32s", vec![1i32, -2]);
    });
    let double = |key| any_value(&span, key).get("doubleValue").clone();
    // The decimal the caller wrote, not the binary widening 0.10000000149011612.
    assert_eq!(double("f32").num(), 0.1);
    assert_eq!(double("f32 max").num(), 3.4028235e38);
    assert_eq!(double("f32 nan"), Json::String("NaN".into()));
    assert_eq!(double("f64").num(), -2.5);
    let f32s = any_value(&span, "f32s").get("arrayValue").get("values");
    assert_eq!(f32s.at(1).get("doubleValue").num(), 0.2);
    let i32s = any_value(&span, "i32s").get("arrayValue").get("values");
    assert_eq!(i32s.at(1).get("intValue").str(), "-2");
}

#[test]
fn borrowed_strings_are_string_values() {
    let owned = String::from("from a &String");
    let bytes = b"lossy \xff".to_vec();
    let (_, span) = otlp_span("strings", |s| {
        s.set_attribute("ref string", &owned);
        s.set_attribute("cow borrowed", Cow::Borrowed(owned.as_str()));
        s.set_attribute("cow lossy", String::from_utf8_lossy(&bytes));
        s.set_attribute("cow owned", Cow::<str>::Owned("own".into()));
    });
    let text = |key| any_value(&span, key).get("stringValue").str().to_owned();
    assert_eq!(text("ref string"), "from a &String");
    assert_eq!(text("cow borrowed"), "from a &String");
    assert_eq!(text("cow lossy"), "lossy \u{fffd}");
    assert_eq!(text("cow owned"), "own");
}

#[test]
fn byte_arrays_are_base64_bytes_values() {
    let (data, span) = otlp_span("bytes", |s| {
        s.set_attribute("vec", b"foobar".to_vec());
        s.set_attribute("slice", &b"fooba"[..]);
        s.set_attribute("array", [0xffu8, 0xfe, 0xfd, 0x00]);
        s.set_attribute("empty", Vec::<u8>::new());
    });
    let bytes = |key| any_value(&span, key).get("bytesValue").str().to_owned();
    assert_eq!(bytes("vec"), "Zm9vYmFy");
    assert_eq!(bytes("slice"), "Zm9vYmE=");
    assert_eq!(bytes("array"), "//79AA==");
    assert_eq!(bytes("empty"), "");
    assert_eq!(
        data.attribute("slice"),
        Some(&Value::Bytes(b"fooba".to_vec()))
    );
}

#[test]
fn key_value_lists_are_kvlist_values_and_nest() {
    let (_, span) = otlp_span("kvlist", |s| {
        s.set_attribute(
            "http",
            vec![
                KeyValue::new("status", 200u16),
                KeyValue::new("body", b"ok".to_vec()),
                KeyValue::new("route", vec![KeyValue::new("name", "/users/{id}")]),
            ],
        );
        s.set_attribute("none", Vec::<KeyValue>::new());
    });
    let values = any_value(&span, "http").get("kvlistValue").get("values");
    assert_eq!(values.len(), 3);
    assert_eq!(values.at(0).get("key").str(), "status");
    assert_eq!(values.at(0).get("value").get("intValue").str(), "200");
    assert_eq!(values.at(1).get("value").get("bytesValue").str(), "b2s=");
    let route = values.at(2).get("value").get("kvlistValue").get("values");
    assert_eq!(route.at(0).get("key").str(), "name");
    assert_eq!(
        route.at(0).get("value").get("stringValue").str(),
        "/users/{id}"
    );
    let none = any_value(&span, "none").get("kvlistValue").get("values");
    assert_eq!(none.len(), 0);
}

#[test]
fn span_limits_cap_the_new_value_kinds_like_any_other() {
    let max = SpanLimits::DEFAULT_MAX;
    let (data, span) = otlp_span("full", |s| {
        // A key-value list of more members than the limit is still one attribute.
        let wide: Vec<KeyValue> = (0..max + 1)
            .map(|i| KeyValue::new(format!("m{i}"), i))
            .collect();
        s.set_attribute("kvlist", wide);
        for i in 1..max {
            s.set_attribute(format!("k{i}"), i);
        }
        // At the limit: these two are dropped and counted.
        s.set_attribute("bytes", vec![1u8]);
        s.set_attribute("another kvlist", vec![KeyValue::new("a", 1)]);
    });
    assert_eq!(data.attributes.len(), max);
    assert_eq!(data.dropped_attributes_count, 2);
    assert_eq!(span.get("droppedAttributesCount").num(), 2.0);
    assert!(span.get("attributes").attribute("bytes").is_none());
    let kept = any_value(&span, "kvlist").get("kvlistValue").get("values");
    assert_eq!(kept.len(), max + 1);
}

#[test]
fn the_console_shows_bytes_as_base64_and_kvlists_in_braces() {
    let (data, _) = otlp_span("console", |s| {
        s.set_attribute("body", b"foobar".to_vec());
        s.set_attribute(
            "http",
            vec![KeyValue::new("status", 200u16), KeyValue::new("ok", true)],
        );
        s.set_attribute("big", u64::MAX);
    });
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&[data]).unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    assert!(text.contains("body=base64:Zm9vYmFy"), "{text}");
    assert!(text.contains("http={status: 200, ok: true}"), "{text}");
    assert!(text.contains("big=\"18446744073709551615\""), "{text}");
}

#[test]
fn arrays_of_any_values_nest_and_the_empty_value_is_an_empty_object() {
    let (data, span) = otlp_span("mixed", |s| {
        s.set_attribute(
            "row",
            vec![
                Value::from(1),
                Value::from("a"),
                Value::Empty,
                Value::from(vec![Value::from(true), Value::from(vec![0.5])]),
                Value::from(vec![KeyValue::new("k", Value::Empty)]),
            ],
        );
        s.set_attribute("none", None::<i64>);
        s.set_attribute("some", Some("x"));
        s.set_attribute("no values", Vec::<Value>::new());
    });
    let row = any_value(&span, "row").get("arrayValue").get("values");
    assert_eq!(row.len(), 5);
    assert_eq!(row.at(0).get("intValue").str(), "1");
    assert_eq!(row.at(1).get("stringValue").str(), "a");
    assert_eq!(row.at(2), &Json::Object(Default::default()));
    let inner = row.at(3).get("arrayValue").get("values");
    assert_eq!(inner.at(0).get("boolValue"), &Json::Bool(true));
    let innermost = inner.at(1).get("arrayValue").get("values");
    assert_eq!(innermost.at(0).get("doubleValue").num(), 0.5);
    let list = row.at(4).get("kvlistValue").get("values");
    assert_eq!(list.at(0).get("key").str(), "k");
    assert_eq!(list.at(0).get("value"), &Json::Object(Default::default()));
    // The attribute is kept with no value: `"value":{}`.
    assert_eq!(any_value(&span, "none"), &Json::Object(Default::default()));
    assert_eq!(data.attribute("none"), Some(&Value::Empty));
    assert_eq!(any_value(&span, "some").get("stringValue").str(), "x");
    let no_values = any_value(&span, "no values")
        .get("arrayValue")
        .get("values");
    assert_eq!(no_values.len(), 0);
}

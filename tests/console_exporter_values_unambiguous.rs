//! The console exporter writes every kind of attribute value so that no
//! two read alike: strings are quoted inside arrays and key-value lists too,
//! floats keep their point or exponent. Found: `["1", "2"]` printed as
//! `[1, 2]`, like the integers `[1, 2]`; `["a, b"]` like `["a", "b"]`; the
//! float `1.0` as `1`, like the integer; and `1e300` as 301 digits. Later:
//! bytes as bare base64, which can read as `true`, `1234` or `null`; a
//! list's key `a: 1, b` like two keys, and an event `a, b` like two events.
//! Installs the global pipeline.

mod common;

use baton::export::{ConsoleExporter, SpanExporter};
use baton::{KeyValue, Value};
use common::record;

fn printed_attributes(attributes: Vec<(&'static str, Value)>) -> String {
    printed(attributes, &[])
}

/// What the console prints after the duration of a span with these
/// attributes and events.
fn printed(attributes: Vec<(&'static str, Value)>, events: &[&'static str]) -> String {
    let spans = record(|| {
        let mut builder = baton::span("v");
        for (key, value) in attributes {
            builder = builder.attr(key, value);
        }
        let span = builder.start();
        for &event in events {
            span.add_event(event, vec![]);
        }
    });
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&spans).unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    let line = text.lines().nth(1).unwrap().to_owned();
    // What follows the duration: `  v  internal  12.3µs  k=v  k=v`.
    line.splitn(5, "  ").nth(4).unwrap().to_owned()
}

fn strings(items: &[&str]) -> Value {
    Value::from(items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

#[test]
fn every_kind_of_value_reads_as_its_own() {
    let text = printed_attributes(vec![
        ("s", Value::from("1")),
        ("i", Value::from(1i64)),
        ("f", Value::from(1.0)),
        ("big", Value::from(1e300)),
        ("nan", Value::from(f64::NAN)),
        ("inf", Value::from(f64::NEG_INFINITY)),
        ("b", Value::from(true)),
    ]);
    assert_eq!(
        text,
        r#"s="1"  i=1  f=1.0  big=1e300  nan=NaN  inf=-inf  b=true"#
    );
}

#[test]
fn strings_in_arrays_and_lists_are_quoted_and_escaped() {
    let text = printed_attributes(vec![
        ("one", strings(&["a, b"])),
        ("two", strings(&["a", "b"])),
        ("digits", strings(&["1", "2"])),
        ("ints", Value::from(vec![1i64, 2])),
        ("floats", Value::from(vec![0.5, 2.0])),
        ("hostile", strings(&["q\"\n\u{1b}"])),
        (
            "kv",
            Value::KvList(vec![
                KeyValue::new("k", "v"),
                KeyValue::new("n", 2i64),
                KeyValue::new("x\ny", 1.5),
            ]),
        ),
    ]);
    assert_eq!(
        text,
        r#"one=["a, b"]  two=["a", "b"]  digits=["1", "2"]  ints=[1, 2]  floats=[0.5, 2.0]  hostile=["q\"\n\u{1b}"]  kv={k: "v", n: 2, x\ny: 1.5}"#
    );
}

#[test]
fn mixed_arrays_and_the_empty_value_read_as_their_own() {
    let text = printed_attributes(vec![
        (
            "mixed",
            Value::from(vec![
                Value::from("1"),
                Value::from(1i64),
                Value::from(1.0),
                Value::Empty,
                Value::from("null"),
                Value::from(vec![Value::from("a, b"), Value::from(vec![true])]),
                Value::from(vec![KeyValue::new("k", "v")]),
            ]),
        ),
        ("none", Value::Empty),
        ("text", Value::from("null")),
        ("kv", Value::from(vec![KeyValue::new("gone", Value::Empty)])),
    ]);
    assert_eq!(
        text,
        r#"mixed=["1", 1, 1.0, null, "null", ["a, b", [true]], {k: "v"}]  none=null  text="null"  kv={gone: null}"#
    );
}

#[test]
fn bytes_are_marked_as_base64() {
    // Bare, their base64 reads as `true`, `1234` and `null`.
    let bytes = printed_attributes(vec![
        ("a", Value::Bytes(vec![0xb6, 0xbb, 0x9e])),
        ("b", Value::Bytes(vec![0xd7, 0x6d, 0xf8])),
        ("c", Value::from(vec![Value::Bytes(vec![0x9e, 0xe9, 0x65])])),
        ("none", Value::Bytes(vec![])),
    ]);
    assert_eq!(
        bytes,
        "a=base64:true  b=base64:1234  c=[base64:null]  none=base64:"
    );
}

#[test]
fn list_keys_and_event_names_that_could_read_as_several_are_quoted() {
    let two_keys = Value::from(vec![KeyValue::new("a", 1i64), KeyValue::new("b", 2i64)]);
    let one_key = Value::from(vec![KeyValue::new("a: 1, b", 2i64)]);
    assert_eq!(
        printed(vec![("m", two_keys), ("n", one_key)], &[]),
        r#"m={a: 1, b: 2}  n={"a: 1, b": 2}"#
    );
    let two_events = printed(vec![], &["a", "b"]);
    let one_event = printed(vec![], &["a, b"]);
    assert_eq!(
        (two_events.as_str(), one_event.as_str()),
        ("events: a, b", r#"events: "a, b""#)
    );
}

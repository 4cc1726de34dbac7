//! Arrays of any values (`Array::Value`) nest under the same
//! `SpanLimits::max_attribute_value_depth` as key-value lists: one nested
//! deeper is replaced with the empty value (`Value::Empty`, as the common
//! spec says) when the span ends, on spans, events and links, and the cut
//! is reported; one nested 20000 deep reaches an exporter on its own thread
//! without overflowing its stack. Bug: an array past the limit became an
//! empty array, not the empty value. Installs the global pipeline.

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ConsoleExporter};
use baton::{span, DiagnosticKind, InMemoryExporter, KeyValue, SpanLimits, Value};

/// `depth` arrays, each holding the next and the empty value (the
/// top-level array at depth 1), with the string "bottom" at the bottom.
fn nested(depth: usize) -> Value {
    (0..depth).fold(Value::from("bottom"), |inner, _| {
        Value::from(vec![inner, Value::Empty])
    })
}

/// `depth` arrays as [`nested`] makes them, the innermost holding the
/// empty value where the next array was.
fn cut_at(depth: usize) -> Value {
    (0..depth).fold(Value::Empty, |inner, _| {
        Value::from(vec![inner, Value::Empty])
    })
}

#[test]
fn arrays_of_values_past_the_depth_limit_become_the_empty_value_and_are_reported() {
    // First through an exporter that walks every value, on its own thread.
    let console = BatchProcessor::new(ConsoleExporter::new(Vec::new()), BatchConfig::default());
    let pipeline = baton::init(baton::Config::new().processor(console)).unwrap();
    span("deep").attr("deep", nested(20_000)).start().end();
    pipeline.shutdown(Duration::from_secs(30)).unwrap();

    // Then what is kept, at and past a small limit, and what is reported.
    static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::LimitExceeded {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let memory = InMemoryExporter::default();
    let limits = SpanLimits {
        max_attribute_value_depth: 3,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(memory.clone());
    let pipeline = baton::init(config).unwrap();
    let target = span("target").start();
    let s = span("s")
        .attr("at", nested(3))
        .attr("past", nested(4))
        .link(
            target.span_context().clone(),
            vec![KeyValue::new("past", nested(5))],
        )
        .start();
    s.add_event("e", vec![KeyValue::new("past", nested(4))]);
    s.end();
    target.end();
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    let data = memory.take().into_iter().find(|d| d.name == "s").unwrap();
    assert_eq!(data.attribute("at"), Some(&nested(3)));
    assert_eq!(data.attribute("past"), Some(&cut_at(3)));
    assert_eq!(data.events[0].attributes[0].value, cut_at(3));
    assert_eq!(data.links[0].attributes[0].value, cut_at(3));
    let reports = REPORTS.lock().unwrap();
    let of_s: Vec<_> = reports.iter().filter(|m| m.contains("\"s\"")).collect();
    assert_eq!(of_s.len(), 1, "{reports:?}");
    assert!(of_s[0].contains("cut 3 attribute value(s)"), "{}", of_s[0]);
}

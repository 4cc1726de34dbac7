//! Maps and arrays nested deeper than `SpanLimits::max_attribute_value_depth`
//! (default 64, the OpenTelemetry `AttributeValueDepthLimit`) are replaced
//! with the empty value (`Value::Empty`) when the span ends, on spans,
//! events and links, as the common spec says ("arrays or map at a depth
//! greater than the limit MUST be replaced with an empty value"). Bugs: there
//! was no depth limit, and an attribute holding a key-value list nested 20000
//! deep overflowed the export thread's stack, which aborted the process;
//! then a list past the limit became an empty list, not the empty value.
//! Installs the global pipeline.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ConsoleExporter};
use baton::{span, InMemoryExporter, KeyValue, SpanLimits, Value};

/// A key-value list `depth` deep (the top-level list at depth 1), with the
/// integer 7 at the bottom.
fn nested(depth: usize) -> Value {
    let mut value = Value::I64(7);
    for _ in 0..depth {
        value = Value::KvList(vec![KeyValue::new("k", value)]);
    }
    value
}

/// How deep `value` nests lists, iteratively (the value may be deep).
fn depth_of(value: &Value) -> usize {
    let (mut depth, mut at) = (0, value);
    while let Value::KvList(kvs) = at {
        depth += 1;
        match kvs.first() {
            Some(kv) => at = &kv.value,
            None => break,
        }
    }
    depth
}

#[test]
fn lists_past_the_depth_limit_become_the_empty_value_and_the_export_survives() {
    assert_eq!(SpanLimits::default().max_attribute_value_depth, 64);
    // First through an exporter that walks every value, on its own thread.
    let console = BatchProcessor::new(ConsoleExporter::stdout(), BatchConfig::default());
    let pipeline = baton::init(baton::Config::new().processor(console)).unwrap();
    span("deep").attr("deep", nested(20_000)).start().end();
    pipeline.shutdown(Duration::from_secs(30)).unwrap();

    // Then what is kept, at and past a small limit.
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
        .attr("array", vec!["x", "y"])
        .link(
            target.span_context().clone(),
            vec![KeyValue::new("past", nested(5))],
        )
        .start();
    s.add_event("e", vec![KeyValue::new("past", nested(4))]);
    s.end();
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    let data = memory.take().into_iter().find(|d| d.name == "s").unwrap();
    assert_eq!(data.attribute("at"), Some(&nested(3)));
    // Three lists kept, the fourth (at depth 4) replaced by the empty value.
    let past = data.attribute("past").unwrap();
    assert_eq!(depth_of(past), 3);
    let mut cut = Value::Empty;
    for _ in 0..3 {
        cut = Value::KvList(vec![KeyValue::new("k", cut)]);
    }
    assert_eq!(past, &cut);
    assert_eq!(data.attribute("array"), Some(&Value::from(vec!["x", "y"])));
    assert_eq!(data.events[0].attributes[0].value, cut);
    assert_eq!(data.links[0].attributes[0].value, cut);
}

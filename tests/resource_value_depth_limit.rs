//! A resource value nested past `SpanLimits::DEFAULT_MAX_DEPTH` (the depth
//! a span's attribute values keep) is cut when it is set: the list or array
//! past the limit replaced with the empty value, and the cut reported once
//! (`limit-exceeded`) with the key and the caller. Bug: `Resource::set`
//! applied no depth limit, so a key-value list or array nested 20000 deep
//! overflowed the stack of the thread that encoded the export request or
//! dropped the exporter holding it, which aborted the process. Installs the
//! global pipeline and the diagnostic handler.

#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, OtlpConfig, OtlpExporter, Protocol, Resource};
use baton::{DiagnosticKind, KeyValue, SpanLimits, Value};
use json::Json;
use loopback_collector::collector;

/// `depth` key-value lists nested around `innermost`.
fn lists(depth: usize, innermost: Value) -> Value {
    (0..depth).fold(innermost, |inner, _| {
        Value::from(vec![KeyValue::new("k", inner)])
    })
}

/// `depth` arrays of any values nested around `innermost`, each also
/// holding a string.
fn arrays(depth: usize, innermost: Value) -> Value {
    (0..depth).fold(innermost, |inner, _| {
        Value::from(vec![inner, Value::from("s")])
    })
}

/// How many `kvlistValue`s an OTLP/JSON value nests, and what is under the
/// innermost.
fn json_lists(mut value: &Json) -> (usize, &Json) {
    let mut depth = 0;
    while value.has("kvlistValue") {
        depth += 1;
        value = value
            .get("kvlistValue")
            .get("values")
            .attribute("k")
            .unwrap();
    }
    (depth, value)
}

static REPORTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

#[test]
fn resource_values_past_the_depth_limit_are_cut_reported_and_exported() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::LimitExceeded {
            let file = d.location.map_or("", |l| l.file()).to_owned();
            REPORTS.lock().unwrap().push((d.message.to_string(), file));
        }
    }))
    .unwrap();
    let max = SpanLimits::DEFAULT_MAX_DEPTH;
    let mut resource = Resource::new("deep");
    // At the limit: kept whole, nothing reported.
    resource.set("at", lists(max, Value::from(7)));
    assert_eq!(REPORTS.lock().unwrap().len(), 0);
    resource.set("deep", lists(20_000, Value::from(7)));
    resource.set("array", arrays(20_000, Value::from(7)));
    assert_eq!(resource.get("at"), Some(&lists(max, Value::from(7))));
    assert_eq!(resource.get("deep"), Some(&lists(max, Value::Empty)));
    assert_eq!(resource.get("array"), Some(&arrays(max, Value::Empty)));
    {
        let reports = REPORTS.lock().unwrap();
        assert_eq!(reports.len(), 2, "{reports:?}");
        for ((message, file), key) in reports.iter().zip(["\"deep\"", "\"array\""]) {
            assert!(message.contains(key), "{message}");
            assert!(message.contains("replaced 1 "), "{message}");
            assert!(file.ends_with("resource_value_depth_limit.rs"), "{file}");
        }
    }

    // Encoded on the export thread, and dropped with the exporter there.
    let (base, requests) = collector(1);
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .protocol(Protocol::HttpJson)
        .timeout(Duration::from_secs(10))
        .resource(resource);
    let processor = BatchProcessor::new(OtlpExporter::new(config), BatchConfig::default());
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    baton::in_span("work", || {});
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let body = json::parse(request.text()).unwrap();
    let attributes = body
        .get("resourceSpans")
        .at(0)
        .get("resource")
        .get("attributes");
    let (depth, under) = json_lists(attributes.attribute("deep").unwrap());
    assert_eq!(depth, max);
    // The empty value: an AnyValue with no field.
    assert_eq!(under.len(), 0, "{under:?}");
    let (depth, under) = json_lists(attributes.attribute("at").unwrap());
    assert_eq!(depth, max);
    assert_eq!(under.get("intValue").str(), "7");
    assert_eq!(REPORTS.lock().unwrap().len(), 2);
}

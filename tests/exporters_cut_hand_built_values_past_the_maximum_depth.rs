//! An exporter given a span the application built or changed, with values
//! nested 20000 deep, exports them as the depth limit would have cut them
//! at `SpanLimits::MAX_DEPTH`. Bug: a span's values are cut to the limit
//! when it ends, but `SpanExporter::export` and `SpanProcessor::on_end`
//! are public, and the console, JSON-lines and OTLP encoders walked what
//! they were given by recursion, one call per level, which overflowed the
//! stack and aborted the process. Installs the global pipeline.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/deep_values.rs"]
mod deep_values;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{
    ConsoleExporter, JsonLinesExporter, OtlpConfig, OtlpExporter, Protocol, SpanExporter,
};
use baton::{Event, KeyValue, SpanData, SpanLimits, Value};
use deep_values::{arrays, let_go, lists, DEPTH};
use loopback_collector::collector;

/// The fixture span with lists and arrays nested `depth` deep around
/// `inner` as attributes, and lists on an event.
fn span_with(depth: usize, inner: fn() -> Value) -> SpanData {
    let mut span = batch_fixture::span();
    span.attributes
        .push(KeyValue::new("lists", lists(depth, inner())));
    span.attributes
        .push(KeyValue::new("arrays", arrays(depth, inner())));
    let at = span.start_unix_nanos;
    let event = Event::new("e", at, vec![KeyValue::new("lists", lists(depth, inner()))]);
    span.events.push(event);
    span
}

/// Drops `span`'s deep values without recursion.
fn let_go_of(mut span: SpanData) {
    let events = span.events.drain(..).flat_map(|e| e.attributes);
    for kv in span.attributes.drain(..).chain(events) {
        let_go(kv.value);
    }
}

/// What each exporter makes of `span`: the console's and the JSON lines'
/// text, and the OTLP request bodies, protobuf and JSON.
fn exported(span: &SpanData) -> Vec<Vec<u8>> {
    let batch = std::slice::from_ref(span);
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(batch).unwrap();
    let mut lines = JsonLinesExporter::new(Vec::new());
    lines.export(batch).unwrap();
    let mut out = vec![console.into_inner(), lines.into_inner()];
    for protocol in [Protocol::HttpProtobuf, Protocol::HttpJson] {
        let (base, requests) = collector(1);
        let config = OtlpConfig::new(&format!("{base}/v1/traces"))
            .unwrap()
            .protocol(protocol);
        OtlpExporter::new(config).export(batch).unwrap();
        out.push(requests.recv_timeout(Duration::from_secs(10)).unwrap().body);
    }
    out
}

#[test]
fn values_past_the_maximum_depth_are_exported_cut_to_it() {
    let max = SpanLimits::MAX_DEPTH;
    let deep = span_with(DEPTH, || Value::from(7));
    // What the depth limit leaves at the maximum.
    let want = exported(&span_with(max, || Value::Empty));
    assert_eq!(exported(&deep), want);
    // What is kept, kept whole: the console shows a list 1024 deep.
    let console = String::from_utf8(want[0].clone()).unwrap();
    assert!(
        console.contains(&format!("lists={}null", "{k: ".repeat(max))),
        "{console}"
    );
    // At the maximum, nothing is cut.
    assert_ne!(exported(&span_with(max, || Value::from(7))), want);
    let_go_of(deep);
}

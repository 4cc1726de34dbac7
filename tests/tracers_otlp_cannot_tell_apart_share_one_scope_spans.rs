//! Tracers whose scopes OTLP cannot tell apart are one scope: one
//! `ScopeSpans` in the request. An empty version or schema URL is the
//! absent one (a proto3 string has no presence: protobuf writes neither),
//! and scope attributes are a map, whose order means nothing. Found: each
//! was kept as a scope of its own, so a request carried two `ScopeSpans`
//! with the same `InstrumentationScope`. Installs the global pipeline.

use std::sync::{Mutex, PoisonError};

use baton::export::{OtlpConfig, OtlpExporter, Protocol};
use baton::{InMemoryExporter, Tracer};

#[path = "common/protobuf.rs"]
mod protobuf;

/// The `ScopeSpans` of a protobuf request for one span of each tracer.
fn scope_spans(tracers: &[Tracer]) -> usize {
    // One pipeline at a time: the tests of this file run in parallel.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let spans = InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    for (i, tracer) in tracers.iter().enumerate() {
        tracer.in_span(format!("span {i}"), || {});
    }
    drop(guard);
    let batch = spans.take();
    assert_eq!(batch.len(), tracers.len());
    let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    let mut exporter = OtlpExporter::new(config.protocol(Protocol::HttpProtobuf));
    let body = exporter.encode(&batch).to_vec();
    let resource_spans = protobuf::message(&body, 1).unwrap();
    protobuf::messages(resource_spans, 2).len()
}

#[test]
fn an_empty_version_or_schema_url_is_none_given() {
    let plain = baton::tracer("lib.empty").build();
    let empty_version = baton::tracer("lib.empty").version("").build();
    let empty_schema = baton::tracer("lib.empty").schema_url("").build();
    assert_eq!(scope_spans(&[plain, empty_version, empty_schema]), 1);
    assert_eq!(empty_version.scope().version(), None);
    assert_eq!(empty_schema.scope().schema_url(), None);
    assert!(std::ptr::eq(plain.scope(), empty_version.scope()));
}

#[test]
fn scope_attributes_given_in_another_order_are_the_same_scope() {
    let ab = baton::tracer("lib.order")
        .attr("a", 1)
        .attr("b", "x")
        .build();
    let ba = baton::tracer("lib.order")
        .attr("b", "x")
        .attr("a", 1)
        .build();
    assert_eq!(scope_spans(&[ab, ba]), 1);
    assert!(std::ptr::eq(ab.scope(), ba.scope()));
    // Different values, or a different dropped count, stay apart.
    let other = baton::tracer("lib.order")
        .attr("a", 2)
        .attr("b", "x")
        .build();
    let dropped = baton::tracer("lib.order")
        .attr("a", 1)
        .attr("b", "x")
        .attr("", 0)
        .build();
    assert_eq!(scope_spans(&[ab, other, dropped]), 3);
}

//! A span's type goes out as the `span.type` attribute after its own, and
//! is held to the span's attribute limits as that attribute: over the
//! count limit it is dropped and counted, and a custom name is cut to the
//! value length. Found by an audit: the encoders added it past both limits
//! (with `max_attributes: 2`, three attributes went out, and a custom name
//! whole). Installs the global pipeline.

use baton::export::{OtlpConfig, OtlpExporter, Protocol};
use baton::{SpanData, SpanLimits, SpanType};

/// The span `build` records under `limits`, and its OTLP/JSON span.
fn recorded(limits: SpanLimits, build: impl FnOnce() -> baton::SpanBuilder) -> (SpanData, String) {
    let memory = baton::InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            .span_limits(limits)
            .exporter(memory.clone()),
    )
    .unwrap();
    build().start().end();
    drop(pipeline);
    let span = memory.take().remove(0);
    let config = OtlpConfig::new("http://localhost:4318/v1/traces")
        .unwrap()
        .protocol(Protocol::HttpJson);
    let body = OtlpExporter::new(config)
        .encode(std::slice::from_ref(&span))
        .to_vec();
    let body = String::from_utf8(body).unwrap();
    let spans = body[body.find("\"spans\"").unwrap()..].to_owned();
    (span, spans)
}

fn planner() -> baton::SpanBuilder {
    baton::span("plan")
        .span_type(SpanType::Custom("planner".into()))
        .attr("a", 1)
        .attr("b", 2)
}

#[test]
fn the_span_type_is_held_to_the_count_and_length_limits() {
    // No room left: dropped and counted, as a third attribute would be.
    let full = SpanLimits {
        max_attributes: 2,
        ..SpanLimits::default()
    };
    let (span, json) = recorded(full, planner);
    assert_eq!((span.span_type, span.dropped_attributes_count), (None, 1));
    assert_eq!(json.matches("{\"key\":").count(), 2, "{json}");
    assert!(json.contains("\"droppedAttributesCount\":1"), "{json}");

    // Room for it, at the value length: a custom name is cut.
    let short = SpanLimits {
        max_attributes: 3,
        max_attribute_value_length: Some(3),
        ..SpanLimits::default()
    };
    let (span, json) = recorded(short, planner);
    assert_eq!(span.span_type, Some(SpanType::Custom("pla".into())));
    assert!(
        json.contains("{\"key\":\"span.type\",\"value\":{\"stringValue\":\"pla\"}}"),
        "{json}"
    );
    assert!(!json.contains("planner"), "{json}");

    // A span's own `span.type` attribute wins, and the type takes no room.
    let (span, json) = recorded(full, || {
        baton::span("plan")
            .span_type(SpanType::Custom("planner".into()))
            .attr("span.type", "mine")
            .attr("a", 1)
    });
    assert_eq!(span.span_type, Some(SpanType::Custom("planner".into())));
    assert_eq!(span.dropped_attributes_count, 0);
    assert_eq!(json.matches("{\"key\":").count(), 2, "{json}");
    assert!(
        json.contains("\"mine\"") && !json.contains("planner"),
        "{json}"
    );
}

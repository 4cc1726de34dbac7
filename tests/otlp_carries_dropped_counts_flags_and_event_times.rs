//! What the span limits discarded, and the parts of events and links no
//! other Rust test reads back, reach both OTLP encodings: the span's
//! `dropped_attributes_count` (10), `dropped_events_count` (12) and
//! `dropped_links_count` (14), each event's time (1) and
//! `dropped_attributes_count` (4), each link's `dropped_attributes_count`
//! (5) and `flags` (6, the W3C flags and whether the linked span is
//! remote), and the span's own `flags` (16). Without the Python
//! decoder that `otlp_decoded_by_opentelemetry_proto.rs` needs (skipped
//! where `BATON_OTLP_PYTHON` is unset), nothing in a plain `cargo test`
//! checked that a count the limits kept was sent, so a count left at zero
//! on the wire would have passed. Installs the global pipeline.

#[path = "common/json.rs"]
mod json;
#[path = "common/protobuf.rs"]
mod protobuf;

use baton::export::{OtlpConfig, OtlpExporter, Protocol};
use baton::{KeyValue, SpanContext, SpanData, SpanId, SpanLimits, TraceFlags, TraceId};
use protobuf::{fixed64_field, messages, varint_field, Field};

/// One span past every count limit: three attributes over a limit of
/// two, three events over two (the first with one attribute over one),
/// two links over one (the first, to a remote sampled span, with one
/// attribute over one). Its first event is at 1_000 ns, given.
fn limited_span() -> SpanData {
    let memory = baton::InMemoryExporter::default();
    let limits = SpanLimits {
        max_attributes: 2,
        max_events: 2,
        max_links: 1,
        max_attributes_per_event: 1,
        max_attributes_per_link: 1,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(memory.clone());
    let _pipeline = baton::init(config).unwrap();
    let linked = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::default().with_sampled(true),
    )
    .with_remote(true);
    let span = baton::span("limited")
        .attr("a", 1)
        .attr("b", 2)
        .attr("c", 3)
        .link(linked, vec![KeyValue::new("l1", 1), KeyValue::new("l2", 2)])
        .link(
            SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default()),
            vec![],
        )
        .start();
    span.add_event_at(
        "first",
        1_000,
        vec![KeyValue::new("e1", 1), KeyValue::new("e2", 2)],
    );
    span.add_event("second", vec![]);
    span.add_event("third", vec![]);
    drop(span);
    let mut spans = memory.take();
    assert_eq!(spans.len(), 1);
    spans.remove(0)
}

/// The fixed32 field `number` of `msg`, if any.
fn fixed32_field(msg: &[u8], number: u32) -> Option<u32> {
    protobuf::fields(msg)
        .unwrap()
        .into_iter()
        .find_map(|(n, f)| match f {
            Field::Fixed32(v) if n == number => Some(v),
            _ => None,
        })
}

#[test]
fn dropped_counts_flags_and_event_times_reach_protobuf_and_json() {
    let data = limited_span();
    // What the record says, which the encodings must repeat.
    assert_eq!(
        (
            data.dropped_attributes_count,
            data.dropped_events_count,
            data.dropped_links_count
        ),
        (1, 1, 1)
    );
    assert_eq!(data.events[0].dropped_attributes_count, 1);
    assert_eq!(data.links[0].dropped_attributes_count, 1);
    // The span's W3C flags (sampled, and random: its own new trace id),
    // its parent known not remote; the linked span sampled and remote.
    let span_flags = 0x100 | u32::from(data.span_context.flags().bits());
    assert_eq!(span_flags & 0x01, 0x01);
    let link_flags = 0x100 | 0x200 | 0x01;

    let config = OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    let mut exporter = OtlpExporter::new(config.clone());
    let body = exporter.encode(std::slice::from_ref(&data)).to_vec();
    let resource_spans = messages(&body, 1);
    let scope_spans = messages(resource_spans[0], 2);
    let span = messages(scope_spans[0], 2)[0];
    assert_eq!(varint_field(span, 10), Some(1), "dropped_attributes_count");
    assert_eq!(varint_field(span, 12), Some(1), "dropped_events_count");
    assert_eq!(varint_field(span, 14), Some(1), "dropped_links_count");
    assert_eq!(fixed32_field(span, 16), Some(span_flags), "span flags");
    let events = messages(span, 11);
    assert_eq!(events.len(), 2);
    assert_eq!(fixed64_field(events[0], 1), Some(1_000), "event time");
    assert_eq!(
        varint_field(events[0], 4),
        Some(1),
        "event dropped_attributes_count"
    );
    assert_eq!(
        varint_field(events[1], 4),
        None,
        "nothing dropped: the default, left out"
    );
    let links = messages(span, 13);
    assert_eq!(links.len(), 1);
    assert_eq!(
        varint_field(links[0], 5),
        Some(1),
        "link dropped_attributes_count"
    );
    assert_eq!(fixed32_field(links[0], 6), Some(link_flags), "link flags");

    let mut exporter = OtlpExporter::new(config.protocol(Protocol::HttpJson));
    let text = String::from_utf8(exporter.encode(std::slice::from_ref(&data)).to_vec()).unwrap();
    let request = json::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let span = request
        .get("resourceSpans")
        .at(0)
        .get("scopeSpans")
        .at(0)
        .get("spans")
        .at(0);
    assert_eq!(span.get("droppedAttributesCount").num(), 1.0);
    assert_eq!(span.get("droppedEventsCount").num(), 1.0);
    assert_eq!(span.get("droppedLinksCount").num(), 1.0);
    assert_eq!(span.get("flags").num(), f64::from(span_flags));
    let event = span.get("events").at(0);
    assert_eq!(event.get("timeUnixNano").str(), "1000");
    assert_eq!(event.get("droppedAttributesCount").num(), 1.0);
    let link = span.get("links").at(0);
    assert_eq!(link.get("droppedAttributesCount").num(), 1.0);
    assert_eq!(link.get("flags").num(), f64::from(link_flags));
}

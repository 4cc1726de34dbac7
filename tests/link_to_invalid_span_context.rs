//! Links to the invalid span context are recorded when they carry
//! attributes or a tracestate, and exported with all-zero ids, as the
//! OpenTelemetry API's "Link" section asks ("Implementations SHOULD record
//! links containing SpanContext with empty TraceId or SpanId (all zeros) as
//! long as either the attribute set or TraceState is non-empty"). Found:
//! baton could not express such a link at all (its ids are never zero).
//! Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{Compression, OtlpConfig, OtlpExporter, Protocol, SpanExporter};
use baton::{
    diagnostic_count, DiagnosticKind, InMemoryExporter, KeyValue, SpanContext, SpanData, SpanId,
    TraceFlags, TraceId, TraceState,
};
use loopback_collector::collector;

/// The body `spans` are posted with in `protocol`, uncompressed.
fn posted(protocol: Protocol, spans: &[SpanData]) -> Vec<u8> {
    let (base, requests) = collector(1);
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .protocol(protocol)
        .compression(Compression::None)
        .timeout(Duration::from_secs(10));
    OtlpExporter::new(config).export(spans).unwrap();
    requests.recv_timeout(Duration::from_secs(10)).unwrap().body
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn links_to_the_invalid_context_are_kept_when_they_say_something() {
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    let state = TraceState::EMPTY.insert("vendor", "v1").unwrap();
    let valid = SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(1),
    );
    let invalid_before = diagnostic_count(DiagnosticKind::InvalidArgument);
    drop(
        baton::span("consume")
            .link(
                SpanContext::INVALID,
                vec![KeyValue::new("messaging.message.id", "m-17")],
            )
            .link(SpanContext::INVALID, Vec::new())
            .link(
                SpanContext::INVALID.with_trace_state(state.clone()),
                Vec::new(),
            )
            .link(valid.clone(), Vec::new())
            .start(),
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument) - invalid_before,
        1,
        "the bare link is reported"
    );
    let finished = spans.take();
    let links = &finished[0].links;
    let kept: Vec<(bool, usize, &str)> = links
        .iter()
        .map(|l| {
            (
                l.span_context.is_valid(),
                l.attributes.len(),
                l.span_context.trace_state().as_str(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [(false, 1, ""), (false, 0, "vendor=v1"), (true, 0, "")]
    );

    // OTLP/JSON: zero ids for the two invalid links, the real ones for the
    // third.
    let json = posted(Protocol::HttpJson, &finished);
    let zero = br#"{"traceId":"00000000000000000000000000000000","spanId":"0000000000000000""#;
    assert_eq!(count(&json, zero), 2, "{}", String::from_utf8_lossy(&json));
    let with_state = br#"{"traceId":"00000000000000000000000000000000","spanId":"0000000000000000","traceState":"vendor=v1""#;
    assert_eq!(count(&json, with_state), 1);
    let real = br#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331""#;
    assert_eq!(count(&json, real), 1);

    // Protobuf: `Link.trace_id` (field 1, 16 bytes) and `span_id` (field 2,
    // 8 bytes), all zero.
    let proto = posted(Protocol::HttpProtobuf, &finished);
    let mut zero = vec![0x0a, 16];
    zero.extend([0; 16]);
    zero.extend([0x12, 8]);
    zero.extend([0; 8]);
    assert_eq!(count(&proto, &zero), 2);
    let mut real = vec![0x0a, 16];
    real.extend(valid.trace_id().to_bytes());
    real.extend([0x12, 8]);
    real.extend(valid.span_id().to_bytes());
    assert_eq!(count(&proto, &real), 1);

    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}

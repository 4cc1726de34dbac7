//! The OTLP exporter posts the OTLP/JSON mapping to a collector: checked
//! field by field against a loopback receiver. Installs the global pipeline.

#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, Protocol, Resource};
use baton::{Context, SpanContext, SpanId, SpanKind, SpanType, Status, TraceFlags, TraceId};
use loopback_collector::collector;

fn hex(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn the_payload_follows_the_otlp_json_mapping_field_by_field() {
    let (base, requests) = collector(1);
    let url = format!("{base}/v1/traces");
    let mut resource = Resource::new("checkout");
    resource.set("deployment.environment", "test");
    let config = OtlpConfig::new(&url)
        .unwrap()
        .protocol(Protocol::HttpJson)
        .header("api-key", "k1")
        .unwrap()
        .timeout(Duration::from_secs(10))
        .resource(resource);
    let _pipeline = baton::init(baton::Config::new().exporter(OtlpExporter::new(config))).unwrap();

    let remote_trace = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
    let remote_span = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    let remote =
        SpanContext::new(remote_trace, remote_span, TraceFlags::from_bits(0x01)).with_remote(true);
    let linked = SpanContext::new(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
        SpanId::from_hex("b7ad6b7169203331").unwrap(),
        TraceFlags::from_bits(0x01),
    );
    let parent_cx = Context::default().with_span_context(remote);
    {
        let span = baton::span("GET /cart \"quoted\"\n")
            .kind(SpanKind::Server)
            .span_type(SpanType::Llm)
            .parent(&parent_cx)
            .attr("http.status", 200)
            .attr("ratio", 0.5)
            .attr("ok", true)
            .attr("tags", vec!["a", "b"])
            .link(linked.clone(), vec![baton::KeyValue::new("why", "retry")])
            .start();
        span.add_event("cache miss", vec![baton::KeyValue::new("key", "k")]);
        span.set_status(Status::Error {
            description: "boom".into(),
        });
        span.end();
    }
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();

    assert_eq!(request.request_line, "POST /v1/traces HTTP/1.1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("api-key"), Some("k1"));
    assert!(request.header("host").unwrap().starts_with("127.0.0.1:"));
    // The OTLP exporter spec: name the exporter, its language and version
    // (`baton/0.1.0` left out the language).
    assert_eq!(
        request.header("user-agent"),
        Some(concat!(
            "baton-OTLP-Exporter-Rust/",
            env!("CARGO_PKG_VERSION")
        ))
    );

    let body = json::parse(request.text()).unwrap();
    let rs = body.get("resourceSpans");
    assert_eq!(rs.len(), 1);
    let attrs = rs.at(0).get("resource").get("attributes");
    let s = |v: Option<&json::Json>| v.unwrap().get("stringValue").str().to_owned();
    assert_eq!(s(attrs.attribute("service.name")), "checkout");
    assert_eq!(s(attrs.attribute("deployment.environment")), "test");
    assert_eq!(s(attrs.attribute("telemetry.sdk.name")), "baton");
    assert_eq!(s(attrs.attribute("telemetry.sdk.language")), "rust");
    assert_eq!(
        s(attrs.attribute("telemetry.sdk.version")),
        env!("CARGO_PKG_VERSION")
    );

    let scope_spans = rs.at(0).get("scopeSpans").at(0);
    assert_eq!(scope_spans.get("scope").get("name").str(), "baton");
    let span = scope_spans.get("spans").at(0);
    assert_eq!(span.get("traceId").str(), hex(&remote_trace.to_hex()));
    assert_eq!(span.get("parentSpanId").str(), hex(&remote_span.to_hex()));
    let span_id = span.get("spanId").str();
    assert_eq!(span_id.len(), 16);
    assert!(span_id
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(span.get("name").str(), "GET /cart \"quoted\"\n");
    assert_eq!(span.get("kind").num(), 2.0, "SPAN_KIND_SERVER");
    // Sampled, plus HAS_IS_REMOTE (0x100) and IS_REMOTE (0x200) for the parent.
    assert_eq!(span.get("flags").num() as u32 & 0x301, 0x301);
    let start: u64 = span.get("startTimeUnixNano").str().parse().unwrap();
    let end: u64 = span.get("endTimeUnixNano").str().parse().unwrap();
    assert!(start > 1_600_000_000_000_000_000 && end >= start);

    let a = span.get("attributes");
    assert_eq!(
        a.attribute("http.status").unwrap().get("intValue").str(),
        "200"
    );
    assert_eq!(a.attribute("ratio").unwrap().get("doubleValue").num(), 0.5);
    assert_eq!(
        a.attribute("ok").unwrap().get("boolValue"),
        &json::Json::Bool(true)
    );
    let tags = a.attribute("tags").unwrap().get("arrayValue").get("values");
    assert_eq!(tags.at(1).get("stringValue").str(), "b");
    assert_eq!(
        a.attribute(baton::export::SPAN_TYPE_ATTRIBUTE)
            .unwrap()
            .get("stringValue")
            .str(),
        "llm"
    );

    let event = span.get("events").at(0);
    assert_eq!(event.get("name").str(), "cache miss");
    let event_time: u64 = event.get("timeUnixNano").str().parse().unwrap();
    assert!((start..=end).contains(&event_time));
    assert_eq!(
        event
            .get("attributes")
            .attribute("key")
            .unwrap()
            .get("stringValue")
            .str(),
        "k"
    );

    let link = span.get("links").at(0);
    assert_eq!(
        link.get("traceId").str(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(link.get("spanId").str(), "b7ad6b7169203331");
    assert_eq!(
        link.get("attributes")
            .attribute("why")
            .unwrap()
            .get("stringValue")
            .str(),
        "retry"
    );

    let status = span.get("status");
    assert_eq!(status.get("code").num(), 2.0, "STATUS_CODE_ERROR");
    assert_eq!(status.get("message").str(), "boom");
    assert_eq!(span.get("droppedAttributesCount").num(), 0.0);
}

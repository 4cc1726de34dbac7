//! A configured header cannot contradict the request the exporter frames.
//! `OTEL_EXPORTER_OTLP_HEADERS=content-length=0` was accepted and sent
//! beside the exporter's own `Content-Length`; a server must refuse a
//! request with two different lengths (RFC 9112 §6.3), so every export
//! failed with a 400, and `transfer-encoding=chunked` made the body
//! unreadable the same way. Such names are now configuration errors. A
//! configured `User-Agent` was a second `User-Agent` line; it now goes
//! before baton's own in one.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{collector, lookup};

const RESERVED: [&str; 11] = [
    "Host",
    "content-length",
    "Content-Type",
    "CONTENT-ENCODING",
    "transfer-encoding",
    "Connection",
    "keep-alive",
    "TE",
    "trailer",
    "upgrade",
    // Sent as `identity`: the exporter decodes no compressed answer.
    "Accept-Encoding",
];

#[test]
fn framing_headers_are_refused_from_the_environment_and_from_code() {
    for name in RESERVED {
        for variable in [
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        ] {
            let list = format!("api-key=k1,{name}=0");
            let err = OtlpConfig::from_lookup(lookup(&[(variable, &list)])).unwrap_err();
            assert_eq!(err.variable(), variable);
            assert_eq!(err.value(), name);
            assert!(err.to_string().contains("remove it"), "{err}");
        }
        let err = OtlpConfig::new("http://localhost:4318/v1/traces")
            .unwrap()
            .header(name, "0")
            .unwrap_err();
        assert_eq!(err.value(), name);
    }
}

#[test]
fn other_headers_are_sent_once_beside_the_exporters_own() {
    let (base, requests) = collector(1);
    let endpoint = format!("{base}/v1/traces");
    let vars = [
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint.as_str()),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "authorization=Bearer%20k1,content-language=en,x-host=h,user-agent=MyDistro/1.0",
        ),
    ];
    let config = OtlpConfig::from_lookup(lookup(&vars)).unwrap();
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("framed", || {});
    drop(guard);
    OtlpExporter::new(config.timeout(Duration::from_secs(10)))
        .export(&memory.take())
        .unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let count = |name: &str| {
        request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    };
    for name in ["host", "content-length", "content-type", "user-agent"] {
        assert_eq!(count(name), 1, "{name}");
    }
    // HTTP/1.1 connections persist unless a side says otherwise: the
    // exporter keeps its own, and a configured `Connection` is refused.
    assert_eq!(count("connection"), 0);
    // A configured User-Agent goes before baton's own, as the OTLP exporter
    // spec describes for distributions; it was sent as a second line.
    assert_eq!(
        request.header("user-agent"),
        Some(concat!(
            "MyDistro/1.0 baton-OTLP-Exporter-Rust/",
            env!("CARGO_PKG_VERSION")
        ))
    );
    assert_eq!(request.header("authorization"), Some("Bearer k1"));
    assert_eq!(request.header("content-language"), Some("en"));
    assert_eq!(request.header("x-host"), Some("h"));
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );
}

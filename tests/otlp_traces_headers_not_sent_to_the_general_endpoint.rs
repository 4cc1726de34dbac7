//! An invalid `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is ignored and the
//! general `OTEL_EXPORTER_OTLP_ENDPOINT` takes over, as the environment
//! spec asks; the traces headers (an API key for the traces collector)
//! were sent to that other collector too. Now only the general headers
//! reach it. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use loopback_collector::{collector, lookup};

#[test]
fn the_general_endpoint_gets_its_own_headers_and_not_the_traces_ones() {
    let (endpoint, requests) = collector(10);
    let vars = [
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "https://traces.vendor.example/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=traces-s3cret"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=7"),
    ];
    let config = baton::Config::from_lookup(lookup(&vars)).unwrap();
    let pipeline = baton::init(config).unwrap();
    baton::in_span("request", || {});
    pipeline.shutdown(Duration::from_secs(20)).unwrap();

    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(request.request_line, "POST /v1/traces HTTP/1.1");
    assert_eq!(request.header("x-tenant"), Some("7"));
    assert_eq!(request.header("api-key"), None);
    assert!(
        request.headers.iter().all(|(_, v)| !v.contains("s3cret")),
        "{:?}",
        request.headers
    );
}

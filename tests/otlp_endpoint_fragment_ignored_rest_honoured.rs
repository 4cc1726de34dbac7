//! An OTLP endpoint read from the environment with a fragment (`#…`) sends
//! to its host, port and path, with the headers set for it: the OTLP
//! exporter spec says those MUST be honoured and "all other URL
//! components" MAY be ignored. Found: the whole variable was ignored as
//! invalid, and the spans went to `http://localhost:4318` without the
//! headers. The fragment alone is ignored, and reported. Installs the
//! global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::DiagnosticKind;
use loopback_collector::{collector, lookup};

#[test]
fn the_spans_go_to_the_url_before_the_fragment_with_their_headers() {
    let (base, requests) = collector(1);
    let endpoint = format!("{base}/tenant-7#overview");
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=k1"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
    ];
    let reported = baton::diagnostic_count(DiagnosticKind::InvalidConfig);
    let config = baton::Config::from_lookup(lookup(&vars)).unwrap();
    let ignored: Vec<_> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value(), e.kept()))
        .collect();
    let kept = format!("{base}/tenant-7");
    assert_eq!(
        ignored,
        [(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "#overview",
            Some(kept.as_str())
        )]
    );
    assert_eq!(
        baton::diagnostic_count(DiagnosticKind::InvalidConfig),
        reported + 1
    );
    let pipeline = baton::init(config).unwrap();
    baton::in_span("request", || {});
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
    let request = requests
        .recv_timeout(Duration::from_secs(30))
        .expect("the collector got the spans");
    assert_eq!(request.request_line, "POST /tenant-7/v1/traces HTTP/1.1");
    assert_eq!(request.header("api-key"), Some("k1"));
    assert!(request.text().contains("\"request\""), "{}", request.text());
}

//! A query in `OTEL_EXPORTER_OTLP_ENDPOINT` stays a query: `/v1/traces` is
//! appended to the base URL's path and the query follows it on the request
//! line, as the OTLP exporter spec builds a signal's URL. Installs the
//! global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter};
use loopback_collector::{collector, lookup};

#[test]
fn the_request_line_carries_the_path_then_the_query() {
    // Bug: `http://c:4318/p?x=1` posted to `/p?x=1/v1/traces`, a path the
    // collector does not serve.
    let (base, requests) = collector(1);
    let endpoint = format!("{base}/p?tenant=a%20b");
    let vars = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())];
    let config = OtlpConfig::from_lookup(lookup(&vars))
        .unwrap()
        .timeout(Duration::from_secs(20));
    let exporter = OtlpExporter::new(config);
    let pipeline = baton::init(baton::Config::new().exporter(exporter)).unwrap();
    baton::in_span("request", || {});
    pipeline.shutdown(Duration::from_secs(20)).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        request.request_line,
        "POST /p/v1/traces?tenant=a%20b HTTP/1.1"
    );
}

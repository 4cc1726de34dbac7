//! Each OTLP header is sent once. `OTEL_EXPORTER_OTLP_HEADERS=a=1,A=2` and a
//! header set again in code were both sent as two lines, where the
//! OpenTelemetry SDKs send one (two `Authorization` lines fail the request
//! at most servers). Now a name repeated in the variable is an error (which
//! value was meant cannot be told), and `OtlpConfig::header` replaces a
//! header of the same name, one read from the variable included.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{collector, lookup};

#[test]
fn a_name_repeated_in_the_variable_is_an_error_naming_it() {
    for (list, repeated) in [
        ("authorization=a,authorization=b", "authorization"),
        ("x-key=1,y=2,X-KEY=3", "X-KEY"),
    ] {
        let err = OtlpConfig::from_lookup(lookup(&[("OTEL_EXPORTER_OTLP_TRACES_HEADERS", list)]))
            .unwrap_err();
        assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_TRACES_HEADERS");
        assert_eq!(err.value(), repeated);
        assert!(err.to_string().contains("set twice"), "{err}");
    }
}

#[test]
fn a_header_set_in_code_replaces_one_of_the_same_name_and_is_sent_once() {
    let (base, requests) = collector(1);
    let endpoint = format!("{base}/v1/traces");
    let vars = [
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=from-env,team=core"),
    ];
    let config = OtlpConfig::from_lookup(lookup(&vars))
        .unwrap()
        .header("Api-Key", "from-code")
        .unwrap()
        .timeout(Duration::from_secs(10));
    let names: Vec<(&str, &str)> = config
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(names, [("Api-Key", "from-code"), ("team", "core")]);

    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("once", || {});
    drop(guard);
    OtlpExporter::new(config).export(&memory.take()).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    let keys: Vec<&str> = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("api-key"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(keys, ["from-code"]);
}

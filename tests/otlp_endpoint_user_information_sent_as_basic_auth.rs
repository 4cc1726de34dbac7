//! User information in an OTLP endpoint (`http://user:password@host:4318`,
//! a Grafana Cloud or nginx-fronted collector) is sent as HTTP Basic
//! authentication, as the OpenTelemetry Python exporter (through
//! `requests`) and Go's `net/http` send it. Found: the endpoint was refused
//! whole, so `Config::from_env` ignored it and sent the spans to
//! `http://localhost:4318` instead of the host the variable named. The
//! password shows nowhere: not in `endpoint()`, `Debug`, or an error.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{collector, lookup};

/// `http://tenant:s:cret@<host:port>`: the password holds a colon, and a
/// percent-encoded one in the user would be refused.
fn with_user_info(base: &str) -> String {
    base.replacen("http://", "http://tenant%2D7:s:cret%20x@", 1)
}

#[test]
fn the_collector_gets_basic_credentials_and_the_url_shows_none() {
    let (base, requests) = collector(1);
    let url = with_user_info(&base);
    let config = OtlpConfig::from_lookup(lookup(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &url)]))
        .unwrap()
        .timeout(Duration::from_secs(10));
    assert_eq!(config.endpoint(), format!("{base}/v1/traces"));
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("cret") && !shown.contains("tenant"),
        "{shown}"
    );

    OtlpExporter::new(config)
        .export(&[batch_fixture::span()])
        .unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(request.request_line, "POST /v1/traces HTTP/1.1");
    assert_eq!(request.header("host"), base.strip_prefix("http://"));
    // base64("tenant-7:s:cret x")
    assert_eq!(
        request.header("authorization"),
        Some("Basic dGVuYW50LTc6czpjcmV0IHg=")
    );
}

#[test]
fn an_authorization_header_as_well_is_an_error_naming_the_headers() {
    let url = "http://u:s3cret@collector:4318";
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", url),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "team=core,Authorization=Bearer t",
        ),
    ];
    let err = OtlpConfig::from_lookup(lookup(&vars)).unwrap_err();
    assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_HEADERS");
    assert_eq!(err.value(), "Authorization");
    assert!(err.to_string().contains("user information"), "{err}");

    // The whole configuration ignores that variable, says so, and keeps
    // the endpoint with its credentials.
    let config = baton::Config::from_lookup(lookup(&vars)).unwrap();
    let ignored: Vec<&str> = config.ignored().iter().map(|e| e.variable()).collect();
    assert_eq!(ignored, ["OTEL_EXPORTER_OTLP_HEADERS"]);
    let shown = format!("{config:?}");
    assert!(shown.contains("http://collector:4318/v1/traces"), "{shown}");
    assert!(
        shown.contains("Authorization") && !shown.contains("s3cret"),
        "{shown}"
    );

    // Set in code, the header replaces the URL's, as any header of the
    // same name.
    let replaced = OtlpConfig::new("http://u:s3cret@collector:4318/v1/traces")
        .unwrap()
        .header("authorization", "Bearer t")
        .unwrap();
    let headers = [("authorization".to_owned(), "Bearer t".to_owned())];
    assert_eq!(replaced.headers(), headers);
}

#[test]
fn invalid_user_information_is_refused_without_quoting_it() {
    for (url, why) in [
        ("http://@collector:4318", "empty"),
        ("http://u:s3cret%zz@collector:4318", "%XX"),
        ("http://u:s3cret@collector:99999", "invalid port"),
        ("https://u:s3cret@collector:4318", "no TLS"),
        ("http://u%3Aa:s3cret@collector:4318", "colon"),
        ("http://u:s3cret%0A@collector:4318", "control"),
        ("http://u:s3c ret@collector:4318", "does not allow"),
        ("http://a@b:s3cret@collector:4318", "does not allow"),
        // Malformed, so that where the user information ends cannot be
        // told: an unescaped `#`, `/` or `?` in the password, a mistyped
        // scheme.
        ("http://u:s3c#ret@collector:4318", "fragment"),
        ("http://u:s3c/ret@collector:4318", "invalid port"),
        ("http://u:s3c?ret@collector:4318", "invalid port"),
        ("http:/u:s3cret@collector:4318", "http://"),
        ("u:s3cret@collector:4318/?r=http://x", "http://"),
    ] {
        let err =
            OtlpConfig::from_lookup(lookup(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)])).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.variable(), "OTEL_EXPORTER_OTLP_ENDPOINT", "{url}");
        assert!(text.contains(why), "{url}: {text}");
        assert!(
            !text.contains("s3c") && !err.value().contains("s3c"),
            "{url}: {text}"
        );
        // Ignored by the whole configuration, it is quoted the same way.
        let config =
            baton::Config::from_lookup(lookup(&[("OTEL_EXPORTER_OTLP_ENDPOINT", url)])).unwrap();
        assert_eq!(config.ignored(), [err], "{url}");
        assert!(!format!("{config:?}").contains("s3c"), "{url}");
    }
}

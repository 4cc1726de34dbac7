//! An invalid OTLP endpoint is ignored, as the environment spec asks, so
//! spans go to the default `http://localhost:4318`; the headers set for
//! that endpoint (API keys) went with them, to whatever listens there.
//! Now an ignored endpoint takes its headers along: ignored, reported and
//! kept in `Config::ignored()` by name, never by value.

use baton::Config;

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup as env;

/// The OTLP settings `config` holds, as its `Debug` shows them (header
/// values redacted), and the names and values it ignored.
fn otlp_and_ignored(config: &Config) -> (String, Vec<(&str, &str)>) {
    let shown = format!("{config:?}");
    let start = shown.find("OtlpConfig {").expect("an OTLP exporter");
    let end = start + shown[start..].find('}').unwrap();
    let ignored = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    (shown[start..end].to_owned(), ignored)
}

#[test]
fn an_endpoint_ignored_for_the_default_takes_both_header_settings_along() {
    for endpoint in [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.vendor.example"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "https://api.vendor.example/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://x/a b"),
    ] {
        let vars = [
            endpoint,
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret,x-tenant=7"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
                "authorization=Bearer%20t0ken",
            ),
        ];
        let config = Config::from_lookup(env(&vars)).unwrap();
        let (otlp, ignored) = otlp_and_ignored(&config);
        assert!(
            otlp.contains("endpoint: \"http://localhost:4318/v1/traces\""),
            "{otlp}"
        );
        assert!(otlp.contains("headers: []"), "{endpoint:?}: {otlp}");
        assert_eq!(
            ignored,
            [
                (endpoint.0, endpoint.1),
                ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "api-key,x-tenant"),
            ]
        );
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("t0ken"),
            "{shown}"
        );
        // Strict: the endpoint is the error.
        let err = Config::from_lookup_strict(env(&vars)).err().unwrap();
        assert_eq!(err.variable(), endpoint.0);
    }
}

#[test]
fn a_traces_endpoint_ignored_for_the_general_one_takes_only_its_own_headers() {
    let vars = [
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "https://traces.vendor.example",
        ),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=traces-s3cret"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=7"),
    ];
    let config = Config::from_lookup(env(&vars)).unwrap();
    let (otlp, ignored) = otlp_and_ignored(&config);
    assert!(
        otlp.contains("endpoint: \"http://collector:4318/v1/traces\""),
        "{otlp}"
    );
    // The general endpoint's own headers are sent there.
    assert!(
        otlp.contains("headers: [(\"x-tenant\", \"<redacted>\")]"),
        "{otlp}"
    );
    assert_eq!(
        ignored,
        [
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "https://traces.vendor.example"
            ),
            ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key"),
        ]
    );
}

#[test]
fn headers_stay_with_a_valid_endpoint_and_with_the_default_left_unset() {
    // Nothing ignored: the headers go where they were set to go, including
    // to the default endpoint when no endpoint is set at all.
    for endpoint in [
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://collector:4318/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
    ] {
        let vars = [endpoint, ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret")];
        let config = Config::from_lookup(env(&vars)).unwrap();
        let (otlp, ignored) = otlp_and_ignored(&config);
        assert!(ignored.is_empty(), "{endpoint:?}: {ignored:?}");
        assert!(
            otlp.contains("headers: [(\"api-key\", \"<redacted>\")]"),
            "{otlp}"
        );
    }
    // An invalid general endpoint is not read when the traces one is set.
    let vars = [
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://collector:4318/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://x"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret"),
    ];
    let config = Config::from_lookup(env(&vars)).unwrap();
    let (otlp, ignored) = otlp_and_ignored(&config);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert!(
        otlp.contains("headers: [(\"api-key\", \"<redacted>\")]"),
        "{otlp}"
    );
}

#[test]
fn an_invalid_header_list_left_behind_is_named_without_its_values() {
    // The traces headers are withheld; the general list is then read for
    // the default endpoint and is itself invalid: named by its place.
    let vars = [
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://x"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=s3cret"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "s3cret-without-a-name"),
    ];
    let config = Config::from_lookup(env(&vars)).unwrap();
    let (otlp, ignored) = otlp_and_ignored(&config);
    assert!(otlp.contains("headers: []"), "{otlp}");
    assert_eq!(
        ignored,
        [
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://x"),
            ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "member 1 of the list"),
        ]
    );
    assert!(!format!("{config:?}").contains("s3cret"));
}

#[test]
fn invalid_traces_headers_do_not_give_way_to_the_general_ones_at_the_traces_endpoint() {
    // The traces headers were set to stand in for the general ones at the
    // traces collector; ignored, they left the general headers (another
    // collector's key) to be sent there.
    let vars = [
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://traces.vendor.example/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=traces%zzkey"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general.example:4318"),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "api-key=general-s3cret,x-tenant=7",
        ),
    ];
    let config = Config::from_lookup(env(&vars)).unwrap();
    let (otlp, ignored) = otlp_and_ignored(&config);
    assert!(
        otlp.contains("endpoint: \"http://traces.vendor.example/v1/traces\""),
        "{otlp}"
    );
    assert!(otlp.contains("headers: []"), "{otlp}");
    let names: Vec<_> = ignored.iter().map(|(variable, _)| *variable).collect();
    assert_eq!(
        names,
        [
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_HEADERS"
        ]
    );
    assert_eq!(ignored[1].1, "api-key,x-tenant");
    assert!(!format!("{config:?}").contains("s3cret"));
    // Without an endpoint of its own, traces go to the general endpoint,
    // whose own headers they are: sent.
    let config = Config::from_lookup(env(&vars[1..])).unwrap();
    let (otlp, ignored) = otlp_and_ignored(&config);
    assert!(
        otlp.contains("headers: [(\"api-key\", \"<redacted>\"), (\"x-tenant\", \"<redacted>\")]"),
        "{otlp}"
    );
    assert_eq!(ignored.len(), 1, "{ignored:?}");
}

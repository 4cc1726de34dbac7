//! `{:?}` of an `OtlpConfig` leaves the header values out: they are API
//! keys and bearer tokens, and a configuration (or a struct holding one) is
//! the kind of value that gets logged. The derived `Debug` printed them.

use baton::export::OtlpConfig;

#[test]
fn a_configuration_shown_with_debug_leaves_header_values_out() {
    let env = |key: &str| match key {
        "OTEL_EXPORTER_OTLP_HEADERS" => Some("authorization=Bearer%20s3cret,x-b=t0ken".to_owned()),
        "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318".to_owned()),
        _ => None,
    };
    let config = OtlpConfig::from_lookup(env).unwrap();
    for shown in [format!("{config:?}"), format!("{config:#?}")] {
        assert!(
            !shown.contains("s3cret") && !shown.contains("t0ken"),
            "{shown}"
        );
        // The rest is shown: the names, the endpoint, the resource.
        assert!(
            shown.contains("authorization") && shown.contains("x-b"),
            "{shown}"
        );
        assert!(shown.contains("http://collector:4318/v1/traces"), "{shown}");
        assert!(shown.contains("telemetry.sdk.name"), "{shown}");
    }
}

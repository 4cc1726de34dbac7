//! The timeout variables (`OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`,
//! `OTEL_BSP_EXPORT_TIMEOUT`) are of the spec's Timeout type: "Implementations
//! SHOULD interpret timeout zero values (i.e. `0` indicating 0 milliseconds)
//! as no limit", and the spec suggests the largest 32-bit number of
//! milliseconds as "a very long time". baton refused both: `0` and anything
//! past a day were configuration errors. Now `0` is `Duration::MAX` (no
//! deadline) and a long timeout is taken as written; a pipeline built so
//! still exports. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{BatchConfig, OtlpConfig};
use loopback_collector::{collector, lookup};

const TIMEOUTS: [&str; 3] = [
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
    "OTEL_BSP_EXPORT_TIMEOUT",
];

/// The timeout `variable=value` configures, or the error's text.
fn read(variable: &str, value: &str) -> Result<Duration, String> {
    let vars = [(variable, value)];
    if variable.starts_with("OTEL_BSP") {
        BatchConfig::from_lookup(lookup(&vars)).map(|c| c.export_timeout)
    } else {
        OtlpConfig::from_lookup(lookup(&vars)).map(|c| c.get_timeout())
    }
    .map_err(|e| {
        assert_eq!(e.variable(), variable);
        e.to_string()
    })
}

#[test]
fn zero_is_no_limit_and_long_timeouts_are_taken_as_written() {
    for variable in TIMEOUTS {
        assert_eq!(read(variable, "0"), Ok(Duration::MAX), "{variable}");
        assert_eq!(read(variable, " 0 "), Ok(Duration::MAX), "{variable}");
        assert_eq!(read(variable, "1"), Ok(Duration::from_millis(1)));
        assert_eq!(
            read(variable, "2147483647"),
            Ok(Duration::from_millis(2_147_483_647)),
            "{variable}: the spec's own 'very long time'"
        );
        // Every duration saturates: more milliseconds than a u64 holds
        // are the longest.
        for longest in [
            "18446744073709551615",
            "18446744073709551616",
            "1000000000000000000000000000000",
        ] {
            assert_eq!(read(variable, longest), Ok(Duration::from_millis(u64::MAX)));
        }
        for bad in ["-1", "1.5", "10s", "1e30"] {
            let err = read(variable, bad).unwrap_err();
            assert!(err.contains("0 for no limit"), "{variable}={bad}: {err}");
        }
    }
}

#[test]
fn a_pipeline_with_no_timeouts_still_exports() {
    let (endpoint, requests) = collector(1);
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
    ];
    let pipeline = baton::init(baton::Config::from_lookup(lookup(&vars)).unwrap()).unwrap();
    baton::in_span("unbounded", || {});
    pipeline.shutdown(Duration::from_secs(20)).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(request.request_line, "POST /v1/traces HTTP/1.1");
    assert!(request.body.windows(9).any(|w| w == b"unbounded"));
}

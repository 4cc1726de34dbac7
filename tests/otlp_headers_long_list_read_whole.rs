//! A long `OTEL_EXPORTER_OTLP_HEADERS` or
//! `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (Linux lets one variable hold
//! 128 KiB: some 16,000 short headers) is read whole, each header in its
//! order, and the first problem far down the list is the error: a name
//! repeated (in any case), the endpoint's user information sent already,
//! a reserved name. Found: each name was looked for among all the headers
//! before it, twice, so 4,000 headers took 41 ms, 8,000 162 ms and 16,000
//! 521 ms (release build): time growing with the square of the list.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use baton::export::{ConfigError, OtlpConfig};
use loopback_collector::lookup;

const HEADERS: usize = 16_000;
const VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
];

/// `h0=v0,…` for `HEADERS` names, then `tail`.
fn list(tail: &[&str]) -> String {
    let mut list: Vec<String> = (0..HEADERS).map(|i| format!("h{i}=v{i}")).collect();
    list.extend(tail.iter().map(|t| t.to_string()));
    list.join(",")
}

fn read(vars: &[(&str, &str)]) -> Result<OtlpConfig, ConfigError> {
    OtlpConfig::from_lookup(lookup(vars))
}

#[test]
fn every_header_of_a_long_list_is_kept_in_order() {
    let expected: Vec<(String, String)> = (0..HEADERS)
        .map(|i| (format!("h{i}"), format!("v{i}")))
        .collect();
    for variable in VARIABLES {
        let config = read(&[(variable, &list(&[]))]).unwrap();
        assert_eq!(config.headers(), expected, "{variable}");
    }
}

#[test]
fn the_first_problem_far_down_a_long_list_is_the_error() {
    for variable in VARIABLES {
        for (tail, named, why) in [
            (&["H7=again", "h9=again"][..], "H7", "set twice"),
            (&["Host=x", "h9=again"], "Host", "sets this header itself"),
            (&["h9=again", "Host=x"], "h9", "set twice"),
        ] {
            let err = read(&[(variable, &list(tail))]).unwrap_err();
            assert_eq!(err.variable(), variable);
            assert_eq!(err.value(), named, "{variable} {tail:?}");
            assert!(err.to_string().contains(why), "{err}");
        }
    }
    let vars = [
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://user:pw@collector:4318",
        ),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            &list(&["AUTHORIZATION=Basic x"]),
        ),
    ];
    let err = read(&vars).unwrap_err();
    assert_eq!(err.value(), "AUTHORIZATION");
    assert!(err.to_string().contains("user information"), "{err}");
}

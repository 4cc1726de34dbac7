//! `Config::from_env` read a variable whose value is not Unicode as unset,
//! saying nothing: a setting lost silently. Then it reported it, but left
//! it out of `Config::ignored()`, and `from_env_strict` did not fail on it.
//! Now it is ignored like any invalid value: read as unset, reported once
//! as `invalid-config` naming the variable (not the value, which may be a
//! secret), kept in `ignored()`, and the error of `from_env_strict`; an
//! endpoint not Unicode takes its headers along, as an invalid one does.
//! Runs `from_env` in child processes with such variables.

#![cfg(unix)]

#[path = "common/child_process.rs"]
mod child_process;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use child_process::run_alone;

/// Run by the test below in a child process whose `OTEL_TRACES_SAMPLER`
/// is not Unicode.
#[test]
#[ignore = "run in a child process by a_value_that_is_not_unicode_is_ignored_and_reported_once"]
fn child_reading_a_sampler_that_is_not_unicode() {
    if std::env::var_os("OTEL_TRACES_SAMPLER").is_none() {
        return;
    }
    let strict = baton::Config::from_env_strict().err().unwrap();
    assert_eq!(
        (strict.variable(), strict.value()),
        ("OTEL_TRACES_SAMPLER", "")
    );
    assert_eq!(
        baton::diagnostic_count(baton::DiagnosticKind::InvalidConfig),
        0
    );
    let config = baton::Config::from_env().unwrap();
    // Read as unset: the default sampler.
    assert_eq!(config.ignored(), [strict]);
    assert!(format!("{config:?}").contains("sampler: \"ParentBased{root:AlwaysOnSampler"));
    assert_eq!(
        baton::diagnostic_count(baton::DiagnosticKind::InvalidConfig),
        1
    );
}

#[test]
fn a_value_that_is_not_unicode_is_ignored_and_reported_once() {
    let stderr = run_alone(
        "child_reading_a_sampler_that_is_not_unicode",
        &[
            ("OTEL_TRACES_SAMPLER", OsStr::from_bytes(b"always_\xffoff")),
            ("OTEL_TRACES_EXPORTER", OsStr::new("none")),
        ],
    );
    assert_eq!(
        stderr.matches("baton: invalid-config: ").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "invalid OTEL_TRACES_SAMPLER=\"\": the value is not valid Unicode (not quoted: it \
             may be a secret); ignored"
        ),
        "{stderr}"
    );
}

/// Run by the test below in a child process whose
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is not Unicode.
#[test]
#[ignore = "run in a child process by an_endpoint_not_unicode_takes_its_headers_along"]
fn child_reading_an_endpoint_that_is_not_unicode() {
    if std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_none() {
        return;
    }
    let config = baton::Config::from_env().unwrap();
    let named: Vec<(&str, &str)> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    assert_eq!(
        named,
        [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
            ("OTEL_EXPORTER_OTLP_HEADERS", "api-key"),
        ]
    );
    let shown = format!("{config:?}");
    assert!(
        shown.contains("endpoint: \"http://localhost:4318/v1/traces\", headers: []"),
        "{shown}"
    );
    assert_eq!(
        baton::diagnostic_count(baton::DiagnosticKind::InvalidConfig),
        2
    );
}

#[test]
fn an_endpoint_not_unicode_takes_its_headers_along() {
    let stderr = run_alone(
        "child_reading_an_endpoint_that_is_not_unicode",
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                OsStr::from_bytes(b"http://coll\xffector:4318"),
            ),
            ("OTEL_EXPORTER_OTLP_HEADERS", OsStr::new("api-key=s3cret")),
        ],
    );
    assert!(
        stderr.contains("invalid OTEL_EXPORTER_OTLP_ENDPOINT=\"\""),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

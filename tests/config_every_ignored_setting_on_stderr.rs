//! Without a diagnostic handler, every `OTEL_*` setting `Config::from_env`
//! ignores is written to stderr. Found: stderr took one line per kind every
//! `STDERR_INTERVAL_SECS`, so a service with three bad variables showed
//! the first and hid the other two. Runs `from_env` in a child process.

#[path = "common/child_process.rs"]
mod child_process;

use child_process::run_alone;

/// Run by the test below in a child process with three invalid settings.
#[test]
#[ignore = "run in a child process by every_ignored_setting_is_written_to_stderr"]
fn child_reading_three_invalid_settings() {
    if std::env::var_os("OTEL_TRACES_SAMPLER").is_none() {
        return;
    }
    let config = baton::Config::from_env().unwrap();
    assert_eq!(config.ignored().len(), 3);
}

#[test]
fn every_ignored_setting_is_written_to_stderr() {
    let stderr = run_alone(
        "child_reading_three_invalid_settings",
        &[
            ("OTEL_TRACES_SAMPLER", "sometimes"),
            ("OTEL_BSP_SCHEDULE_DELAY", "-1"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ],
    );
    for variable in [
        "OTEL_TRACES_SAMPLER=\"sometimes\"",
        "OTEL_BSP_SCHEDULE_DELAY=\"-1\"",
        "OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\"",
    ] {
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with("baton: invalid-config: ") && l.contains(variable))
                .count(),
            1,
            "{variable}: {stderr}"
        );
    }
}

//! Without a diagnostic handler, every `OTEL_*` setting `Config::from_env`
//! ignores is written to stderr. Found: stderr took one line per kind every
//! `STDERR_INTERVAL_SECS`, so a service with three bad variables showed
//! the first and hid the other two. Runs `from_env` in a child process.

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
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_reading_three_invalid_settings",
            "--ignored",
        ])
        .env_clear()
        .env("OTEL_TRACES_SAMPLER", "sometimes")
        .env("OTEL_BSP_SCHEDULE_DELAY", "-1")
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
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

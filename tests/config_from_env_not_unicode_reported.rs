//! `Config::from_env` read a variable whose value is not Unicode as unset,
//! saying nothing: a setting lost silently. It is still ignored (no reader
//! can take it), and now reported once as `invalid-config`, naming the
//! variable. Runs `from_env` in a child process with such a variable.

#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// Run by the test below in a child process whose `OTEL_TRACES_SAMPLER`
/// is not Unicode.
#[test]
#[ignore = "run in a child process by a_value_that_is_not_unicode_is_reported_once"]
fn child_reading_a_sampler_that_is_not_unicode() {
    if std::env::var_os("OTEL_TRACES_SAMPLER").is_none() {
        return;
    }
    let config = baton::Config::from_env().unwrap();
    // Read as unset: the default sampler, and a lookup closure's view.
    assert!(config.ignored().is_empty());
    assert!(format!("{config:?}").contains("sampler: \"ParentBased{root:AlwaysOnSampler"));
    assert_eq!(
        baton::diagnostic_count(baton::DiagnosticKind::InvalidConfig),
        1
    );
}

#[test]
fn a_value_that_is_not_unicode_is_reported_once() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_reading_a_sampler_that_is_not_unicode",
            "--ignored",
        ])
        .env_clear()
        .env("OTEL_TRACES_SAMPLER", OsStr::from_bytes(b"always_\xffoff"))
        .env("OTEL_TRACES_EXPORTER", "none")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("baton: invalid-config: ").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("OTEL_TRACES_SAMPLER is not valid Unicode; ignored"),
        "{stderr}"
    );
}

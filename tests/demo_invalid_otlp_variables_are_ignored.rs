//! `baton demo` reads the OTLP variables as `Config::from_env` does: an
//! invalid one is reported (`invalid-config`) and ignored, as if unset, and
//! the demo runs on, the processes it starts without it (so without the
//! same warning again). Found: an invalid `OTEL_EXPORTER_OTLP_*` value was
//! a usage error (exit 2) that ran nothing. A bad `--endpoint`, typed on the
//! command line, stays a usage error.

use std::net::TcpListener;
use std::process::{Command, Output};

fn demo(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .arg("demo")
        .args(args)
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_PROPAGATORS")
        .env_remove("BATON_SESSION_HEADER");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the baton binary runs")
}

/// A base URL nobody listens on (see
/// demo_otlp_without_collector_prints_the_tree.rs).
fn unused_endpoint() -> String {
    let unused = TcpListener::bind("127.0.0.2:0")
        .or_else(|_| TcpListener::bind("127.0.0.1:0"))
        .unwrap()
        .local_addr()
        .unwrap();
    format!("http://{unused}")
}

/// Checks that the demo ran, printed the whole tree and failed only to
/// export to `url`, where no collector is; returns its `invalid-config`
/// warnings.
fn warnings_of_a_run_exporting_to(out: &Output, url: &str) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.contains(": 15 spans in 4 services,"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("export to {url} failed")),
        "{stderr}"
    );
    stderr
        .lines()
        .filter(|l| l.starts_with("baton: invalid-config: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn invalid_otlp_variables_are_reported_once_and_ignored() {
    let endpoint = unused_endpoint();
    let out = demo(
        &["--export", "otlp", "--endpoint", &endpoint],
        &[
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
        ],
    );
    // It ran: the whole tree is printed; only the export to a collector
    // that is not there fails.
    let warnings = warnings_of_a_run_exporting_to(&out, &format!("{endpoint}/v1/traces"));
    assert_eq!(warnings.len(), 2, "one per variable: {warnings:?}");
    assert_eq!(
        warnings[0],
        "baton: invalid-config: invalid OTEL_EXPORTER_OTLP_COMPRESSION=\"zstd\": expected \
         none or gzip; ignored"
    );
    assert!(
        warnings[1].contains("OTEL_EXPORTER_OTLP_TIMEOUT"),
        "{warnings:?}"
    );
}

#[test]
fn valid_variables_warn_of_nothing() {
    let out = demo(
        &["--export", "otlp", "--endpoint", &unused_endpoint()],
        &[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("invalid-config"), "{stderr}");
}

#[test]
fn a_bad_endpoint_flag_is_still_a_usage_error() {
    let out = demo(
        &["--export", "otlp", "--endpoint", "ftp://nowhere"],
        &[("OTEL_EXPORTER_OTLP_TIMEOUT", "soon")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("baton: --endpoint \"ftp://nowhere\": "),
        "{stderr}"
    );
    assert!(!stderr.contains("invalid-config"), "{stderr}");
}

#[test]
fn an_endpoint_fragment_is_ignored_alone_and_reported_once() {
    // Only the fragment is ignored: the spans go to the host, port and
    // path before it (not to the default endpoint, as when the whole
    // variable was ignored), from every process, which the client starts
    // with the part it kept, so without the same warning again.
    let endpoint = unused_endpoint();
    let out = demo(
        &["--export", "otlp"],
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", &format!("{endpoint}/p#top"))],
    );
    let warnings = warnings_of_a_run_exporting_to(&out, &format!("{endpoint}/p/v1/traces"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("localhost:4318"), "{stderr}");
    assert_eq!(
        warnings,
        [
            "baton: invalid-config: invalid OTEL_EXPORTER_OTLP_ENDPOINT=\"#top\": a fragment \
          (#...) is never sent to the server: remove it; ignored"
        ]
    );
}

/// A value that is not Unicode is reported as `Config::from_env` reports
/// it (the value not quoted), and ignored. Set, the endpoint variable still
/// asks for a collector: the default one. Found: the demo read the
/// environment as `String`s, so such a value was dropped without a word and
/// the demo ran `--export none`.
#[cfg(unix)]
#[test]
fn a_value_that_is_not_unicode_is_reported_and_ignored() {
    use std::os::unix::ffi::OsStringExt;
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .arg("demo")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_PROPAGATORS")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            std::ffi::OsString::from_vec(b"http://127.0.0.1:9/\xff".to_vec()),
        )
        .output()
        .expect("the baton binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(": 15 spans in 4 services,"),
        "{stdout}\n{stderr}"
    );
    let warnings: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("baton: invalid-config: "))
        .collect();
    assert_eq!(
        warnings,
        [
            "baton: invalid-config: invalid OTEL_EXPORTER_OTLP_ENDPOINT=\"\": the value is not \
          valid Unicode (not quoted: it may be a secret); ignored"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("http://localhost:4318/v1/traces"),
        "the default collector: {stderr}"
    );
}

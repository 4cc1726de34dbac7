//! A bad `BATON_SESSION_HEADER`, read for the `session` entry of
//! `OTEL_PROPAGATORS`, is reported once per process, as the list's own
//! problems are, whether `Config::from_env` or the global propagator reads
//! it first. Found: each reader reported it, so it was counted twice and
//! printed twice (once as "invalid BATON_SESSION_HEADER", once as
//! "BATON_SESSION_HEADER: ...; using baton-session-id"). Runs each order in
//! a child process with the variables set.

use std::process::Command;

use baton::propagation::Propagator;
use baton::DiagnosticKind;

/// Selects the order in the child.
const ORDER: &str = "BATON_TEST_ORDER";

/// The child: reads the configuration and the global propagator in the
/// order `ORDER` says.
#[test]
fn child_reading_the_session_header_twice() {
    let Ok(order) = std::env::var(ORDER) else {
        return;
    };
    let global = || baton::propagation::global_propagator().fields().to_vec();
    if order == "global-first" {
        global();
    }
    let config = baton::Config::from_env().unwrap();
    let named: Vec<&str> = config.ignored().iter().map(|e| e.variable()).collect();
    assert_eq!(named, ["BATON_SESSION_HEADER"]);
    // The default header is used.
    assert_eq!(global(), ["traceparent", "tracestate", "baton-session-id"]);
    assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidConfig), 1);
}

#[test]
fn a_bad_session_header_is_reported_once_in_either_order() {
    if std::env::var_os(ORDER).is_some() {
        return;
    }
    for order in ["config-first", "global-first"] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_reading_the_session_header_twice"])
            .env_clear()
            .env(ORDER, order)
            .env("OTEL_PROPAGATORS", "tracecontext,session")
            .env("BATON_SESSION_HEADER", "traceparent")
            .env("OTEL_TRACES_EXPORTER", "none")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{order}: {stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{order}: {stdout}");
        assert_eq!(
            stderr.matches("BATON_SESSION_HEADER").count(),
            1,
            "{order}: {stderr}"
        );
    }
}

//! A bad `BATON_SESSION_HEADER`, read for the `session` entry of
//! `OTEL_PROPAGATORS`, is reported once per process, as the list's own
//! problems are, whether `Config::from_env` or the global propagator reads
//! it first. Found: each reader reported it, so it was counted twice and
//! printed twice (once as "invalid BATON_SESSION_HEADER", once as
//! "BATON_SESSION_HEADER: ...; using baton-session-id"). Runs each order in
//! a child process with the variables set.

use baton::propagation::Propagator;
use baton::DiagnosticKind;
use child_process::run_alone;

#[path = "common/child_process.rs"]
mod child_process;

/// Selects the order in the child.
const ORDER: &str = "BATON_TEST_ORDER";

/// The child: reads the configuration and the global propagator in the
/// order `ORDER` says.
#[test]
#[ignore = "run in a child process by a_bad_session_header_is_reported_once_in_either_order"]
fn child_reading_the_session_header_twice() {
    let order = std::env::var(ORDER).unwrap();
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
    for order in ["config-first", "global-first"] {
        let stderr = run_alone(
            "child_reading_the_session_header_twice",
            &[
                (ORDER, order),
                ("OTEL_PROPAGATORS", "tracecontext,session"),
                ("BATON_SESSION_HEADER", "traceparent"),
                ("OTEL_TRACES_EXPORTER", "none"),
            ],
        );
        assert_eq!(
            stderr.matches("BATON_SESSION_HEADER").count(),
            1,
            "{order}: {stderr}"
        );
    }
}

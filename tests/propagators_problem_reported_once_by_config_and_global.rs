//! A service calling `Config::from_env` and later using the global
//! propagator had a bad `OTEL_PROPAGATORS` reported twice, once by each
//! reader of the same value. Now whichever reads it first reports it, once
//! per process; `Config::ignored()` still lists it either way. Runs each
//! order in a child process with the variable set.

#![cfg(unix)]

#[path = "common/child_process.rs"]
mod child_process;

use baton::propagation::Propagator;
use baton::DiagnosticKind;
use child_process::run_alone;

/// Run by the test below in a child process, with `BATON_TEST_ORDER`
/// saying which reader goes first.
#[test]
#[ignore = "run in a child process by a_bad_propagator_list_is_reported_once_in_either_order"]
fn child_reading_the_propagators_twice() {
    let Ok(order) = std::env::var("BATON_TEST_ORDER") else {
        return;
    };
    let global = || baton::propagation::global_propagator().fields().to_vec();
    let before = if order == "global-first" {
        global()
    } else {
        Vec::new()
    };
    let config = baton::Config::from_env().unwrap();
    let named: Vec<(&str, &str)> = config
        .ignored()
        .iter()
        .map(|e| (e.variable(), e.value()))
        .collect();
    assert_eq!(named, [("OTEL_PROPAGATORS", "xray")]);
    let after = global();
    assert_eq!(
        after,
        ["x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "x-b3-flags"]
    );
    assert!(before.is_empty() || before == after);
    assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidConfig), 1);
}

#[test]
fn a_bad_propagator_list_is_reported_once_in_either_order() {
    for order in ["config-first", "global-first"] {
        let stderr = run_alone(
            "child_reading_the_propagators_twice",
            &[
                ("BATON_TEST_ORDER", order),
                ("OTEL_PROPAGATORS", "b3multi,xray"),
                ("OTEL_TRACES_EXPORTER", "none"),
            ],
        );
        assert_eq!(stderr.matches("xray").count(), 1, "{order}: {stderr}");
    }
}

//! An option given twice, or `--endpoint` beside an `--export` that sends
//! nowhere, is a usage error: a value typed must not be dropped without a
//! word. Found: `baton demo --propagator b3 --propagator jaeger` and
//! `explain --receiver-propagators b3 --receiver-propagators tracecontext`
//! took the last value, and `baton demo --export none --endpoint URL` (or
//! `--export console`) ran, exit 0, the endpoint ignored, though the help
//! says `--endpoint` implies `--export otlp`. (`convert` refused `--to`
//! twice already.)

mod common;

use common::cli::baton;

/// `baton ARGS` is a usage error (exit 2) saying `problem`, and runs
/// nothing: no explanation or tree on stdout.
fn refused(args: &[&str], problem: &str) {
    let out = baton(args, "");
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!("baton: {problem}\n")),
        "{args:?}: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "{args:?}");
}

#[test]
fn demo_propagator_twice() {
    refused(
        &["demo", "--propagator", "b3", "--propagator=jaeger"],
        "demo: --propagator given twice",
    );
    refused(
        &["demo", "--export", "none", "--export", "console"],
        "demo: --export given twice",
    );
}

#[test]
fn explain_receiver_propagators_twice() {
    refused(
        &[
            "explain",
            "--receiver-propagators",
            "b3",
            "--receiver-propagators",
            "tracecontext",
        ],
        "explain: --receiver-propagators given twice",
    );
    refused(
        &[
            "explain",
            "--sender-propagators=b3",
            "--sender-propagators=b3",
        ],
        "explain: --sender-propagators given twice",
    );
}

#[test]
fn demo_endpoint_with_an_export_that_sends_nowhere() {
    for export in ["none", "console", "jsonl"] {
        refused(
            &["demo", "--export", export, "--endpoint", "http://127.0.0.1:1"],
            &format!(
                "demo: --endpoint \"http://127.0.0.1:1\" is for --export otlp, not --export {export}"
            ),
        );
    }
}

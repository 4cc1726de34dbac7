//! `exception` events carry `exception.stacktrace` (an OpenTelemetry
//! semantic attribute for exceptions) when Rust is asked for stack traces
//! (`RUST_LIB_BACKTRACE` or `RUST_BACKTRACE`, as
//! `std::backtrace::Backtrace::capture` reads them), and not otherwise.
//! Found: neither `record_error` nor a panic through a span recorded one.
//!
//! The environment is read once per process, so each case runs this file's
//! ignored `child` test in a process of its own with the variables set.
//! Installs the global pipeline (in the child).

use std::process::Command;

use baton::{InMemoryExporter, KeyValue, Value};

/// Where the panic happens, found by name in its stack trace.
#[inline(never)]
fn panics_in_a_function_with_a_findable_name() {
    panic!("boom");
}

/// Where the error is recorded, found by name in its stack trace.
#[inline(never)]
fn records_in_a_function_with_a_findable_name(span: &baton::Span) {
    span.record_error(&"x".parse::<i32>().unwrap_err());
}

fn stacktrace(attributes: &[KeyValue]) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == "exception.stacktrace")
        .map(|kv| match &kv.value {
            Value::String(s) => s.to_string(),
            other => panic!("exception.stacktrace is not a string: {other:?}"),
        })
}

#[test]
#[ignore = "run by the tests below, in a process with its own environment"]
fn child() {
    let expected = std::env::var("BATON_EXPECT_STACKTRACE").unwrap() == "1";
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let errored = baton::span("errored").start();
    records_in_a_function_with_a_findable_name(&errored);
    drop(errored);
    let _ = std::panic::catch_unwind(|| {
        let _g = baton::span("panicked").enter();
        panics_in_a_function_with_a_findable_name();
    });

    let finished = spans.take();
    let traces: Vec<(String, Option<String>)> = finished
        .iter()
        .map(|s| (s.name.to_string(), stacktrace(&s.events[0].attributes)))
        .collect();
    let [(errored, on_error), (panicked, on_panic)] = &traces[..] else {
        panic!("{traces:?}")
    };
    assert_eq!(
        (errored.as_str(), panicked.as_str()),
        ("errored", "panicked")
    );
    if expected {
        let on_error = on_error.as_deref().expect("a stack trace for record_error");
        assert!(
            on_error.contains("records_in_a_function_with_a_findable_name"),
            "{on_error}"
        );
        let on_panic = on_panic.as_deref().expect("a stack trace for the panic");
        assert!(
            on_panic.contains("panics_in_a_function_with_a_findable_name"),
            "{on_panic}"
        );
    } else {
        assert_eq!((on_error, on_panic), (&None, &None));
    }
}

fn run_child(vars: &[(&str, &str)], expect: &str) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child", "--ignored", "--nocapture"])
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("BATON_EXPECT_STACKTRACE", expect);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{vars:?}:\n{stdout}\n{stderr}"
    );
}

#[test]
fn a_stack_trace_is_recorded_when_rust_is_asked_for_one() {
    run_child(&[("RUST_LIB_BACKTRACE", "1")], "1");
    run_child(&[("RUST_BACKTRACE", "1")], "1");
}

#[test]
fn no_stack_trace_is_taken_otherwise() {
    run_child(&[], "0");
    run_child(&[("RUST_BACKTRACE", "1"), ("RUST_LIB_BACKTRACE", "0")], "0");
}

//! `baton decode` names every disagreement among its lines, each once, in
//! a stable order (the kinds in the order `decode` checks them, each in
//! line order), and exits 1. Found: it named the first only, so a second
//! showed only after the first was fixed.

mod common;

use common::cli::{baton, Output};

const A: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const B: &str = "80f198ee56343ba864fe8b2a57d3eff7";

fn disagreements(out: &Output) -> Vec<&str> {
    out.stdout
        .lines()
        .filter(|l| l.contains("disagree") || l.starts_with("line"))
        .collect()
}

#[test]
fn another_trace_another_parent_and_a_baggage_key_are_all_named() {
    let lines = [
        format!("traceparent: 00-{A}-00f067aa0ba902b7-01"),
        format!("b3: {B}-e457b5a2e4d86bd1-1"),
        format!("uber-trace-id: {A}:1111111111111111:0:01"),
        "baggage: k=1".to_owned(),
        "uberctx-k: 2".to_owned(),
        format!("uber-trace-id: {A}:2222222222222222:0:01"),
    ];
    let args: Vec<&str> = ["decode"]
        .into_iter()
        .chain(lines.iter().map(String::as_str))
        .collect();
    let out = baton(&args, "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        disagreements(&out),
        [
            format!(
                "lines 1 and 2 disagree: traceparent carries trace id {A}, b3 carries {B}; \
                 extraction keeps the first"
            )
            .as_str(),
            &format!(
                "lines 1 and 3 disagree: traceparent carries parent span id 00f067aa0ba902b7, \
                 uber-trace-id carries 1111111111111111 of the same trace {A}; extraction keeps \
                 the first"
            ),
            &format!(
                "lines 1 and 6 disagree: traceparent carries parent span id 00f067aa0ba902b7, \
                 uber-trace-id carries 2222222222222222 of the same trace {A}; extraction keeps \
                 the first"
            ),
            &format!(
                "lines 3 and 6 disagree: two uber-trace-id lines, \"{A}:1111111111111111:0:01\" \
                 and \"{A}:2222222222222222:0:01\"; a request carries one, and extraction reads \
                 the first and ignores the other"
            ),
            "lines 4 and 5 disagree: baggage key k repeated with two values, \"1\" and \"2\"; \
             a key carries one value, and extraction keeps one and loses the other",
        ]
    );
    // The same again: the order is the input's, not a map's.
    assert_eq!(baton(&args, "").stdout, out.stdout);
}

#[test]
fn two_lines_are_named_once_whatever_else_they_disagree_on() {
    // Two uber-trace-id lines of two traces: one disagreement, not a
    // second for the repeated header.
    let out = baton(
        &[
            "decode",
            &format!("uber-trace-id: {A}:1111111111111111:0:01"),
            &format!("uber-trace-id: {B}:1111111111111111:0:01"),
        ],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        disagreements(&out),
        [format!(
            "lines 1 and 2 disagree: uber-trace-id carries trace id {A}, uber-trace-id \
             carries {B}; extraction keeps the first"
        )]
    );
    // A repeated X-B3-TraceId after X-B3-SpanId: the B3 lines say their
    // trace on their X-B3-TraceId line, so this is one pair too.
    let out = baton(
        &[
            "decode",
            "X-B3-SpanId: 00f067aa0ba902b7",
            &format!("X-B3-TraceId: {A}"),
            &format!("X-B3-TraceId: {B}"),
        ],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        disagreements(&out),
        [format!(
            "lines 2 and 3 disagree: X-B3-* carries trace id {A}, X-B3-* carries {B}; \
             extraction keeps the first"
        )]
    );
    // Two traceparent lines are ignored both: no parent for a b3 line of
    // another trace to disagree with.
    let out = baton(
        &[
            "decode",
            &format!("traceparent: 00-{A}-00f067aa0ba902b7-01"),
            &format!("traceparent: 00-{A}-00f067aa0ba902b7-00"),
            &format!("b3: {B}-e457b5a2e4d86bd1-1"),
        ],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        disagreements(&out),
        [
            "lines 1 and 2: two traceparent lines; a request carries one, so extraction \
          ignores both"
        ]
    );
    // Two session header lines: one, not a second for the baggage key
    // `session.id` they give two values.
    let out = baton(
        &["decode", "baton-session-id: s1", "baton-session-id: s2"],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        disagreements(&out),
        [
            "lines 1 and 2: two baton-session-id lines; a request carries one, so extraction \
          ignores both"
        ]
    );
}

#[test]
fn two_baggage_keys_of_the_same_two_lines_are_two() {
    let out = baton(
        &["decode", "baggage: a=1,b=1", "uberctx-a: 2", "uberctx-b: 2"],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(disagreements(&out).len(), 2, "{}", out.stdout);
}

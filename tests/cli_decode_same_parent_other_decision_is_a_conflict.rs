//! `baton decode` and `convert` name lines of one trace and one parent that
//! carry opposite sampling decisions, as a composite extract reports them
//! (`Problem::SpanConflict`). Found: only other trace ids and other parent
//! span ids were named; `traceparent` sampled and `b3` denied of the same
//! parent decoded with exit 0, and `convert` silently kept the first.

mod common;

use common::cli::baton;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

#[test]
fn decode_names_two_decisions_of_one_parent() {
    let input = format!("traceparent: 00-{TRACE}-{SPAN}-01\nb3: {TRACE}-{SPAN}-0\n");
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stdout.lines().last(),
        Some(
            format!(
                "lines 1 and 2 disagree: traceparent says sampled, b3 says not sampled, of the \
                 same parent span {SPAN} of trace {TRACE}; extraction keeps the first"
            )
            .as_str()
        )
    );
}

#[test]
fn the_x_b3_lines_and_jaeger_are_named_too() {
    // Jaeger flags 0: not sampled; X-B3-Sampled: 1.
    let input = format!(
        "X-B3-TraceId: {TRACE}\nX-B3-SpanId: {SPAN}\nX-B3-Sampled: 1\n\
         uber-trace-id: {TRACE}:{SPAN}:0:0\n"
    );
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let last = out.stdout.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!(
            "lines 1 and 4 disagree: X-B3-* says sampled, uber-trace-id says not sampled, of \
             the same parent span {SPAN} of trace {TRACE}; extraction keeps the first"
        )
    );
}

#[test]
fn convert_refuses_to_pick_a_decision() {
    let input = format!("traceparent: 00-{TRACE}-{SPAN}-00\nb3: {TRACE}-{SPAN}-d\n");
    let out = baton(&["convert", "--to", "b3"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.is_empty(), "nothing converted: {}", out.stdout);
    assert!(
        out.stderr
            .contains("traceparent says not sampled, b3 says sampled"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_deferred_decision_disagrees_with_none() {
    // B3 without a sampling field leaves the decision to the receiver.
    let input = format!(
        "traceparent: 00-{TRACE}-{SPAN}-00\nb3: {TRACE}-{SPAN}\n\
         X-B3-TraceId: {TRACE}\nX-B3-SpanId: {SPAN}\n"
    );
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let out = baton(&["convert", "--to", "b3"], &input);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

//! `baton decode` and `convert` name lines of one trace that carry
//! different parent span ids, as a composite extract now reports them
//! (`Problem::SpanConflict`). Found: only different trace ids were named;
//! `traceparent` and `b3` of the same trace from two parents decoded with
//! exit 0, and `convert` silently kept the first parent.

mod common;

use common::cli::baton;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";
const OTHER_SPAN: &str = "e457b5a2e4d86bd1";

fn traceparent(span: &str) -> String {
    format!("traceparent: 00-{TRACE}-{span}-01")
}

#[test]
fn decode_names_two_parents_of_one_trace() {
    let input = format!("{}\nb3: {TRACE}-{OTHER_SPAN}-1\n", traceparent(SPAN));
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stdout.lines().last(),
        Some(
            format!(
                "lines 1 and 2 disagree: traceparent carries parent span id {SPAN}, b3 carries \
                 {OTHER_SPAN} of the same trace {TRACE}; extraction keeps the first"
            )
            .as_str()
        )
    );
}

#[test]
fn the_x_b3_lines_and_jaeger_are_named_too() {
    let input = format!(
        "X-B3-TraceId: {TRACE}\nX-B3-SpanId: {SPAN}\nuber-trace-id: {TRACE}:{OTHER_SPAN}:0:1\n"
    );
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("lines 1 and 3 disagree: X-B3-* carries parent span id"),
        "{last}"
    );
}

#[test]
fn convert_refuses_to_pick_a_parent() {
    let input = format!("{}\nb3: {TRACE}-{OTHER_SPAN}-1\n", traceparent(SPAN));
    let out = baton(&["convert", "--to", "b3"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.is_empty(), "nothing converted: {}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("parent span id {SPAN}, b3 carries {OTHER_SPAN}")),
        "{}",
        out.stderr
    );
}

#[test]
fn one_parent_in_every_format_is_one_context() {
    let input = format!(
        "{}\nb3: {TRACE}-{SPAN}-1\nuber-trace-id: {TRACE}:{SPAN}:0:1\n\
         X-B3-TraceId: {TRACE}\nX-B3-SpanId: {SPAN}\n",
        traceparent(SPAN)
    );
    let out = baton(&["decode"], &input);
    assert_eq!(out.code, 0, "{}", out.stdout);
}

//! A `b3` or `uber-trace-id` header given twice with two values is a
//! conflict, as a repeated `X-B3-*` header is: extraction reads the first
//! (and reports the repeat), and the other would be lost without a word.
//! Found: two `b3` lines of one parent, `-1` and `-d`, decoded as valid
//! (exit 0), and `convert` dropped the debug flag; so did two
//! `uber-trace-id` lines differing in their flags. Lines with other trace
//! ids or parents were caught already, as such.

mod common;

use common::cli::baton;

const TRACE_AND_SPAN: &str = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";
const JAEGER: &str = "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0";

fn assert_conflict(lines: [String; 2], named: &str) {
    let decoded = baton(&["decode", &lines[0], &lines[1]], "");
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    let conflict = format!("lines 1 and 2 disagree: two {named} lines");
    assert!(decoded.stdout.contains(&conflict), "{}", decoded.stdout);
    for target in ["b3", "jaeger", "tracecontext"] {
        let converted = baton(&["convert", "--to", target, &lines[0], &lines[1]], "");
        assert_eq!(converted.code, 1, "{target}: {}", converted.stderr);
        assert!(converted.stderr.contains(&conflict), "{}", converted.stderr);
        assert_eq!(converted.stdout, "");
    }
}

#[test]
fn b3_lines_differing_in_the_debug_flag_or_a_decision() {
    for (first, second) in [("1", "d"), ("1", "d-e457b5a2e4d86bd1"), ("0", "")] {
        let line = |state: &str| match state {
            "" => format!("b3: {TRACE_AND_SPAN}"),
            state => format!("b3: {TRACE_AND_SPAN}-{state}"),
        };
        assert_conflict([line(first), line(second)], "b3");
    }
    // Names in another case are one header.
    assert_conflict(
        [
            format!("b3: {TRACE_AND_SPAN}-1"),
            format!("B3: {TRACE_AND_SPAN}-d"),
        ],
        "b3",
    );
}

#[test]
fn uber_trace_id_lines_differing_in_their_flags() {
    assert_conflict(
        [
            format!("uber-trace-id: {JAEGER}:1"),
            format!("uber-trace-id: {JAEGER}:3"),
        ],
        "uber-trace-id",
    );
}

#[test]
fn the_same_value_twice_loses_nothing() {
    let line = format!("b3: {TRACE_AND_SPAN}-d");
    let decoded = baton(&["decode", &line, &format!("b3:  {TRACE_AND_SPAN}-d ")], "");
    assert_eq!(decoded.code, 0, "{}", decoded.stdout);
    let line = format!("uber-trace-id: {JAEGER}:3");
    assert_eq!(baton(&["decode", &line, &line], "").code, 0);
}

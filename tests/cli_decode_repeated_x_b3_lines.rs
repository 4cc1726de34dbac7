//! `baton decode` reads a repeated `X-B3-*` line as extraction does ("the
//! first value wins") and says so, instead of folding it into the context
//! above. Found: a second `X-B3-TraceId: garbage` decoded as "context with
//! the X-B3 lines above" (exit 0), where a second `b3: garbage` or
//! `uber-trace-id: garbage` is that line's error; a second `X-B3-Sampled`
//! of another value was shown as part of the context though extraction
//! ignores it; and a second `X-B3-TraceId` of another trace id was not
//! named as lines that disagree, as two `b3` lines of different trace ids
//! are, so `convert` silently kept the first.

mod common;

use common::cli::baton;

const TRACE: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const OTHER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "e457b5a2e4d86bd1";

fn decode(lines: &[String]) -> (i32, String) {
    let args: Vec<&str> = std::iter::once("decode")
        .chain(lines.iter().map(String::as_str))
        .collect();
    let out = baton(&args, "");
    (out.code, out.stdout)
}

#[test]
fn a_repeated_line_that_does_not_parse_is_its_own_error() {
    let (code, out) = decode(&[
        format!("x-b3-traceid: {TRACE}"),
        format!("x-b3-spanid: {SPAN}"),
        "X-B3-TraceId: garbage".into(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("line 3: B3 TraceId at byte 0 is not a lowercase hex digit"),
        "{out}"
    );
}

/// The ignored line is a conflict too (see
/// `cli_decode_repeated_x_b3_value_is_a_conflict.rs`).
#[test]
fn a_repeated_line_of_another_value_is_named_as_ignored() {
    let (code, out) = decode(&[
        format!("x-b3-traceid: {TRACE}"),
        format!("x-b3-spanid: {SPAN}"),
        "x-b3-sampled: 1".into(),
        "x-b3-sampled: 0".into(),
        "x-b3-sampled: 1".into(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("  sampling   accept\n"), "{out}");
    assert!(
        out.contains(
            "x-b3-sampled: 0\n  ignored    a repeated X-B3 header: extraction reads the first, on line 3\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("x-b3-sampled: 1\n  repeated   the same value as line 3\n"),
        "{out}"
    );
}

#[test]
fn repeated_trace_ids_that_differ_are_lines_that_disagree() {
    let lines = [
        format!("x-b3-traceid: {TRACE}"),
        format!("x-b3-spanid: {SPAN}"),
        format!("x-b3-traceid: {OTHER_TRACE}"),
    ];
    let (code, out) = decode(&lines);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "lines 1 and 3 disagree: X-B3-* carries trace id {TRACE}, X-B3-* carries {OTHER_TRACE}; extraction keeps the first"
        )),
        "{out}"
    );
    let args: Vec<&str> = ["convert", "--to", "tracecontext"]
        .into_iter()
        .chain(lines.iter().map(String::as_str))
        .collect();
    let converted = baton(&args, "");
    assert_eq!(converted.code, 1, "{}", converted.stdout);
    assert!(converted.stdout.is_empty());
}

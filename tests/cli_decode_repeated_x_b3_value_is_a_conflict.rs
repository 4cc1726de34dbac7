//! An `X-B3-*` header given twice with two values is a conflict, as two
//! `traceparent` lines are: extraction reads the first, and the other would
//! be lost without a word. Found: `baton convert --to b3` with
//! `X-B3-Sampled: 1` and `X-B3-Sampled: 0` exited 0, nothing on stderr,
//! and `decode` labelled the second `ignored` and exited 0.

mod common;

use common::cli::baton;

const IDS: [&str; 2] = [
    "X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736",
    "X-B3-SpanId: 00f067aa0ba902b7",
];

fn run(command: &[&str], more: &[&str]) -> common::cli::Output {
    let args: Vec<&str> = command.iter().chain(&IDS).chain(more).copied().collect();
    baton(&args, "")
}

/// Only the repeat of another value: an identical one loses nothing.
#[test]
fn decode_and_convert_name_both_lines_and_fail() {
    let lines = ["X-B3-Sampled: 1", "X-B3-Sampled: 0"];
    let conflict = "lines 3 and 4 disagree: two X-B3-Sampled lines, \"1\" and \"0\"; a \
                    request carries one, and extraction reads the first and ignores the other";
    let decoded = run(&["decode"], &lines);
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert!(decoded.stdout.contains(conflict), "{}", decoded.stdout);
    for target in ["b3", "tracecontext"] {
        let converted = run(&["convert", "--to", target], &lines);
        assert_eq!(converted.code, 1, "{}", converted.stderr);
        assert!(converted.stderr.contains(conflict), "{}", converted.stderr);
        assert_eq!(converted.stdout, "");
    }
    let same = ["X-B3-Sampled: 1", "x-b3-sampled: 1"];
    assert_eq!(run(&["decode"], &same).code, 0);
    let converted = run(&["convert", "--to", "b3"], &same);
    assert_eq!(converted.code, 0, "{}", converted.stderr);
    assert_eq!(
        converted.stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\n"
    );
}

#[test]
fn a_repeated_span_id_of_another_value_is_a_conflict() {
    let converted = run(
        &["convert", "--to", "b3"],
        &["x-b3-spanid: e457b5a2e4d86bd1"],
    );
    assert_eq!(converted.code, 1, "{}", converted.stderr);
    assert!(
        converted.stderr.contains(
            "lines 2 and 3 disagree: two X-B3-SpanId lines, \"00f067aa0ba902b7\" and \
             \"e457b5a2e4d86bd1\""
        ),
        "{}",
        converted.stderr
    );
}

/// `X-B3-Flags: 1` beside `X-B3-Sampled: 0`: debug "implies an accept
/// decision", so B3 sends it without `X-B3-Sampled`, and extraction reads
/// debug, overriding the "not sampled". Found: `decode` showed debug and
/// exited 0, and `convert` wrote it, without a word of the decision it
/// overrode.
#[test]
fn debug_beside_a_deny_is_a_conflict() {
    let conflict = "lines 3 and 4 disagree: X-B3-Sampled says not sampled, X-B3-Flags says \
                    debug, which implies sampled";
    for sampled in ["0", "false"] {
        let lines = [
            format!("X-B3-Sampled: {sampled}"),
            "X-B3-Flags: 1".to_owned(),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let decoded = run(&["decode"], &lines);
        assert_eq!(decoded.code, 1, "{}", decoded.stdout);
        assert!(decoded.stdout.contains(conflict), "{}", decoded.stdout);
        let converted = run(&["convert", "--to", "b3"], &lines);
        assert_eq!(converted.code, 1, "{}", converted.stderr);
        assert!(converted.stderr.contains(conflict), "{}", converted.stderr);
    }
    // Debug beside an accept, or a flags value other than 1, agrees.
    assert_eq!(
        run(&["decode"], &["X-B3-Sampled: 1", "X-B3-Flags: 1"]).code,
        0
    );
    assert_eq!(
        run(&["decode"], &["X-B3-Sampled: 0", "X-B3-Flags: 0"]).code,
        0
    );
}

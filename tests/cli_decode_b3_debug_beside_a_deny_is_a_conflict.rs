//! `X-B3-Flags: 1` beside `X-B3-Sampled: 0` is a conflict: debug "implies
//! an accept decision", so B3 sends it without `X-B3-Sampled`, and
//! extraction reads debug, overriding the "not sampled". Found: `decode`
//! showed debug and exited 0, and `convert` wrote it, without a word of
//! the decision it overrode.

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

#[test]
fn decode_and_convert_name_both_lines_and_fail() {
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

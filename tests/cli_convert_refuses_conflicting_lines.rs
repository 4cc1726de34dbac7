//! `baton convert` refuses, as invalid input (exit 1), lines that `decode`
//! refuses because they do not make one context, with decode's message.
//! Found: a `traceparent` and a `b3` of different traces converted the
//! first (exit 0) with only the library's diagnostic on stderr, and two
//! `traceparent` lines said "no trace and span ids in the input".

mod common;

use common::cli::Output;

/// Runs `baton COMMAND [--to b3] LINES`.
fn baton(convert: bool, lines: &[&str]) -> Output {
    let command: &[&str] = if convert {
        &["convert", "--to", "b3"]
    } else {
        &["decode"]
    };
    common::cli::baton(&[command, lines].concat(), "")
}

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn lines_of_two_contexts_are_refused_with_decodes_words() {
    let cases: [&[&str]; 2] = [
        &[
            TP,
            "b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
        ],
        &[TP, TP],
    ];
    for lines in cases {
        let Output {
            code,
            stdout: decoded,
            ..
        } = baton(false, lines);
        assert_eq!(code, 1, "decode refuses {lines:?}");
        let why = decoded.lines().last().unwrap();
        let Output {
            code,
            stdout,
            stderr,
        } = baton(true, lines);
        assert_eq!(code, 1, "{lines:?}: {stdout}{stderr}");
        assert_eq!(stdout, "");
        assert_eq!(stderr, format!("{why}\n"));
    }
}

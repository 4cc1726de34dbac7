//! A header line on standard input that is not UTF-8 is invalid input
//! (exit 1) with its line number and a `^` under its first bad byte, as the
//! same bytes given as an argument are (`baton --help` says so). Found:
//! `decode` and `convert` said only "cannot read standard input: stream did
//! not contain valid UTF-8", with no caret, because standard input was read
//! with `BufRead::lines`.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `baton ARGS` with `input` on standard input: exit code, stdout, stderr.
fn baton(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env_remove("OTEL_PROPAGATORS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const INPUT: &[u8] = b"baggage: a=1\r\nbaggage: b=2\nbaggage: k=v\xffz\n";

#[test]
fn decode_points_at_the_bad_byte_of_its_line() {
    let (code, stdout, stderr) = baton(&["decode"], INPUT);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "line 3: not valid UTF-8\n  baggage: k=v\u{FFFD}z\n              ^\n"
    );
}

#[test]
fn convert_points_at_the_bad_byte_of_its_line() {
    let (code, stdout, stderr) = baton(&["convert", "--to", "b3"], INPUT);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "line 3: not valid UTF-8\n  baggage: k=v\u{FFFD}z\n              ^\n"
    );
}

#[test]
fn crlf_lines_and_a_last_line_without_newline_still_decode() {
    let input =
        b"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nbaggage: k=v";
    let (code, stdout, stderr) = baton(&["convert", "--to", "b3"], input);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\nbaggage: k=v\n"
    );
}

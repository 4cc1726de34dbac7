//! A header line on standard input that is not UTF-8 is invalid input
//! (exit 1) with its line number and a `^` under its first bad byte, as the
//! same bytes given as an argument are (`baton --help` says so). Found:
//! `decode` and `convert` said only "cannot read standard input: stream did
//! not contain valid UTF-8", with no caret, because standard input was read
//! with `BufRead::lines`.

mod common;

use common::cli::{baton_bytes, Output};

const INPUT: &[u8] = b"baggage: a=1\r\nbaggage: b=2\nbaggage: k=v\xffz\n";

#[test]
fn decode_points_at_the_bad_byte_of_its_line() {
    let Output {
        code,
        stdout,
        stderr,
    } = baton_bytes(&["decode"], INPUT);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "line 3: not valid UTF-8\n  baggage: k=v\u{FFFD}z\n              ^\n"
    );
}

#[test]
fn convert_points_at_the_bad_byte_of_its_line() {
    let Output {
        code,
        stdout,
        stderr,
    } = baton_bytes(&["convert", "--to", "b3"], INPUT);
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
    let Output {
        code,
        stdout,
        stderr,
    } = baton_bytes(&["convert", "--to", "b3"], input);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\nbaggage: k=v\n"
    );
}

//! An argument that is not UTF-8 used to make every `baton` command panic
//! (exit 101, from `std::env::args`). A header line that is not UTF-8 is
//! invalid input (exit 1), as the same bytes on standard input are; any
//! other argument (a command, an option, a file name) is a usage error
//! (exit 2) that names it.
#![cfg(unix)]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};

/// `text` with the byte 0xFF (never valid UTF-8) where a NUL stands.
fn bad(text: &str) -> OsString {
    let bytes = text.bytes().map(|b| if b == 0 { 0xff } else { b });
    OsString::from_vec(bytes.collect())
}

/// Runs `baton ARGS` with empty standard input: its exit code, stdout and stderr.
fn baton(args: &[OsString]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .env_remove("OTEL_PROPAGATORS")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn os(text: &str) -> OsString {
    OsString::from(text)
}

#[test]
fn a_header_line_argument_that_is_not_utf8_is_invalid_input() {
    let (code, stdout, stderr) = baton(&[os("decode"), bad("traceparent: \u{0}")]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "line 1: not valid UTF-8\n  traceparent: \u{FFFD}\n               ^\n"
    );
    // `convert` reports it the same way, on stderr (standard input:
    // tests/cli_stdin_not_utf8_points_at_the_byte.rs).
    let (code, stdout, stderr) = baton(&[os("convert"), os("--to"), os("b3"), bad("b3: 0\u{0}")]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.starts_with("line 1: not valid UTF-8\n"), "{stderr}");
}

#[test]
fn any_other_argument_that_is_not_utf8_is_a_usage_error_that_names_it() {
    let cases = [
        vec![bad("\u{0}")],
        vec![os("convert"), bad("--to=\u{0}"), os("b3: 0")],
        vec![os("explain"), bad("sent\u{0}"), os("received")],
        vec![os("explain"), os("--receiver-propagators"), bad("b3\u{0}")],
        vec![os("demo"), os("--endpoint"), bad("http://\u{0}")],
    ];
    for args in cases {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains("\\xFF"), "{args:?}: {stderr}");
    }
}

//! Input echoed in a message shows its control characters escaped, never
//! raw: an escape sequence pasted into `baton decode` must not clear or
//! retitle the terminal, and the `^` stays under the byte it blames.
//! Found: `printf 'traceparent: 00-\x1b[2J\x1b]0;pwned\x07\n' | baton decode`
//! printed the sequences as they came (in the value's line, and ESC in a
//! header or variable name), and a tab or other control character before
//! the bad byte put the `^` one column per character off.

mod common;

use common::cli::{baton, baton_bytes};

/// No byte of `text` is a control character other than a line break.
fn assert_printable(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[test]
fn an_escape_sequence_in_a_value_is_shown_escaped() {
    let out = baton_bytes(&["decode"], b"traceparent: 00-\x1b[2J\x1b]0;pwned\x07\n");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_printable(&out.stdout);
    assert!(
        out.stdout
            .contains("\n  00-\\x1b[2J\\x1b]0;pwned\\x07\n     ^\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_caret_is_under_the_escape_of_the_bad_byte() {
    // Byte 4 (after the tab) is the first of the trace id; the bad one is
    // byte 6, an ESC, two characters of escape after `\t`.
    let out = baton(&["decode", "traceparent: 00-\tz\x1b"], "");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_printable(&out.stdout);
    assert!(
        out.stdout.contains("\n  00-\\tz\\x1b\n     ^\n"),
        "{}",
        out.stdout
    );
    let out = baton(&["decode", "b3: \u{7f}"], "");
    assert_printable(&out.stdout);
    assert!(out.stdout.contains("\n  \\u{7f}\n  ^\n"), "{}", out.stdout);
}

#[test]
fn control_characters_in_names_are_shown_escaped() {
    for (line, escaped) in [
        ("trace\x1bparent: 00", "  trace\\x1bparent: 00\n       ^\n"),
        ("TRACE\x1bPARENT=00", "  TRACE\\x1bPARENT=00\n       ^\n"),
    ] {
        let out = baton(&["decode"], &format!("{line}\n"));
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert_printable(&out.stdout);
        assert!(out.stdout.contains(escaped), "{}", out.stdout);
    }
}

#[test]
fn explain_escapes_a_bad_line_too() {
    let out = baton(&["explain"], "trace\x1b]0;pwned\x07parent: 00\n---\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_printable(&out.stderr);
    assert!(
        out.stderr
            .contains("  trace\\x1b]0;pwned\\x07parent: 00\n       ^\n"),
        "{}",
        out.stderr
    );
}

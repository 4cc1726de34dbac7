//! On standard input, `explain` splits the sent block from the received
//! one at a `---` line (either block may then be empty) or else at the
//! first blank line between two blocks. Found: a blank line with no block
//! after it (one block pasted, the trailing empty line a heredoc or an
//! editor adds) was read as the separator before an empty received block:
//! instead of saying a block is missing (usage error, exit 2), `explain`
//! reported `headers that disappeared on the way: traceparent` (exit 1).

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn one_block_with_trailing_blank_lines_is_a_missing_block() {
    for input in [
        format!("{TP}\n\n"),
        format!("{TP}\n\n  \n"),
        format!("\n{TP}\nbaggage: k=v\n\n"),
    ] {
        let out = baton(&["explain"], &input);
        assert_eq!(out.code, 2, "{input:?}: {}", out.stdout);
        assert!(out.stdout.is_empty(), "{input:?}: {}", out.stdout);
        assert!(
            out.stderr
                .starts_with("baton: explain needs two header blocks (sent, then received)"),
            "{input:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn an_empty_received_block_is_still_said_with_three_dashes() {
    let out = baton(&["explain"], &format!("{TP}\n---\n"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("headers that disappeared on the way: traceparent"),
        "{}",
        out.stdout
    );
    let out = baton(&["explain"], &format!("{TP}\n\n{TP}\n\n"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

//! `explain` refuses standard input with more than one `---` line, and
//! says which lines they are, as every other refusal of a line does.
//! Found: "more than one --- line", with nothing to find them by in a
//! long capture.

mod common;

use common::cli::baton;

#[test]
fn the_separators_are_named_by_line() {
    let out = baton(&["explain"], "a: 1\n---\nb: 2\n\n --- \nc: 3\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("baton: explain: more than one --- line: lines 2 and 5\n"),
        "{}",
        out.stderr
    );
}

//! A file name `explain` echoes shows its control characters escaped, as
//! every other piece of input it echoes does (see `escaped`), so a name
//! holding an escape sequence cannot drive the terminal. Found: `cannot
//! read <name>` and `<name>: line N: ...` printed the name raw, ESC included.
#![cfg(unix)]

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n";

#[test]
fn a_file_that_cannot_be_read_is_named_escaped() {
    let missing =
        std::env::temp_dir().join(format!("baton-\u{1b}[31mmissing-{}", std::process::id()));
    let missing = missing.to_str().unwrap();
    let out = baton(&["explain", missing, missing], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let first = out.stderr.lines().next().unwrap();
    assert!(!first.contains('\u{1b}'), "{first:?}");
    assert!(first.contains("baton-\\x1b[31mmissing-"), "{first:?}");
}

#[test]
fn a_bad_line_names_its_file_escaped() {
    let dir = std::env::temp_dir().join(format!("baton-explain-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent, received) = (
        dir.join("sent\u{1b}]0;title\u{7}.txt"),
        dir.join("received.txt"),
    );
    std::fs::write(&sent, format!("{TP}broken line\n")).unwrap();
    std::fs::write(&received, TP).unwrap();
    let out = baton(
        &[
            "explain",
            sent.to_str().unwrap(),
            received.to_str().unwrap(),
        ],
        "",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        !out.stderr.contains(['\u{1b}', '\u{7}']),
        "{:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains("sent\\x1b]0;title\\x07.txt: line 2: "),
        "{:?}",
        out.stderr
    );
}

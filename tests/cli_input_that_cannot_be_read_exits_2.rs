//! Input that cannot be read (standard input that fails, a file `explain`
//! cannot open) is trouble, not an answer: every command says so in one
//! line on standard error and exits 2, as grep, diff and cmp do, whose
//! status 1 is an answer as `decode`'s (invalid input) and `explain`'s (the
//! trace breaks) is. Found: `decode` printed "line 1: cannot read standard
//! input: ..." on standard output and exited 1, as for invalid input;
//! `convert` said the same on standard error, exit 1; `explain` exited 2
//! and printed the whole usage after the message, as for a mistyped option.

mod common;

use std::fs::File;

use common::cli::{baton_reading, Output};

/// A directory as standard input: opening it succeeds, reading it fails
/// (EISDIR).
fn failing_stdin() -> File {
    File::open(std::env::temp_dir()).unwrap()
}

fn says_it_cannot_read(out: &Output, what: &str, args: &[&str]) {
    assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "", "{args:?}");
    let prefix = format!("baton: cannot read {what}: ");
    assert!(out.stderr.starts_with(&prefix), "{args:?}: {}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
}

#[test]
fn a_failed_read_of_standard_input_exits_2_on_stderr() {
    for args in [&["decode"][..], &["convert", "--to", "b3"], &["explain"]] {
        let out = baton_reading(args, failing_stdin());
        says_it_cannot_read(&out, "standard input", args);
    }
}

#[test]
fn a_file_explain_cannot_read_exits_2_without_the_usage() {
    let args = ["explain", "/nonexistent/sent", "/nonexistent/received"];
    let out = baton_reading(&args, failing_stdin());
    says_it_cannot_read(&out, "/nonexistent/sent", &args);
}

//! The names of the variables an `env` listing holds beside baton's are
//! echoed escaped, as all input is (see `escaped`): a name holding an
//! invisible character shows it. Found: `decode`, `convert` and `explain`
//! printed a skipped name raw, so `\u{200b}TRACEPARENT=...` (a zero-width
//! space first) read `skipped 1 variable that carries no context:
//! TRACEPARENT`, as if baton had skipped the very variable it reads, and a
//! bidirectional override in a name reordered the rest of the line.

mod common;

use common::cli::baton;

const TP: &str = "TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_names_a_skipped_variable_escaped() {
    let out = baton(
        &["decode", "\u{200b}TRACEPARENT=x", "\u{202e}PATH=/bin", TP],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    let last = out.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        "skipped 2 variables that carry no context: \\u{200b}TRACEPARENT, \\u{202e}PATH"
    );
}

#[test]
fn convert_and_explain_name_it_escaped_too() {
    let out = baton(&["convert", "--to", "b3", "\u{200b}TRACEPARENT=x", TP], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("skipped 1 variable that carries no context: \\u{200b}TRACEPARENT\n"),
        "{}",
        out.stderr
    );
    let out = baton(&["explain"], &format!("{TP}\n\u{200b}HOME=/\n---\n{TP}\n"));
    assert!(
        out.stdout.contains(
            "note:     sent: skipped 1 variable that carries no context: \\u{200b}HOME\n"
        ),
        "{}",
        out.stdout
    );
}

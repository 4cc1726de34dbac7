//! `decode`, `convert` and `explain` skip a variable of an `env` listing
//! whose value spans several lines (an exported bash function,
//! `BASH_FUNC_greet%%=() {  echo hi` ... `}`) as they skip any variable that
//! carries no context: named once, with the lines its value took, never its
//! value, and the carrier's variables around it are still read. Found:
//! the second line of the function (`  echo hi`, no `:` or `=`) failed the
//! whole input, "expected `name: value` or `NAME=VALUE`".

mod common;

use common::cli::baton;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// An exported bash function as `env` prints it: its value takes 4 lines,
/// one of which looks like a header line but for its indent, and one like a
/// variable but for the space in its name.
const FUNCTION: &str = "BASH_FUNC_greet%%=() {  local who=secret-user;\n    echo: \"$who\"\n\
                        for x in a b; do x =1; done\n}\n";

/// The note for skipped variables: its last line that starts so.
fn skipped_note(out: &str) -> &str {
    out.lines()
        .rev()
        .find(|l| l.contains("skipped"))
        .unwrap_or_else(|| panic!("no skipped note in\n{out}"))
}

#[test]
fn decode_reads_the_carrier_variables_around_a_multi_line_value() {
    let listing = format!("PATH=/bin\n{FUNCTION}TRACEPARENT={TP}\n{FUNCTION}HOME=/root\n");
    let out = baton(&["decode"], &listing);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.starts_with(&format!(
            "TRACEPARENT={TP}\n  read as    traceparent\n  version    00\n  trace id   {TRACE_ID}\n  \
             span id    {SPAN_ID}\n"
        )),
        "{}",
        out.stdout
    );
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 4 variables that carry no context: PATH, BASH_FUNC_greet%% (4 lines), \
         BASH_FUNC_greet%% (4 lines), HOME"
    );
    assert!(!out.stdout.contains("secret-user"), "{}", out.stdout);
    assert!(!out.stdout.contains("echo"), "{}", out.stdout);
}

#[test]
fn a_multi_line_value_at_the_end_or_alone_with_the_carrier() {
    let out = baton(&["decode"], &format!("TRACEPARENT={TP}\n{FUNCTION}"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 1 variable that carries no context: BASH_FUNC_greet%% (4 lines)"
    );
    // A blank line inside the value is no end of it, and one after it is
    // no part of it.
    let out = baton(
        &["decode"],
        &format!("A=() {{  echo\n\n}}\n\nB=x\n\nTRACEPARENT={TP}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 2 variables that carry no context: A (3 lines), B"
    );
}

#[test]
fn only_the_value_of_a_skipped_variable_continues() {
    // After a header line or a carrier variable, a line that begins no
    // line of its own is still an error: a carrier's value never holds a
    // line break, and a header line is one line.
    for first in [format!("traceparent: {TP}"), format!("TRACEPARENT={TP}")] {
        let out = baton(&["decode"], &format!("{first}\n}}\n"));
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert_eq!(
            out.stdout,
            "line 2: expected `name: value` or `NAME=VALUE`, found no `:` or `=`\n  }\n   ^\n"
        );
    }
    // A line that begins one ends the value: it is read as itself.
    let out = baton(
        &["decode"],
        &format!("F=() {{  echo\n}}\ntraceparent: {TP}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.starts_with(&format!("traceparent: {TP}\n")));
}

#[test]
fn the_lines_of_a_value_are_not_counted_as_variables_past_the_names_listed() {
    // The 11th variable skipped, one past the names listed, is a function:
    // it is counted once, and its lines with it.
    let mut listing = format!("TRACEPARENT={TP}\n");
    let names: Vec<String> = (0..10).map(|i| format!("VAR_{i}")).collect();
    for name in &names {
        listing.push_str(&format!("{name}=x\n"));
    }
    listing.push_str(FUNCTION);
    let out = baton(&["decode"], &listing);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        skipped_note(&out.stdout),
        format!(
            "skipped 11 variables that carry no context: {} and 1 more",
            names.join(", ")
        )
    );
}

#[test]
fn convert_and_explain_skip_it_too() {
    let out = baton(
        &["convert", "--to", "b3"],
        &format!("{FUNCTION}TRACEPARENT={TP}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("b3: {TRACE_ID}-{SPAN_ID}-1\n"));
    assert!(
        out.stderr.contains(
            "baton: convert: skipped 1 variable that carries no context: BASH_FUNC_greet%% \
             (4 lines)\n"
        ),
        "{}",
        out.stderr
    );
    let out = baton(
        &["explain"],
        &format!("{FUNCTION}TRACEPARENT={TP}\n---\nTRACEPARENT={TP}\n{FUNCTION}"),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "note:     sent: skipped 1 variable that carries no context: BASH_FUNC_greet%% \
             (4 lines)\nnote:     received: skipped 1 variable that carries no context: \
             BASH_FUNC_greet%% (4 lines)\n"
        ),
        "{}",
        out.stdout
    );
}

//! `decode`, `convert` and `explain` read the carrier's variables out of a
//! whole `env` listing and name, without their values, the variables they
//! skipped. Found: pasting `env` output (`PATH=...`, `HOME=...`, then
//! `TRACEPARENT=...`) failed on its first line, "PATH is no variable
//! baton's environment carrier writes", and decoded nothing.

mod common;

use common::cli::baton;

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";
const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// An `env` listing of a child process: the carrier's variables among the
/// rest, and a value that must never be printed.
fn env_listing() -> String {
    format!(
        "PATH=/usr/local/bin:/usr/bin\nHOME=/home/secret-user\nTRACEPARENT={TP}\n\
         OTEL_SERVICE_NAME=checkout\nBATON_SESSION_ID=chat-42\nLS_COLORS=rs=0:di=01;34\n"
    )
}

/// The note for skipped variables: its last line that starts so.
fn skipped_note(out: &str) -> &str {
    out.lines()
        .rev()
        .find(|l| l.contains("skipped"))
        .unwrap_or_else(|| panic!("no skipped note in\n{out}"))
}

#[test]
fn decode_reads_the_carrier_variables_of_an_env_listing_and_names_the_rest() {
    let out = baton(&["decode"], &env_listing());
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.starts_with(&format!(
            "TRACEPARENT={TP}\n  read as    traceparent\n  version    00\n  trace id   {TRACE_ID}\n"
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&format!("  span id    {SPAN_ID}\n")));
    assert!(out
        .stdout
        .contains("BATON_SESSION_ID=chat-42\n  read as    baton-session-id\n"));
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 4 variables that carry no context: PATH, HOME, OTEL_SERVICE_NAME, LS_COLORS"
    );
    // Names only: a variable's value may be a secret.
    assert!(!out.stdout.contains("secret-user"), "{}", out.stdout);
    assert!(!out.stdout.contains("/usr/bin"), "{}", out.stdout);
}

#[test]
fn one_skipped_variable_is_named_in_the_singular() {
    let out = baton(&["decode", &format!("TRACEPARENT={TP}"), "TERM=xterm"], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 1 variable that carries no context: TERM"
    );
}

#[test]
fn nothing_is_skipped_without_a_note() {
    let out = baton(&["decode", &format!("TRACEPARENT={TP}")], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(!out.stdout.contains("skipped"), "{}", out.stdout);
}

#[test]
fn variables_of_no_context_only_are_invalid_input_that_says_so() {
    let out = baton(&["decode"], "PATH=/usr/bin\nHOME=/root\n");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "no variable of baton's environment carrier in the input (TRACEPARENT, TRACESTATE, \
         BAGGAGE, B3, X_B3_TRACEID, X_B3_SPANID, X_B3_PARENTSPANID, X_B3_SAMPLED, X_B3_FLAGS, \
         UBER_TRACE_ID, JAEGER_BAGGAGE, BATON_SESSION_ID): skipped 2 variables that carry no context: PATH, HOME\n"
    );
    let out = baton(&["convert", "--to", "b3", "PATH=/usr/bin"], "");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .starts_with("baton: no variable of baton's environment carrier in the input"),
        "{}",
        out.stderr
    );
}

#[test]
fn header_lines_beside_skipped_variables_are_read() {
    let out = baton(&["decode"], &format!("traceparent: {TP}\nSHELL=/bin/sh\n"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.starts_with(&format!("traceparent: {TP}\n")));
    assert_eq!(
        skipped_note(&out.stdout),
        "skipped 1 variable that carries no context: SHELL"
    );
    // A header line that is no propagation header stays an error.
    let out = baton(
        &["decode"],
        &format!("traceparent: {TP}\nhost: example.com\n"),
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("\"host\" is not a propagation header"));
}

/// The listed names are bounded: past the limit, the rest are counted.
/// The limit is read from the output, at it and one past it.
#[test]
fn the_skipped_names_are_listed_up_to_a_limit_and_the_rest_counted() {
    let many = |n: usize| -> String {
        let mut input = format!("TRACEPARENT={TP}\n");
        for i in 0..n {
            input.push_str(&format!("VAR_{i}=x\n"));
        }
        input
    };
    let out = baton(&["decode"], &many(200));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let note = skipped_note(&out.stdout);
    let (listed, more) = note
        .strip_prefix("skipped 200 variables that carry no context: ")
        .and_then(|rest| rest.split_once(" and "))
        .unwrap_or_else(|| panic!("{note}"));
    let limit = listed.split(", ").count();
    assert!((1..200).contains(&limit), "{note}");
    assert_eq!(more, format!("{} more", 200 - limit));
    assert!(listed.starts_with("VAR_0, VAR_1, "), "{note}");

    let at = baton(&["decode"], &many(limit));
    let names: Vec<String> = (0..limit).map(|i| format!("VAR_{i}")).collect();
    assert_eq!(
        skipped_note(&at.stdout),
        format!(
            "skipped {limit} variables that carry no context: {}",
            names.join(", ")
        )
    );
    let past = baton(&["decode"], &many(limit + 1));
    assert_eq!(
        skipped_note(&past.stdout),
        format!(
            "skipped {} variables that carry no context: {} and 1 more",
            limit + 1,
            names.join(", ")
        )
    );
}

#[test]
fn convert_names_the_skipped_variables_on_stderr_and_converts_the_rest() {
    let out = baton(&["convert", "--to", "b3"], &env_listing());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!("b3: {TRACE_ID}-{SPAN_ID}-1\nbaggage: session.id=chat-42\n")
    );
    assert!(
        out.stderr.contains(
            "baton: convert: skipped 4 variables that carry no context: PATH, HOME, \
             OTEL_SERVICE_NAME, LS_COLORS\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_names_the_skipped_variables_of_each_block() {
    let out = baton(
        &["explain"],
        &format!("TRACEPARENT={TP}\nPATH=/bin\n---\nHOME=/root\nTRACEPARENT={TP}\nTERM=xterm\n"),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "note:     sent: skipped 1 variable that carries no context: PATH\n\
             note:     received: skipped 2 variables that carry no context: HOME, TERM\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("the trace continues intact"));
}

#[test]
fn a_line_that_is_no_variable_is_still_an_error() {
    for (line, message, at) in [
        ("=x", "the variable name is empty", 0),
        (
            "trace id=abc",
            "a variable name has no spaces or control characters",
            5,
        ),
    ] {
        let out = baton(&["decode", &format!("TRACEPARENT={TP}"), line], "");
        assert_eq!(out.code, 1, "{line}: {}", out.stdout);
        assert_eq!(
            out.stdout,
            format!("line 2: {message}\n  {line}\n  {:at$}^\n", ""),
            "{line}"
        );
    }
}

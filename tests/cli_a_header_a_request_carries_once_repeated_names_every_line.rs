//! A header a request carries once (`traceparent`, the session header),
//! given on three lines or more, is named with every line and the count,
//! and its lines are no baggage entries of which extraction keeps one:
//! extraction ignores them all. Found: `decode` said "two traceparent
//! lines" of three and never named the third, and a third session line
//! (or, in `explain`, a second) was "baggage key session.id repeated ...
//! extraction keeps one and loses the other", though it keeps none.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn said(args: &[&str]) -> (i32, Vec<String>) {
    let out = baton(args, "");
    let said = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("line"))
        .map(str::to_owned)
        .collect();
    (out.code, said)
}

#[test]
fn three_traceparent_lines_are_named_all() {
    let other = TP.replace("b7-01", "b8-01");
    let (code, said) = said(&["decode", TP, TP, &other]);
    assert_eq!(code, 1);
    assert_eq!(
        said,
        [
            "lines 1, 2 and 3: 3 traceparent lines; a request carries one, so extraction ignores \
          them all"
        ]
    );
}

#[test]
fn two_are_named_as_before() {
    let (code, said) = said(&["decode", TP, TP]);
    assert_eq!(code, 1);
    assert_eq!(
        said,
        [
            "lines 1 and 2: two traceparent lines; a request carries one, so extraction ignores \
          both"
        ]
    );
}

#[test]
fn many_are_named_up_to_the_listed_names_and_counted() {
    let lines: Vec<String> = (0..25).map(|i| format!("baton-session-id: s{i}")).collect();
    let args: Vec<&str> = ["decode"]
        .into_iter()
        .chain(lines.iter().map(String::as_str))
        .collect();
    let (code, said) = said(&args);
    assert_eq!(code, 1);
    assert_eq!(
        said,
        ["lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more: 25 baton-session-id lines; a request \
          carries one, so extraction ignores them all"]
    );
}

#[test]
fn repeated_session_lines_are_no_baggage_key_given_two_values() {
    let (code, said) = said(&[
        "decode",
        "baton-session-id: s1",
        "baton-session-id: s2",
        "baton-session-id: s3",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        said,
        [
            "lines 1, 2 and 3: 3 baton-session-id lines; a request carries one, so extraction \
          ignores them all"
        ]
    );
    let block = format!("{TP}\nbaton-session-id: s1\nbaton-session-id: s2");
    let out = baton(
        &[
            "explain",
            "--receiver-propagators",
            "tracecontext,baggage,session",
        ],
        &format!("{block}\n---\n{block}\n"),
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        !out.stdout.contains("session.id repeated"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "- session dropped: the caller's baton-session-id header is invalid: it appears 2 \
             times; a request carries one\n"
        ),
        "{}",
        out.stdout
    );
}

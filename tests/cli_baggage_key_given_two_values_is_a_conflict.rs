//! A baggage key given two values is a conflict, named with its key and
//! lines, as differing trace ids are: extraction keeps one value and the
//! other would be lost without a word. Found: `baton decode 'baggage:
//! k=1,k=2'` showed k = "2" and exited 0, `convert` wrote `baggage: k=2`
//! and exited 0, and so for two `baggage` lines, for `baggage: a=1` with
//! `uberctx-a: 2`, and for `baton-session-id: abc` with `baggage:
//! session.id=xyz`.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// `decode` and `convert --to b3` of `lines` (a traceparent after them for
/// convert, so that the line numbers stay) both fail, and both say
/// `conflict`.
fn both_refuse(lines: &[&str], conflict: &str) {
    let decode: Vec<&str> = std::iter::once("decode")
        .chain(lines.iter().copied())
        .collect();
    let decoded = baton(&decode, "");
    assert_eq!(decoded.code, 1, "{lines:?}: {}", decoded.stdout);
    assert!(decoded.stdout.contains(conflict), "{}", decoded.stdout);
    let convert: Vec<&str> = ["convert", "--to", "b3"]
        .into_iter()
        .chain(lines.iter().copied())
        .chain([TP])
        .collect();
    let converted = baton(&convert, "");
    assert_eq!(converted.code, 1, "{lines:?}: {}", converted.stderr);
    assert!(converted.stderr.contains(conflict), "{}", converted.stderr);
    assert_eq!(converted.stdout, "");
}

const LOST: &str = "a key carries one value, and extraction keeps one and loses the other";

/// Only a key of two values: the same value twice loses nothing.
#[test]
fn one_baggage_line_repeating_a_key() {
    both_refuse(
        &["baggage: k=1,k=2"],
        &format!("line 1: baggage key k repeated with two values, \"1\" and \"2\"; {LOST}"),
    );
    let decoded = baton(&["decode", "baggage: k=1,k=1", "uberctx-k: 1"], "");
    assert_eq!(decoded.code, 0, "{}", decoded.stdout);
    let converted = baton(
        &["convert", "--to", "b3", TP, "baggage: k=1", "baggage: k=1"],
        "",
    );
    assert_eq!(converted.code, 0, "{}", converted.stderr);
    assert!(
        converted.stdout.contains("baggage: k=1\n"),
        "{}",
        converted.stdout
    );
}

#[test]
fn two_baggage_lines() {
    both_refuse(
        &["baggage: k=1", "baggage: j=0,k=2"],
        &format!("lines 1 and 2 disagree: baggage key k repeated with two values, \"1\" and \"2\"; {LOST}"),
    );
}

#[test]
fn baggage_and_jaeger_baggage() {
    both_refuse(
        &["baggage: a=1", "uberctx-a: 2"],
        "lines 1 and 2 disagree: baggage key a repeated with two values, \"1\" and \"2\"",
    );
}

#[test]
fn the_session_header_and_baggage() {
    both_refuse(
        &["baton-session-id: abc", "baggage: session.id=xyz"],
        "lines 1 and 2 disagree: baggage key session.id repeated with two values, \"abc\" and \"xyz\"",
    );
}

/// Properties count as extraction counts them (`wire::baggage::repeat_loses`):
/// a repeat that loses an entry's properties is a conflict, one that adds
/// some or says the same loses nothing.
#[test]
fn properties_a_repeat_loses() {
    both_refuse(
        &["baggage: k=1;ttl=60,k=1"],
        "line 1: baggage key k repeated with two sets of properties, \"ttl=60\" and \"\"",
    );
    for lines in [
        &["decode", "baggage: k=1,k=1;ttl=60"][..],
        &["decode", "baggage: k=1;ttl=60", "uberctx-k: 1"],
    ] {
        let decoded = baton(lines, "");
        assert_eq!(decoded.code, 0, "{lines:?}: {}", decoded.stdout);
    }
}

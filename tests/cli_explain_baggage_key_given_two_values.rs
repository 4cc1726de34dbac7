//! `explain` says when what the receiver reads gives a baggage key two
//! values, as `decode` and `convert` refuse it: the receiver keeps one and
//! loses the other. Found: a caller's `baggage: k=1,k=2`, arriving as
//! sent, was "the trace continues intact", exit 0.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn explain(receiver: &str, sent: &[&str], received: &[&str]) -> (i32, String) {
    let block = |lines: &[&str]| format!("{TP}\n{}", lines.join("\n"));
    let input = format!("{}\n---\n{}\n", block(sent), block(received));
    let out = baton(&["explain", "--receiver-propagators", receiver], &input);
    (out.code, out.stdout)
}

const LOST: &str = "a key carries one value, and extraction keeps one and loses the other";

#[test]
fn the_callers_two_values_are_blamed_on_the_caller() {
    let (code, out) = explain(
        "tracecontext,baggage",
        &["baggage: k=1,k=2"],
        &["baggage: k=1,k=2"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "- received line 5: baggage key k repeated with two values, \"1\" and \"2\"; \
             {LOST}\n  fix: the caller gives the key two values: set it once\n"
        )),
        "{out}"
    );
}

#[test]
fn a_value_added_on_the_way_is_blamed_on_the_way() {
    let (code, out) = explain(
        "tracecontext,baggage",
        &["baggage: k=1"],
        &["baggage: k=1", "baggage: j=0,k=2"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "- received lines 5 and 6 disagree: baggage key k repeated with two values, \
             \"1\" and \"2\"; {LOST}\n  fix: find what adds the other value between the two"
        )),
        "{out}"
    );
}

#[test]
fn only_what_the_receiver_reads_can_conflict() {
    let (sent, received) = (
        ["baggage: k=1", "uberctx-k: 2"],
        ["baggage: k=1", "uberctx-k: 2"],
    );
    // uberctx-* is jaeger's: a receiver without it reads one value.
    let (code, out) = explain("tracecontext,baggage", &sent, &received);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("repeated"), "{out}");
    let (code, out) = explain("tracecontext,baggage,jaeger", &sent, &received);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("received lines 6 and 7 disagree: baggage key k repeated"),
        "{out}"
    );
}

#[test]
fn the_same_value_twice_loses_nothing() {
    let (code, out) = explain(
        "tracecontext,baggage",
        &["baggage: k=1,k=1"],
        &["baggage: k=1", "baggage: k=1"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the trace continues intact"), "{out}");
}

/// Every key given two values is named, each disagreement as `decode`
/// names it, in its order, and each blamed on whoever gave that key its
/// values. Found: only the first key was named, so a second showed only
/// once the first was fixed.
#[test]
fn every_key_given_two_values_is_named_and_blamed_on_its_own() {
    let (code, out) = explain(
        "tracecontext,baggage",
        &["baggage: a=1,a=2,b=1,k=1,k=2,k=3"],
        &["baggage: a=1,a=2,b=1,k=1,k=2,k=3", "baggage: b=2"],
    );
    assert_eq!(code, 1, "{out}");
    let named: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.contains("baggage key"))
        .take_while(|l| l.contains("baggage key") || l.starts_with("  fix:"))
        .collect();
    let caller = "  fix: the caller gives the key two values: set it once";
    let on_the_way = "  fix: find what adds the other value between the two (a proxy, a gateway): \
                      it should replace the member";
    assert_eq!(
        named,
        [
            &format!("- received line 5: baggage key a repeated with two values, \"1\" and \"2\"; {LOST}"),
            caller,
            &format!(
                "- received lines 5 and 6 disagree: baggage key b repeated with two values, \
                 \"1\" and \"2\"; {LOST}"
            ),
            on_the_way,
            &format!("- received line 5: baggage key k repeated with two values, \"1\" and \"3\"; {LOST}"),
            caller,
            &format!("- received line 5: baggage key k repeated with two values, \"2\" and \"3\"; {LOST}"),
            caller,
        ],
        "{out}"
    );
}

//! `baton explain` on a hop whose caller sent baggage (or a session) but no
//! trace header: the caller did call inject (the baggage is what inject
//! wrote), inside a span that had no ids to send. Since baton's spans
//! without a pipeline are the OpenTelemetry Trace API's in the absence of
//! an SDK ("If the parent `Context` contains no `Span`, an empty
//! non-recording Span MUST be returned [...] no new `SpanContext`s will be
//! created"), that is what a baton caller sends from a root span started
//! before `baton::init`: explain names that cause and its fix.
//!
//! Found: explain said "its request carries none of them, so it never
//! called inject" with the caller's propagators given, though the request
//! carried `baggage`, one of the fields it had just listed; and either
//! way its only fix was to call `inject_context` inside the span, which
//! the caller did.

mod common;

use common::cli::baton;

const SENT: &str = "baggage: session.id=s-1\n---\nbaggage: session.id=s-1\n";

fn breaks_with(args: &[&str]) -> String {
    let mut argv = vec!["explain"];
    argv.extend_from_slice(args);
    let out = baton(&argv, SENT);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out
        .stdout
        .contains("verdict:  the trace breaks at this hop"));
    out.stdout
}

#[test]
fn baggage_without_a_trace_header_is_not_called_a_missing_inject() {
    for args in [
        &[][..],
        &["--sender-propagators", "tracecontext,baggage"][..],
    ] {
        let out = breaks_with(args);
        assert!(!out.contains("never called inject"), "{args:?}:\n{out}");
        assert!(!out.contains("carries none of them"), "{args:?}:\n{out}");
        assert!(out.contains("baton::init"), "{args:?}:\n{out}");
    }
}

#[test]
fn nothing_sent_at_all_still_names_the_missing_inject() {
    let out = baton(
        &["explain", "--sender-propagators", "tracecontext,baggage"],
        "accept: */*\n---\naccept: */*\n",
    );
    assert_eq!(out.code, 1);
    assert!(out
        .stdout
        .contains("carries none of them, so it never called inject"));
}

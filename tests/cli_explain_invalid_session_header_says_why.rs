//! `explain` says why the caller's session header was dropped (the id's
//! bad byte, or the header repeated), from the value itself: the session
//! propagator's problem, now a value like the other formats', counts what
//! it skipped but no longer carries the reason.

mod common;

use common::cli::baton;

const TRACEPARENT: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn finding(sent: &str) -> String {
    let out = baton(
        &["explain", "--receiver-propagators", "tracecontext,session"],
        &format!("{TRACEPARENT}\n{sent}---\n{TRACEPARENT}\n"),
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.stdout
        .lines()
        .find(|l| l.starts_with("- session dropped: the caller's"))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .to_owned()
}

#[test]
fn a_bad_byte_in_the_session_id_is_named() {
    assert_eq!(
        finding("baton-session-id: chat\u{7f}42\n"),
        "- session dropped: the caller's baton-session-id header is invalid: \
         session id byte 4 is not visible ASCII"
    );
}

#[test]
fn a_repeated_session_header_is_named() {
    assert_eq!(
        finding("baton-session-id: a\nbaton-session-id: b\n"),
        "- session dropped: the caller's baton-session-id header is invalid: \
         it appears 2 times; a request carries one"
    );
}

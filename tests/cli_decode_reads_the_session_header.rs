//! `baton decode` recognises the session header of
//! `OTEL_PROPAGATORS=...,session` (`baton-session-id`, or the name in
//! `BATON_SESSION_HEADER`), checks it as extraction does, and names two of
//! them as lines that do not make one context; `convert` carries the
//! session on (in the `baggage` line). Found: decode called it "not a
//! propagation header" (exit 1), so convert refused any input holding it.

mod common;

use common::cli::{baton_env, Output};

fn baton(args: &[&str], session_header: Option<&str>) -> Output {
    baton_env(args, b"", &[("BATON_SESSION_HEADER", session_header)])
}

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_shows_and_checks_the_session_header() {
    let Output { code, stdout, .. } = baton(&["decode", "Baton-Session-Id: chat-42"], None);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "Baton-Session-Id: chat-42\n  session    chat-42\n");

    let Output { code, stdout, .. } = baton(&["decode", "baton-session-id: a b"], None);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "line 1: session id byte 1 is not visible ASCII\n  a b\n   ^\n"
    );

    let Output { code, stdout, .. } = baton(
        &["decode", "mirascope-session-id: u1"],
        Some("Mirascope-Session-Id"),
    );
    assert_eq!(code, 0, "{stdout}");

    let Output { code, stdout, .. } = baton(
        &["decode", "baton-session-id: s1", "baton-session-id: s2"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        stdout.ends_with(
            "lines 1 and 2: two baton-session-id lines; a request carries one, so \
             extraction ignores both\n"
        ),
        "{stdout}"
    );
}

#[test]
fn convert_carries_the_session_on() {
    let Output {
        code,
        stdout,
        stderr,
    } = baton(
        &["convert", "--to", "b3", TP, "baton-session-id: chat-42"],
        None,
    );
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(
        stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\nbaggage: session.id=chat-42\n"
    );
}

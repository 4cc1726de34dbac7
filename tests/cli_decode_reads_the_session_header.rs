//! `baton decode` recognises the session header of
//! `OTEL_PROPAGATORS=...,session` (`baton-session-id`, or the name in
//! `BATON_SESSION_HEADER`), checks it as extraction does, and names two of
//! them as lines that do not make one context; `convert` carries the
//! session on (in the `baggage` line). Found: decode called it "not a
//! propagation header" (exit 1), so convert refused any input holding it.

use std::process::{Command, Stdio};

fn baton(args: &[&str], session_header: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command
        .args(args)
        .env_remove("BATON_SESSION_HEADER")
        .stdin(Stdio::null());
    if let Some(name) = session_header {
        command.env("BATON_SESSION_HEADER", name);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn decode_shows_and_checks_the_session_header() {
    let (code, stdout, _) = baton(&["decode", "Baton-Session-Id: chat-42"], None);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "Baton-Session-Id: chat-42\n  session    chat-42\n");

    let (code, stdout, _) = baton(&["decode", "baton-session-id: a b"], None);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "line 1: session id byte 1 is not visible ASCII\n  a b\n   ^\n"
    );

    let (code, stdout, _) = baton(
        &["decode", "mirascope-session-id: u1"],
        Some("Mirascope-Session-Id"),
    );
    assert_eq!(code, 0, "{stdout}");

    let (code, stdout, _) = baton(
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
    let (code, stdout, stderr) = baton(
        &["convert", "--to", "b3", TP, "baton-session-id: chat-42"],
        None,
    );
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    assert_eq!(
        stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\nbaggage: session.id=chat-42\n"
    );
}

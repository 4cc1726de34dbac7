//! A bad `BATON_SESSION_HEADER` is configuration: reported as
//! `invalid-config` (as an invalid `OTEL_*` value is), and ignored, the
//! default header used. Found: it was reported as `invalid-argument`, the
//! kind of a bad value passed to the API.

mod common;

use common::cli::baton_env;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[test]
fn a_bad_session_header_is_invalid_config_and_the_default_is_used() {
    let out = baton_env(
        &["decode", TP, "baton-session-id: chat-42"],
        b"",
        &[("BATON_SESSION_HEADER", Some("a b"))],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "baton: invalid-config: BATON_SESSION_HEADER: session header name byte 1 is not a \
         token character; using baton-session-id\n"
    );
    // The default header is read.
    assert!(
        out.stdout.contains("  session    chat-42\n"),
        "{}",
        out.stdout
    );
}

//! A session header name that the environment carrier would turn into a
//! configuration variable of a child process is refused: injected, the
//! session id would have set `OTEL_SDK_DISABLED`, `OTEL_PROPAGATORS` or
//! `OTEL_TRACES_SAMPLER` in the child, or `BATON_SESSION_HEADER`, so that
//! the child looked for the session under a header named after the id.
//! Found by an audit; the names were accepted.

use baton::propagation::{SessionError, SessionHeader, DEFAULT_SESSION_HEADER};

#[test]
fn configuration_names_are_refused_in_any_spelling() {
    for (name, prefix) in [
        ("otel-sdk-disabled", "OTEL_"),
        ("OTEL_PROPAGATORS", "OTEL_"),
        ("Otel.Traces.Sampler", "OTEL_"),
        ("otel-", "OTEL_"),
        ("Baton-Session-Header", "BATON_"),
        ("baton_demo_export", "BATON_"),
    ] {
        let refused = SessionHeader::new(name).err();
        assert_eq!(
            refused,
            Some(SessionError::ConfiguresAChild { prefix }),
            "{name}"
        );
        assert!(refused.unwrap().to_string().contains(prefix), "{name}");
        // Named by `BATON_SESSION_HEADER`, the default is used instead.
        let from_env = SessionHeader::from_lookup(|_| Some(name.to_owned()));
        assert!(from_env.is_err(), "{name}");
    }
}

#[test]
fn the_default_and_other_names_are_kept() {
    assert_eq!(
        SessionHeader::new(DEFAULT_SESSION_HEADER).unwrap(),
        SessionHeader::default()
    );
    for name in [
        "x-otel-session",
        "otel",
        "hotel-session",
        "baton",
        "x-baton-session",
    ] {
        assert!(SessionHeader::new(name).is_ok(), "{name}");
    }
}

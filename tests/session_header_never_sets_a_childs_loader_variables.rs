//! A session header name that the environment carrier would turn into a
//! variable of the dynamic loader (`LD_*` on Linux and the BSDs, `DYLD_*`
//! on macOS) is refused, as `OTEL_*` and `BATON_*` names are
//! (`tests/session_header_never_configures_a_child.rs`): the loader reads
//! those before the child's `main`, so a session id taken from a request
//! and passed on by `inject_into_command` chose the libraries every child
//! process loads (`LD_PRELOAD=/tmp/upload.so`), and with no session in the
//! context the parent's own `LD_LIBRARY_PATH` was removed from the child.
//!
//! Found by the carrier audit: `SessionHeader::new("LD-Preload")` was
//! accepted, and a request's `ld-preload: /tmp/x.so` became the child's
//! `LD_PRELOAD=/tmp/x.so`.

use std::collections::HashMap;

use baton::propagation::{
    Composite, EnvCarrier, Propagator, SessionError, SessionHeader, TraceContext,
};
use baton::Context;

#[test]
fn loader_variable_names_are_refused_in_any_spelling() {
    for (name, prefix) in [
        ("LD-Preload", "LD_"),
        ("ld_library_path", "LD_"),
        ("Ld.Audit", "LD_"),
        ("DYLD-Insert-Libraries", "DYLD_"),
        ("dyld_library_path", "DYLD_"),
    ] {
        let refused = SessionHeader::new(name).err();
        assert_eq!(
            refused,
            Some(SessionError::ConfiguresAChild { prefix }),
            "{name}"
        );
        // Named by `BATON_SESSION_HEADER`, the default is used instead.
        assert!(
            SessionHeader::from_lookup(|_| Some(name.to_owned())).is_err(),
            "{name}"
        );
    }
}

#[test]
fn a_requests_session_never_reaches_a_childs_loader() {
    // What a service configured with `BATON_SESSION_HEADER=LD-Preload`
    // would do with a request, had the name been kept.
    let Ok(session) = SessionHeader::new("LD-Preload") else {
        return;
    };
    let both = Composite::new(vec![Box::new(TraceContext), Box::new(session)]);
    let request = HashMap::from([("ld-preload".to_string(), "/tmp/x.so".to_string())]);
    let cx = both.extract(&Context::default(), &request);
    let mut env = EnvCarrier::default();
    both.inject(&cx, &mut env);
    assert!(
        !env.vars().any(|(k, _)| k == "LD_PRELOAD"),
        "{:?}",
        env.vars().collect::<Vec<_>>()
    );
}

#[test]
fn names_that_only_look_alike_are_kept() {
    for name in ["ld", "ldap-session", "x-ld-preload", "old-session", "dyld"] {
        assert!(SessionHeader::new(name).is_ok(), "{name}");
    }
}

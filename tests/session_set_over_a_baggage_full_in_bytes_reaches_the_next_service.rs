//! A session the application sets is its own, so it is set even over a
//! baggage a client filled to a W3C limit. Bug: for the member limit (64)
//! baton left the client's last member out of the session's scope, but for
//! the byte limit (8192) it did not: the session was current in the
//! process, and the `baggage` header that went out left `session.id` out
//! (reported as `limit-exceeded` at inject), so the next service had no
//! session and its spans were not grouped with this one's. Now the client's
//! last members are left out until the session fits, and reported.

use std::collections::HashMap;
use std::sync::Mutex;

use baton::{Baggage, DiagnosticKind};

static REPORTS: Mutex<Vec<(DiagnosticKind, String)>> = Mutex::new(Vec::new());

fn reports() -> Vec<(DiagnosticKind, String)> {
    std::mem::take(&mut *REPORTS.lock().unwrap())
}

/// What the next service reads of what this one injects.
fn session_at_the_next_hop() -> Option<String> {
    let mut outgoing: HashMap<String, String> = HashMap::new();
    baton::inject_context(&mut outgoing);
    let sent = outgoing.get("baggage").cloned().unwrap_or_default();
    assert!(sent.len() <= Baggage::MAX_BYTES);
    let _next = baton::new_trace_context();
    let received = baton::extract_context(&outgoing);
    received.session().map(|s| s.id().to_owned())
}

#[test]
fn a_session_set_over_a_client_baggage_at_the_byte_limit_is_injected() {
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        REPORTS
            .lock()
            .unwrap()
            .push((d.kind, d.message.to_string()));
    }));
    // What a client may send: within the 8192 bytes W3C allows, with room
    // for a small member after the first but not for the session as well.
    let first = format!("client.blob={}", "x".repeat(8000));
    let second = format!("client.tail={}", "y".repeat(150));
    let header = format!("{first},{second}");
    assert!(header.len() <= Baggage::MAX_BYTES);
    let incoming = HashMap::from([("baggage".to_string(), header)]);
    let _request = baton::propagated_context(&incoming);
    assert!(baton::baggage("client.tail").is_some());
    assert_eq!(reports(), []);

    {
        let _session = baton::session("chat-42");
        assert_eq!(baton::current_session().unwrap().id(), "chat-42");
        // The client's last member made room; the first stays.
        assert!(baton::baggage("client.blob").is_some());
        assert_eq!(baton::baggage("client.tail"), None);
        let said = reports();
        assert_eq!(said.len(), 1, "{said:?}");
        assert_eq!(said[0].0, DiagnosticKind::LimitExceeded);
        assert!(said[0].1.contains("\"client.tail\""), "{said:?}");
        assert_eq!(session_at_the_next_hop().as_deref(), Some("chat-42"));
        assert_eq!(reports(), []);
    }
    // The member comes back with the scope's end.
    assert!(baton::baggage("client.tail").is_some());

    // A session id too long to fit even alone leaves the baggage whole:
    // current here, and left out of the header (reported there).
    let long = "s".repeat(Baggage::MAX_BYTES);
    let _session = baton::session(&long);
    assert_eq!(baton::current_session().unwrap().id(), long);
    assert!(baton::baggage("client.tail").is_some());
    assert_eq!(reports(), []);
    assert_eq!(session_at_the_next_hop(), None);
    let said = reports();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, DiagnosticKind::LimitExceeded);
    drop(_session);

    // Over a baggage full in members, such an id still makes room for the
    // member limit: the session is set.
    let members: Vec<String> = (0..Baggage::MAX_MEMBERS)
        .map(|i| format!("k{i}=v"))
        .collect();
    let incoming = HashMap::from([("baggage".to_string(), members.join(","))]);
    let _empty = baton::Context::default().attach();
    let _full = baton::propagated_context(&incoming);
    let _session = baton::session(&long);
    assert_eq!(baton::current_session().unwrap().id(), long);
    assert_eq!(
        baton::baggage(&format!("k{}", Baggage::MAX_MEMBERS - 1)),
        None
    );
    let said = reports();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].1.contains("\"k63\""), "{said:?}");
}

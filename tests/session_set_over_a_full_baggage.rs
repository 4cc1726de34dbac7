//! `baton::session` sets the application's session even when the baggage
//! already holds the 64 members W3C allows: the last member is left out of
//! the session's scope to make room, and reported naming it. Found: a
//! client sending 64 baggage members kept the server's session from being
//! set (only reported as invalid-argument), and its spans carried no
//! `session.id`, where every span started in a session should.

use std::sync::Mutex;

use baton::{Baggage, DiagnosticKind};

mod common;

static REPORTS: Mutex<Vec<(DiagnosticKind, String)>> = Mutex::new(Vec::new());

fn reports() -> Vec<(DiagnosticKind, String)> {
    std::mem::take(&mut *REPORTS.lock().unwrap())
}

/// A `baggage` header of `n` members `k0=v` ...
fn header(n: usize) -> Vec<(String, String)> {
    let members: Vec<String> = (0..n).map(|i| format!("k{i}=v")).collect();
    vec![("baggage".to_owned(), members.join(","))]
}

#[test]
fn the_session_is_set_over_a_full_baggage() {
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        if d.message.to_string().contains("session") {
            REPORTS
                .lock()
                .unwrap()
                .push((d.kind, d.message.to_string()));
        }
    }));
    let full = Baggage::MAX_MEMBERS;
    let spans = common::record(|| {
        let _request = baton::propagated_context(&header(full));
        assert_eq!(baton::Context::current().baggage().len(), full);
        reports();
        {
            let _s = baton::session("chat-42");
            assert_eq!(baton::current_session().unwrap().id(), "chat-42");
            let cx = baton::Context::current();
            assert_eq!(cx.baggage().len(), full);
            let last = format!("k{}", full - 1);
            assert_eq!(cx.baggage().get(&last), None);
            assert_eq!(cx.baggage().get("k0"), Some("v"));
            let said = reports();
            assert_eq!(said.len(), 1, "{said:?}");
            assert_eq!(said[0].0, DiagnosticKind::LimitExceeded);
            assert!(said[0].1.contains(&format!("{last:?}")), "{said:?}");
            baton::in_span("in the session", || {});
        }
        // The member comes back with the scope's end.
        let cx = baton::Context::current();
        assert_eq!(cx.baggage().get(&format!("k{}", full - 1)), Some("v"));
        assert!(baton::current_session().is_none());
        drop(_request);

        // A full baggage that carries a session already: replaced, nothing
        // left out.
        let mut with_session = header(full - 1);
        with_session[0].1.push_str(",session.id=old");
        let _other = baton::propagated_context(&with_session);
        let _s = baton::session("new");
        assert_eq!(baton::current_session().unwrap().id(), "new");
        assert_eq!(baton::Context::current().baggage().len(), full);
        let said = reports();
        assert!(said.is_empty(), "{said:?}");
    });
    let in_session = spans.iter().find(|s| s.name == "in the session").unwrap();
    let session = in_session
        .attributes
        .iter()
        .find(|kv| kv.key == "session.id")
        .map(|kv| kv.value.to_string());
    assert_eq!(session.as_deref(), Some("chat-42"));
}

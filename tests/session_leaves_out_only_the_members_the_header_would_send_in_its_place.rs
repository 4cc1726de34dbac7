//! `baton::session` makes room for `session.id` in the `baggage` header by
//! leaving members out of the session's scope; it must leave out only
//! those the header would send in the session's place. The header skips a
//! member too long to fit, and writes later ones that fit
//! (`wire::baggage::format`). Bug: `session` counted such a member as sent,
//! so a session set beside one left it and every member after it out of
//! the scope: a one-byte session over `big` (9000 bytes, set by the
//! application) and `b=1` lost `b`, which the next service received before
//! the session and would have received beside it; with `big` first, the
//! whole baggage went.

use std::collections::HashMap;
use std::sync::Mutex;

use baton::{Baggage, DiagnosticKind};

use std::thread::{self, ThreadId};

/// Every report, with the thread that made it: the property test beside
/// the first runs in parallel with it.
static REPORTS: Mutex<Vec<(ThreadId, DiagnosticKind, String)>> = Mutex::new(Vec::new());

/// This thread's reports about the session since the last call.
fn session_reports() -> Vec<(DiagnosticKind, String)> {
    let mut all = REPORTS.lock().unwrap();
    let here = thread::current().id();
    let said = all
        .iter()
        .filter(|(t, _, m)| *t == here && m.contains("session"))
        .map(|(_, k, m)| (*k, m.clone()))
        .collect();
    all.retain(|(t, _, _)| *t != here);
    said
}

/// The members the next service reads of what this one injects.
fn at_the_next_hop() -> Vec<(String, String)> {
    let mut outgoing: HashMap<String, String> = HashMap::new();
    baton::inject_context(&mut outgoing);
    let _next = baton::new_trace_context();
    let received = baton::extract_context(&outgoing);
    received
        .baggage()
        .iter()
        .map(|(k, v, _)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn members(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn a_member_the_header_skips_costs_the_session_nothing() {
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        REPORTS
            .lock()
            .unwrap()
            .push((thread::current().id(), d.kind, d.message.to_string()));
    }));
    let big = "x".repeat(9000);

    // Too long for the header, then a small member: the header sends the
    // small one, and can send the session beside it.
    {
        let _big = baton::set_baggage("big", &big);
        let _b = baton::set_baggage("b", "1");
        assert_eq!(at_the_next_hop(), members(&[("b", "1")]));
        session_reports();
        let _s = baton::session("s");
        assert_eq!(session_reports(), [], "nothing to make room for");
        assert_eq!(baton::baggage("b").as_deref(), Some("1"));
        assert_eq!(baton::baggage("big").as_deref(), Some(big.as_str()));
        assert_eq!(
            at_the_next_hop(),
            members(&[("b", "1"), ("session.id", "s")])
        );
    }

    // A member that fits only without the session is left out; a later,
    // smaller one that fits beside it stays, as the header writes it.
    {
        let blob = "y".repeat(8180);
        let _blob = baton::set_baggage("blob", &blob);
        let _t = baton::set_baggage("t", "1");
        session_reports();
        let _s = baton::session("chat-42");
        let said = session_reports();
        assert_eq!(said.len(), 1, "{said:?}");
        assert_eq!(said[0].0, DiagnosticKind::LimitExceeded);
        assert!(said[0].1.contains("\"blob\""), "{said:?}");
        assert_eq!(baton::baggage("blob"), None);
        assert_eq!(baton::baggage("t").as_deref(), Some("1"));
        assert_eq!(
            at_the_next_hop(),
            members(&[("t", "1"), ("session.id", "chat-42")])
        );
    }

    // Too long for the header first, then 63 members: the baggage holds
    // 64 with the session, so the last member makes room, and only it.
    {
        let _empty = baton::Context::default().attach();
        let _big = baton::set_baggage("big", &big);
        let guards: Vec<_> = (0..Baggage::MAX_MEMBERS - 1)
            .map(|i| baton::set_baggage(&format!("k{i}"), "v"))
            .collect();
        session_reports();
        let _s = baton::session("s");
        assert_eq!(baton::current_session().unwrap().id(), "s");
        let said = session_reports();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].1.contains("\"k62\""), "{said:?}");
        let cx = baton::Context::current();
        assert_eq!(cx.baggage().len(), Baggage::MAX_MEMBERS);
        assert_eq!(cx.baggage().get("k62"), None);
        assert_eq!(cx.baggage().get("k0"), Some("v"));
        assert_eq!(cx.baggage().get("big"), Some(big.as_str()));
        let sent = at_the_next_hop();
        assert_eq!(sent.len(), Baggage::MAX_MEMBERS - 1, "{sent:?}");
        assert_eq!(sent.last().unwrap(), &("session.id".into(), "s".into()));
        drop(guards);
    }
}

/// Whether the `baggage` header written for `b` carries `session.id`.
fn header_sends_the_session(b: &Baggage) -> bool {
    let header = baton::wire::baggage::format(b).header;
    baton::wire::baggage::parse(&header)
        .unwrap()
        .get("session.id")
        .is_some()
}

proptest::proptest! {
    /// Over any baggage, the session fits the header, and each member
    /// left out of its scope had to be: put back, the header would leave
    /// the session out, or the baggage would hold too many members.
    #[test]
    fn each_member_left_out_makes_room_for_the_session(
        sizes in proptest::collection::vec(0usize..9000, 0..=Baggage::MAX_MEMBERS),
        id_len in 1usize..300,
    ) {
        let mut before = Baggage::default();
        for (i, size) in sizes.iter().enumerate() {
            before = before.try_insert(&format!("k{i}"), &"v".repeat(*size), "").unwrap();
        }
        let _cx = baton::Context::default().with_baggage_replaced(before.clone()).attach();
        let id = "s".repeat(id_len);
        let _s = baton::session(&id);
        let after = baton::Context::current().baggage().clone();
        proptest::prop_assert_eq!(after.get("session.id"), Some(id.as_str()));
        proptest::prop_assert!(header_sends_the_session(&after));
        for (k, v, p) in before.iter().filter(|(k, _, _)| after.get(k).is_none()) {
            let back = Baggage::default();
            let back = before
                .iter()
                .filter(|(key, _, _)| *key == k || after.get(key).is_some())
                .try_fold(back, |b, (key, value, props)| b.try_insert(key, value, props));
            let needed = match back.and_then(|b| b.try_insert("session.id", &id, "")) {
                Ok(b) => !header_sends_the_session(&b),
                Err(_) => true,
            };
            proptest::prop_assert!(needed, "{k}={} ({} bytes) left out needlessly", &v[..v.len().min(8)], v.len() + p.len());
        }
    }
}

//! An empty `session.id` baggage entry (say, from a received
//! `baggage: session.id=`) is no session (`Context::session` is `None`), so
//! the `session` propagator writes no header for it and reports nothing.
//! Found: it reported an invalid-header diagnostic, "session not injected
//! into baton-session-id: session id is empty", at every inject. Reads a
//! diagnostic counter.

use std::collections::HashMap;

use baton::propagation::{Propagator, SessionHeader};
use baton::{diagnostic_count, DiagnosticKind};

#[test]
fn an_empty_entry_is_not_injected_nor_reported() {
    let received = baton::extract_context(&HashMap::from([(
        "baggage".to_string(),
        "session.id=".to_string(),
    )]));
    assert_eq!(received.session(), None);
    let before = diagnostic_count(DiagnosticKind::InvalidHeader);
    let mut out = HashMap::from([("baton-session-id".to_string(), "stale".to_string())]);
    SessionHeader::default().inject(&received, &mut out);
    assert!(out.is_empty(), "a stale header is cleared: {out:?}");
    assert_eq!(diagnostic_count(DiagnosticKind::InvalidHeader), before);

    // A session id the header cannot carry is still reported.
    let bad = received.with_baggage("session.id", "a b");
    SessionHeader::default().inject(&bad, &mut out);
    assert!(out.is_empty());
    assert_eq!(diagnostic_count(DiagnosticKind::InvalidHeader), before + 1);
}

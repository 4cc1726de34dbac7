//! Baggage set in a scope is seen by everything started in it, ends with it,
//! and never changes a snapshot taken before.

mod common;

use baton::{Baggage, BaggageError, Context, FutureExt};

#[test]
fn baggage_lasts_for_its_scope_and_reaches_children() {
    assert_eq!(baton::baggage("user"), None);
    {
        let _g = baton::set_baggage("user", "u1");
        let from_thread = baton::thread::spawn(|| baton::baggage("user"))
            .join()
            .unwrap();
        assert_eq!(from_thread.as_deref(), Some("u1"));
        let fut = async { baton::baggage("user") }.in_current_context();
        {
            let _inner = baton::set_baggage("user", "u2");
            assert_eq!(baton::baggage("user").as_deref(), Some("u2"));
        }
        assert_eq!(common::block_on(fut).as_deref(), Some("u1"));
        assert_eq!(baton::baggage("user").as_deref(), Some("u1"));
    }
    assert_eq!(baton::baggage("user"), None);
}

#[test]
fn snapshots_taken_earlier_never_change() {
    let _a = baton::set_baggage("a", "1");
    let snapshot = Context::current();
    let _b = baton::set_baggage("b", "2");
    let _a2 = baton::set_baggage("a", "changed");
    assert_eq!(snapshot.baggage().get("a"), Some("1"));
    assert_eq!(snapshot.baggage().get("b"), None);
    let now = Context::current();
    let entries: Vec<_> = now.baggage().iter().collect();
    assert_eq!(
        entries,
        [("a", "changed", ""), ("b", "2", "")],
        "a re-set key keeps its place"
    );
}

#[test]
fn baggage_set_inside_a_span_keeps_the_span_current() {
    common::exporter();
    let span = baton::span("s").enter();
    let _g = baton::set_baggage("k", "v");
    assert_eq!(baton::current_span().unwrap().span_id(), span.span_id());
}

#[test]
fn invalid_keys_are_refused_with_a_reason() {
    assert_eq!(
        Baggage::default().try_insert("", "v", ""),
        Err(BaggageError::EmptyKey)
    );
    assert_eq!(
        Baggage::default().try_insert("a b", "v", ""),
        Err(BaggageError::InvalidKey { offset: 1 })
    );
    let before = baton::diagnostic_count(baton::DiagnosticKind::InvalidArgument);
    let _g = baton::set_baggage("bad key", "v");
    assert_eq!(baton::baggage("bad key"), None);
    assert!(baton::diagnostic_count(baton::DiagnosticKind::InvalidArgument) > before);
}

/// `try_insert("k", "v", "p,evil=1")` used to succeed, and the properties
/// were left out of the `baggage` header only when it was written (reported
/// there as a limit): the error now comes from the call that passed them.
#[test]
fn properties_outside_the_w3c_grammar_are_refused_with_where() {
    let refused = |props: &str| Baggage::default().try_insert("k", "v", props).err();
    let at = |offset| Some(BaggageError::InvalidProperties { offset });
    assert_eq!(refused("p,evil=1"), at(1));
    assert_eq!(refused("p1;;p2"), at(3));
    assert_eq!(refused(";p"), at(0));
    assert_eq!(refused("p=a b"), at(4));
    assert_eq!(refused("p=\"x\""), at(2));
    assert_eq!(refused("p=é"), at(2));
    assert_eq!(refused("p\n"), at(1));
    // The grammar's forms, optional whitespace included, are kept as given
    // and written as given.
    for props in ["p", "p1;p2=x", "p1 ; p2 = x", "p=", "p=%41;q=a=b"] {
        let b = Baggage::default().try_insert("k", "v", props).unwrap();
        assert_eq!(b.iter().next(), Some(("k", "v", props)));
        let header = baton::wire::baggage::format(&b).header;
        assert_eq!(header, format!("k=v;{props}"));
        assert_eq!(baton::wire::baggage::parse(&header).unwrap(), b);
    }
}

#[test]
fn the_member_limit_holds_at_and_past_the_edge() {
    let mut b = Baggage::default();
    for i in 0..Baggage::MAX_MEMBERS {
        b = b.try_insert(&format!("k{i}"), "v", "").unwrap();
    }
    assert_eq!(b.len(), Baggage::MAX_MEMBERS);
    assert_eq!(
        b.try_insert("one-more", "v", ""),
        Err(BaggageError::TooManyMembers)
    );
    // Replacing an existing key at the limit is fine.
    assert_eq!(b.try_insert("k0", "w", "").unwrap().get("k0"), Some("w"));
    assert_eq!(b.without("k0").len(), Baggage::MAX_MEMBERS - 1);
}

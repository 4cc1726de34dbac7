//! `Baggage::get` compares whole keys, byte for byte, and gives the value
//! alone: not a key that merely starts or ends like the one asked for, and
//! not the properties. Every span started in baggage looks up its session
//! this way.

mod common;

use baton::{Baggage, Context};

fn baggage(entries: &[(&str, &str, &str)]) -> Baggage {
    entries.iter().fold(Baggage::default(), |b, (k, v, p)| {
        b.try_insert(k, v, p).unwrap()
    })
}

#[test]
fn a_key_is_found_only_whole() {
    let b = baggage(&[
        ("session", "short", ""),
        ("session.idx", "longer", ""),
        ("xsession.id", "prefixed", ""),
        ("session.id", "s-1", "origin=edge"),
        ("user", "jöran", ""),
    ]);
    assert_eq!(b.get("session.id"), Some("s-1"));
    assert_eq!(b.get("session"), Some("short"));
    assert_eq!(b.get("session.idx"), Some("longer"));
    assert_eq!(b.get("xsession.id"), Some("prefixed"));
    assert_eq!(b.get("user"), Some("jöran"));
    for absent in ["session.i", "ession.id", "", "USER", "session.id "] {
        assert_eq!(b.get(absent), None, "{absent:?}");
    }
    assert_eq!(Baggage::default().get("session.id"), None);
}

#[test]
fn the_session_is_found_behind_other_entries() {
    let cx = Context::default()
        .with_baggage("tenant", "acme")
        .with_baggage("session.idx", "not-it")
        .with_baggage("session.id", "s-42");
    assert_eq!(
        cx.session().map(|s| s.id().to_owned()).as_deref(),
        Some("s-42")
    );
    common::exporter();
    let _g = cx.attach();
    let span = baton::span("work").start();
    let id = span.trace_id();
    drop(span);
    let spans = common::spans_of(id);
    assert_eq!(spans.len(), 1);
    assert_eq!(
        spans[0]
            .attribute("session.id")
            .map(|v| v.to_string())
            .as_deref(),
        Some("s-42")
    );
}

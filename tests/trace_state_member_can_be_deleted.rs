//! The W3C "Mutating the tracestate Field" allows "Delete a key/value
//! pair", and the OpenTelemetry API's TraceState must offer it ("Delete a
//! key/value pair", trace/api.md): `TraceState::without` removes a key's
//! members and keeps the order of the others.

use baton::wire::tracestate::parse;
use baton::TraceState;

#[test]
fn deleting_a_key_keeps_the_others_in_order() {
    let ts = parse("rojo=1,congo=2,blue=3").unwrap();
    assert_eq!(
        ts.without("congo").iter().collect::<Vec<_>>(),
        [("rojo", "1"), ("blue", "3")]
    );
    assert_eq!(ts.without("rojo").as_str(), "congo=2,blue=3");
    assert_eq!(ts.without("blue").as_str(), "rojo=1,congo=2");
}

#[test]
fn a_key_received_twice_is_deleted_whole() {
    let ts = parse("foo=1,bar=2,foo=3").unwrap();
    assert_eq!(ts.without("foo").iter().collect::<Vec<_>>(), [("bar", "2")]);
}

#[test]
fn deleting_the_last_member_leaves_the_empty_tracestate() {
    let ts = TraceState::default().insert("rojo", "1").unwrap();
    let empty = ts.without("rojo");
    assert!(empty.is_empty());
    assert_eq!(empty, TraceState::EMPTY);
    assert_eq!(empty.len(), 0);
}

#[test]
fn a_key_not_there_changes_nothing() {
    let ts = parse("rojo=1,congo=2").unwrap();
    assert_eq!(ts.without("blue"), ts);
    assert_eq!(ts.without("Rojo"), ts);
    assert_eq!(ts.without(""), ts);
    assert!(TraceState::EMPTY.without("rojo").is_empty());
}

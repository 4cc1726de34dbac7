//! `OTEL_RESOURCE_ATTRIBUTES` is in the W3C baggage format, whose optional
//! whitespace around keys and values is spaces and tabs (`OWS = *( SP /
//! HTAB )`): any other whitespace is content and is kept. Found: the list
//! was trimmed with `str::trim`, so a value's no-break space or ideographic
//! space at either end vanished without a word. The session header's
//! value is unpadded by the same rule (it always trimmed only OWS).

use baton::export::Resource;

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
use loopback_collector::lookup;

#[test]
fn spaces_and_tabs_are_trimmed_other_whitespace_is_kept() {
    let resource = Resource::from_lookup(lookup(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        " \tpadded \t= \t v \t,nbsp=\u{a0}x\u{a0}, ideographic\u{3000}=\u{3000}y",
    )]))
    .unwrap();
    assert_eq!(resource.get("padded").unwrap().to_string(), "v");
    assert_eq!(resource.get("nbsp").unwrap().to_string(), "\u{a0}x\u{a0}");
    assert_eq!(
        resource.get("ideographic\u{3000}").unwrap().to_string(),
        "\u{3000}y"
    );
}

#[test]
fn the_session_header_keeps_what_is_not_optional_whitespace() {
    use baton::propagation::{Propagator, SessionHeader};
    let carrier = vec![(
        "baton-session-id".to_owned(),
        " \t\u{a0}chat\u{a0}\t ".to_owned(),
    )];
    let cx = SessionHeader::default().extract(&baton::Context::default(), &carrier);
    // A no-break space is no valid session id character: kept, the id is
    // refused rather than read as another one.
    assert_ne!(
        cx.session().map(|s| s.id().to_owned()).as_deref(),
        Some("chat")
    );
    let carrier = vec![("baton-session-id".to_owned(), " \tchat\t ".to_owned())];
    let cx = SessionHeader::default().extract(&baton::Context::default(), &carrier);
    assert_eq!(
        cx.session().map(|s| s.id().to_owned()).as_deref(),
        Some("chat")
    );
}

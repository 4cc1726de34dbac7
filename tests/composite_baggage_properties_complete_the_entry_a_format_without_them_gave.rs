//! A composite whose first baggage-carrying format cannot carry W3C
//! properties (`jaeger,baggage`: `uberctx-*`; `session,baggage`: the
//! session header) keeps the properties the `baggage` header gives the
//! same value, as a later format completes the same parent with what the
//! first cannot carry; another value is still a conflict, the first kept.
//! Found by the composite-matrix audit: `jaeger,baggage` lost every
//! entry's properties on its own round trip and reported each as a
//! `Problem::BaggageConflict` ("another value"), where `baggage,jaeger`
//! kept them without a word.

use baton::propagation::{Composite, Problem, Propagator};
use baton::{Baggage, Context};

fn extract(list: &str, headers: &[(&str, &str)]) -> (Context, Vec<Problem>) {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let (cx, problems) = Composite::from_list(list)
        .unwrap()
        .extract_with_problems(&Context::default(), &headers);
    (cx, problems.iter().copied().collect())
}

fn entry(cx: &Context, key: &str) -> Option<(String, String)> {
    cx.baggage()
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, p)| (v.to_owned(), p.to_owned()))
}

#[test]
fn jaeger_then_baggage_round_trips_properties() {
    let sent = Context::default().with_baggage_replaced(
        Baggage::EMPTY
            .try_insert("tenant", "acme", "ttl=60")
            .unwrap(),
    );
    for list in ["jaeger,baggage", "baggage,jaeger"] {
        let c = Composite::from_list(list).unwrap();
        let mut carrier = Vec::new();
        c.inject(&sent, &mut carrier);
        let (back, problems) = c.extract_with_problems(&Context::default(), &carrier);
        assert!(problems.is_empty(), "{list}: {problems:?}");
        assert_eq!(
            entry(&back, "tenant"),
            Some(("acme".into(), "ttl=60".into())),
            "{list}"
        );
    }
}

#[test]
fn session_then_baggage_keeps_the_session_entrys_properties() {
    let (cx, problems) = extract(
        "session,baggage",
        &[
            ("baton-session-id", "s-1"),
            ("baggage", "session.id=s-1;origin=web"),
        ],
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        entry(&cx, "session.id"),
        Some(("s-1".into(), "origin=web".into()))
    );
}

#[test]
fn another_value_with_properties_is_still_a_conflict() {
    let (cx, problems) = extract(
        "jaeger,baggage",
        &[
            ("uberctx-tenant", "acme"),
            ("baggage", "tenant=other;ttl=60"),
        ],
    );
    assert_eq!(entry(&cx, "tenant"), Some(("acme".into(), String::new())));
    assert_eq!(
        problems,
        [Problem::BaggageConflict {
            ignored: "baggage",
            entries: 1
        }]
    );
}

#[test]
fn properties_past_the_byte_limit_are_dropped_at_the_limit() {
    // The `uberctx-*` entries take the baggage to a few bytes short of
    // the limit; the `baggage` header's properties, which fit alone,
    // would take the sum past it.
    let big = "v".repeat(8000);
    let w3c = format!("k=acme;p={}", "x".repeat(200));
    let (cx, problems) = extract(
        "jaeger,baggage",
        &[
            ("uberctx-a", &big),
            ("uberctx-k", "acme"),
            ("baggage", &w3c),
        ],
    );
    assert_eq!(entry(&cx, "k"), Some(("acme".into(), String::new())));
    assert_eq!(entry(&cx, "a"), Some((big, String::new())));
    assert!(
        matches!(
            problems.as_slice(),
            [Problem::Partial {
                field: "baggage",
                invalid: 0,
                dropped: 1,
                ..
            }]
        ),
        "{problems:?}"
    );
}

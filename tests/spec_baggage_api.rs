//! The OpenTelemetry Baggage API, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/baggage/api/): one test per
//! requirement, each quoting it. Where baton differs, the test pins what it
//! does instead and says why.

#[path = "common/thread_reports.rs"]
mod thread_reports;

use std::collections::HashMap;

use baton::propagation::{Composite, EnvCarrier, Jaeger, Propagator, W3cBaggage};
use baton::{Baggage, BaggageError, Context, DiagnosticKind};
use thread_reports::reported;

fn bag(entries: &[(&str, &str, &str)]) -> Baggage {
    entries.iter().fold(Baggage::default(), |b, (k, v, p)| {
        b.try_insert(k, v, p).unwrap()
    })
}

/// `b` after an inject and an extract by `p` through a header map.
fn after_a_hop(p: &dyn Propagator, b: &Baggage) -> Baggage {
    let mut headers = HashMap::new();
    p.inject(
        &Context::default().with_baggage_replaced(b.clone()),
        &mut headers,
    );
    p.extract(&Context::default(), &headers).baggage().clone()
}

/// "Each name in `Baggage` MUST be associated with _exactly one value_."
/// (Overview) and "If a new name/value pair is added and its name is the
/// same as an existing name, than the new pair MUST take precedence."
/// (Conflict Resolution)
#[test]
fn each_name_has_exactly_one_value_the_last_set() {
    let b = bag(&[("a", "1", ""), ("b", "2", ""), ("a", "3", "")]);
    assert_eq!(b.len(), 2);
    assert_eq!(b.get("a"), Some("3"));
    assert_eq!(b.iter().filter(|(k, _, _)| *k == "a").count(), 1);
}

/// "Language API MUST treat both baggage names and values as case
/// sensitive." (Overview, with its example `Set('a', …)`, `Set('A', 'c')`.)
/// Through the `baggage` header too. (Jaeger's `uberctx-{key}` cannot tell
/// `a` from `A`: header names are case-insensitive, a known limit.)
#[test]
fn names_and_values_are_case_sensitive() {
    let b = bag(&[("a", "B% 💼", ""), ("A", "c", "")]);
    assert_eq!(b.get("a"), Some("B% 💼"));
    assert_eq!(b.get("A"), Some("c"));
    assert_eq!(after_a_hop(&W3cBaggage, &b), b);
}

/// "Baggage **values** are any valid UTF-8 strings. Language API MUST
/// accept any valid UTF-8 string as baggage **value** in `Set` and return
/// the same value from `Get`." (Overview) Through a hop too: each format
/// encodes what its header cannot hold.
#[test]
fn any_utf8_value_is_accepted_and_given_back_after_a_hop() {
    let values = [
        "",
        "a,b;c=d",
        "100% 💼",
        " leading and trailing ",
        "line\r\nbreak\0nul\ttab",
        "\"quoted\" \\ back",
        "%41 stays %41",
    ];
    for value in values {
        let b = bag(&[("k", value, "")]);
        assert_eq!(b.get("k"), Some(value));
        for p in [&W3cBaggage as &dyn Propagator, &Jaeger] {
            assert_eq!(after_a_hop(p, &b).get("k"), Some(value), "{:?}", p.fields());
        }
        let mut env = EnvCarrier::default();
        W3cBaggage.inject(&Context::default().with_baggage_replaced(b), &mut env);
        let child = EnvCarrier::from_vars(env.vars());
        let got = W3cBaggage.extract(&Context::default(), &child);
        assert_eq!(got.baggage().get("k"), Some(value), "environment");
    }
}

/// "Baggage **names** are any valid, non-empty UTF-8 strings. Language API
/// SHOULD NOT restrict which strings are used as baggage **names**."
/// (Overview) baton differs: a name is a W3C `token`, the one grammar every
/// format it speaks can carry (the `baggage` key, `uberctx-{key}`), so a
/// name is refused where it is set, with an error value or a diagnostic,
/// rather than lost later on the wire. An empty name is refused as the
/// spec's "non-empty" asks.
#[test]
fn names_outside_the_token_grammar_are_refused_where_they_are_set() {
    let refused = [
        ("", BaggageError::EmptyKey),
        ("ключ", BaggageError::InvalidKey { offset: 0 }),
        ("user id", BaggageError::InvalidKey { offset: 4 }),
        ("a,b", BaggageError::InvalidKey { offset: 1 }),
        ("k=v", BaggageError::InvalidKey { offset: 1 }),
    ];
    for (name, error) in refused {
        assert_eq!(Baggage::default().try_insert(name, "v", ""), Err(error));
        let (cx, kinds) = reported(|| Context::default().with_baggage(name, "v"));
        assert!(cx.baggage().is_empty(), "{name:?}");
        assert_eq!(kinds, [DiagnosticKind::InvalidArgument], "{name:?}");
        let (value, kinds) = reported(|| {
            let _g = baton::set_baggage(name, "v");
            Context::current().baggage().len()
        });
        assert_eq!(value, 0, "{name:?}");
        assert_eq!(kinds, [DiagnosticKind::InvalidArgument], "{name:?}");
    }
    // The recommended alphanumeric names, and every other token, are taken.
    let b = bag(&[("userId", "1", ""), ("x-y_z.w~!#$&'*+^`|", "2", "")]);
    assert_eq!(b.len(), 2);
}

/// "the Baggage API MUST provide a function that takes the name as input,
/// and returns a value associated with the given name, or null if the
/// given name is not present." (Get Value)
#[test]
fn get_value_of_a_missing_name_is_none() {
    let b = bag(&[("a", "1", "")]);
    assert_eq!(b.get("b"), None);
    assert_eq!(b.get("A"), None);
    assert_eq!(Baggage::default().get("a"), None);
    assert_eq!(baton::baggage("never-set"), None);
}

/// Get Value matches the whole name, byte for byte, and gives the value
/// alone: not a name that merely starts or ends like the one asked for, and
/// not the entry's metadata. The `session.id` entry a span records is
/// found with the same comparison, once, where the baggage is made.
#[test]
fn get_value_matches_the_whole_name_and_gives_the_value_alone() {
    let b = bag(&[
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
}

/// "Returns the name/value pairs in the `Baggage`. The order of name/value
/// pairs MUST NOT be significant." (Get All Values) baton yields them in the
/// order set (a replaced value keeps its place), and two baggages holding
/// the same pairs are equal whatever their order.
#[test]
fn get_all_yields_every_pair_and_their_order_is_not_significant() {
    let b = bag(&[
        ("a", "1", ""),
        ("b", "2", "p"),
        ("c", "3", ""),
        ("a", "4", ""),
    ]);
    let all: Vec<_> = b.iter().collect();
    assert_eq!(all, [("a", "4", ""), ("b", "2", "p"), ("c", "3", "")]);

    let reordered = bag(&[("c", "3", ""), ("b", "2", "p"), ("a", "4", "")]);
    assert_eq!(b, reordered, "the same pairs in another order");
    assert_ne!(b, bag(&[("c", "3", ""), ("b", "2", ""), ("a", "4", "")]));
    assert_ne!(b, bag(&[("b", "2", "p"), ("a", "4", "")]));
    assert_ne!(
        b,
        bag(&[
            ("a", "4", ""),
            ("b", "2", "p"),
            ("c", "3", ""),
            ("d", "", "")
        ])
    );
    let with = Context::default().with_baggage_replaced(b.clone());
    let other = Context::default().with_baggage_replaced(reordered);
    assert_eq!(with.baggage(), other.baggage());
}

/// "Returns a new `Baggage` that contains the new value." (Set Value) and
/// "The `Baggage` container MUST be immutable, so that the containing
/// `Context` also remains immutable." (Overview)
#[test]
fn set_value_gives_a_new_baggage_and_leaves_the_old_one_unchanged() {
    let old = bag(&[("a", "1", "")]);
    let new = old.try_insert("a", "2", "").unwrap();
    let added = old.try_insert("b", "3", "").unwrap();
    assert_eq!(old.get("a"), Some("1"));
    assert_eq!(old.len(), 1);
    assert_eq!(new.get("a"), Some("2"));
    assert_eq!((added.get("a"), added.get("b")), (Some("1"), Some("3")));

    let cx = Context::default().with_baggage("a", "1");
    let changed = cx.with_baggage("a", "2");
    assert_eq!(cx.baggage().get("a"), Some("1"));
    assert_eq!(changed.baggage().get("a"), Some("2"));
}

/// "`Metadata` Optional metadata associated with the name-value pair."
/// (Set Value) and "On `extract`, the propagator should store all metadata
/// as a single metadata instance per entry. On `inject`, the propagator
/// should append the metadata per the W3C specification format."
/// (Propagation) baton's metadata is the W3C property list, which it
/// checks where it is set; metadata the header could not carry is an
/// error value, not one lost on inject.
#[test]
fn metadata_is_kept_per_entry_through_set_inject_and_extract() {
    let b = bag(&[("a", "1", "p1;p2=x"), ("b", "2", ""), ("c", "3", "ttl=60")]);
    assert_eq!(b.iter().next(), Some(("a", "1", "p1;p2=x")));
    let mut headers = HashMap::new();
    W3cBaggage.inject(
        &Context::default().with_baggage_replaced(b.clone()),
        &mut headers,
    );
    assert_eq!(headers["baggage"], "a=1;p1;p2=x,b=2,c=3;ttl=60");
    assert_eq!(after_a_hop(&W3cBaggage, &b), b);

    // A new pair replaces the metadata with its own.
    let replaced = b.try_insert("a", "1", "").unwrap();
    assert_eq!(replaced.iter().next(), Some(("a", "1", "")));
    assert_eq!(
        b.try_insert("a", "1", "p,evil=1"),
        Err(BaggageError::InvalidProperties { offset: 1 })
    );
}

/// "Returns a new `Baggage` which no longer contains the selected name."
/// (Remove Value) Removing a name that is not there changes nothing.
#[test]
fn remove_value_gives_a_baggage_without_the_name_and_a_missing_name_is_a_no_op() {
    let b = bag(&[("a", "1", "p"), ("b", "2", "")]);
    let without = b.without("a");
    assert_eq!(without, bag(&[("b", "2", "")]));
    assert_eq!(b.get("a"), Some("1"), "the old baggage is unchanged");
    assert_eq!(b.without("missing"), b);
    assert_eq!(b.without("A"), b, "names are case sensitive");
    assert!(without.without("b").is_empty());
    assert!(Baggage::default().without("a").is_empty());
}

/// "The Baggage API MUST be fully functional in the absence of an installed
/// SDK." (Overview) No pipeline is installed in this test binary.
#[test]
fn baggage_works_without_an_installed_sdk() {
    let _g = baton::set_baggage("tenant", "acme");
    assert_eq!(baton::baggage("tenant").as_deref(), Some("acme"));
    let mut headers = HashMap::new();
    W3cBaggage.inject(&Context::current(), &mut headers);
    assert_eq!(headers["baggage"], "tenant=acme");
    let got = W3cBaggage.extract(&Context::default(), &headers);
    assert_eq!(got.baggage().get("tenant"), Some("acme"));
}

/// "Extract the `Baggage` from a `Context` instance", "Insert the `Baggage`
/// to a `Context` instance", and with an implicit context "Get the
/// currently active `Baggage`" and "Set the currently active `Baggage`".
/// (Context Interaction)
#[test]
fn baggage_is_read_from_and_put_into_a_context_and_the_current_one() {
    let b = bag(&[("a", "1", "p")]);
    let cx = Context::default().with_baggage_replaced(b.clone());
    assert_eq!(cx.baggage(), &b);

    let before = Context::current();
    {
        let _g = cx.attach();
        assert_eq!(Context::current().baggage(), &b);
        assert_eq!(baton::baggage("a").as_deref(), Some("1"));
        let _h = baton::set_baggage("b", "2");
        assert_eq!(
            Context::current().baggage(),
            &b.try_insert("b", "2", "").unwrap()
        );
    }
    assert_eq!(Context::current().baggage(), before.baggage());
    assert_eq!(baton::baggage("a"), None);
}

/// "To avoid sending any name/value pairs to an untrusted process, the
/// Baggage API MUST provide a way to remove all baggage entries from a
/// context." (Clear Baggage in the Context) Cleared, nothing is sent in any
/// format, the session included, and a reused carrier loses what an
/// earlier inject wrote.
#[test]
fn cleared_baggage_sends_no_entry_in_any_format() {
    let all = Composite::from_list("tracecontext,baggage,jaeger,session").unwrap();
    let cx = Context::default()
        .with_baggage("tenant", "acme")
        .with_baggage("session.id", "chat-42");
    let mut headers: Vec<(String, String)> = Vec::new();
    all.inject(&cx, &mut headers);
    assert_eq!(headers.len(), 4, "{headers:?}");

    let cleared = cx.with_baggage_replaced(Baggage::EMPTY);
    assert!(cleared.baggage().is_empty() && cleared.session().is_none());
    all.inject(&cleared, &mut headers);
    assert_eq!(headers, [], "a reused carrier keeps nothing");
    let mut fresh: Vec<(String, String)> = Vec::new();
    all.inject(&cleared, &mut fresh);
    assert_eq!(fresh, []);
}

/// "The value is replaced with the added value (regardless if it is locally
/// generated or received from a remote peer)." (Conflict Resolution)
#[test]
fn the_pair_added_last_wins_whether_local_or_received() {
    let local = Context::default()
        .with_baggage("k", "local")
        .with_baggage("other", "o");
    let headers = HashMap::from([("baggage".to_string(), "k=remote".to_string())]);
    let received = W3cBaggage.extract(&local, &headers);
    assert_eq!(received.baggage().get("k"), Some("remote"));
    assert_eq!(received.baggage().get("other"), Some("o"));
    let set_after = received.with_baggage("k", "local again");
    assert_eq!(set_after.baggage().get("k"), Some("local again"));
}

/// The spec sets no limit on the API's baggage; W3C Baggage's limits are on
/// the wire. baton keeps `Baggage::MAX_MEMBERS` in the API too, so that
/// what it holds is what the header can send: a 65th name is an error value
/// (or a diagnostic through `with_baggage`), never a member lost on inject.
#[test]
fn a_name_past_the_member_limit_is_refused_where_it_is_set() {
    let full = (0..Baggage::MAX_MEMBERS).fold(Baggage::default(), |b, i| {
        b.try_insert(&format!("k{i}"), "v", "").unwrap()
    });
    assert_eq!(
        full.try_insert("one-more", "v", ""),
        Err(BaggageError::TooManyMembers)
    );
    assert_eq!(
        full.try_insert("k0", "replaced", "").unwrap().get("k0"),
        Some("replaced")
    );
    let cx = Context::default().with_baggage_replaced(full.clone());
    let (more, kinds) = reported(|| cx.with_baggage("one-more", "v"));
    assert_eq!(more.baggage(), &full);
    assert_eq!(kinds, [DiagnosticKind::InvalidArgument]);
}

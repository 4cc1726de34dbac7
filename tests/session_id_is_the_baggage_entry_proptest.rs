//! A context's session is the value its baggage gives for `session.id`,
//! unless that is empty, whatever else the baggage holds and however it was
//! made: entry by entry, with entries replaced or removed, or extracted
//! from a `baggage` header. The session's place is found once, where the
//! baggage is made; these are the cases that could leave it stale.

use std::collections::HashMap;

use baton::propagation::{Propagator, W3cBaggage};
use baton::{Baggage, Context};
use proptest::prelude::*;

/// The session a span started in `baggage` records, from the baggage's own
/// lookup.
fn expected(baggage: &Baggage) -> Option<String> {
    baggage
        .get("session.id")
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

fn session(baggage: &Baggage) -> Option<String> {
    let cx = Context::default().with_baggage_replaced(baggage.clone());
    cx.session().map(|s| s.id().to_owned())
}

/// A change to a baggage: an entry set (a key from a few that look like
/// the session's, a value possibly empty), or a key removed.
#[derive(Clone, Debug)]
enum Change {
    Set(&'static str, String),
    Remove(&'static str),
}

fn changes() -> impl Strategy<Value = Vec<Change>> {
    let key = prop::sample::select(vec!["session.id", "session.idx", "session", "a", "b"]);
    let change = prop_oneof![
        3 => (key.clone(), "[a-z0-9]{0,3}").prop_map(|(k, v)| Change::Set(k, v)),
        1 => key.prop_map(Change::Remove),
    ];
    prop::collection::vec(change, 0..8)
}

proptest! {
    #[test]
    fn the_session_is_the_non_empty_session_id_entry(changes in changes()) {
        let mut baggage = Baggage::default();
        for change in &changes {
            baggage = match change {
                Change::Set(k, v) => baggage.try_insert(k, v, "").unwrap(),
                Change::Remove(k) => baggage.without(k),
            };
            prop_assert_eq!(session(&baggage), expected(&baggage), "{:?}", changes);
        }
        // Through a header: the receiving side makes its baggage anew.
        let mut headers = HashMap::new();
        W3cBaggage.inject(
            &Context::default().with_baggage_replaced(baggage.clone()),
            &mut headers,
        );
        let received = W3cBaggage.extract(&Context::default(), &headers);
        prop_assert_eq!(session(received.baggage()), expected(&baggage));
        prop_assert_eq!(session(received.baggage()), expected(received.baggage()));
    }
}

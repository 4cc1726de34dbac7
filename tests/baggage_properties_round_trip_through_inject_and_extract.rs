//! `Baggage::try_insert` takes properties "in the W3C grammar (`p1;p2=x`,
//! optional whitespace around `;` and `=`)". Whitespace before the first
//! property or after the last is the member's OWS, which the receiver does
//! not keep, so baggage set with it came back from a hop with other
//! properties: the same baggage must arrive as it was sent.

use std::collections::HashMap;

use baton::propagation::{EnvCarrier, Propagator, W3cBaggage};
use baton::{Baggage, Context};

fn after_a_hop(b: &Baggage) -> Baggage {
    let mut headers = HashMap::new();
    W3cBaggage.inject(
        &Context::default().with_baggage_replaced(b.clone()),
        &mut headers,
    );
    W3cBaggage
        .extract(&Context::default(), &headers)
        .baggage()
        .clone()
}

#[test]
fn properties_with_surrounding_whitespace_arrive_as_set() {
    for props in [" p1", "p1 ", "\tp1;p2=x\t", " p1 ; p2 = x "] {
        let b = Baggage::default()
            .try_insert("k", "v", props)
            .unwrap()
            .try_insert("other", "w", props)
            .unwrap();
        assert_eq!(after_a_hop(&b), b, "properties {props:?}");
    }
}

#[test]
fn only_whitespace_around_the_list_is_left_out() {
    let b = Baggage::default()
        .try_insert("k", "v", " p1 ; p2 = x ")
        .unwrap();
    assert_eq!(b.iter().next(), Some(("k", "v", "p1 ; p2 = x")));
}

#[test]
fn through_the_environment_too() {
    let b = Baggage::default().try_insert("k", "a b", " p1 ").unwrap();
    let mut env = EnvCarrier::default();
    W3cBaggage.inject(
        &Context::default().with_baggage_replaced(b.clone()),
        &mut env,
    );
    let child = EnvCarrier::from_vars(env.vars());
    assert_eq!(
        W3cBaggage.extract(&Context::default(), &child).baggage(),
        &b
    );
}

#[test]
fn whitespace_alone_is_still_refused() {
    assert!(Baggage::default().try_insert("k", "v", "  ").is_err());
}

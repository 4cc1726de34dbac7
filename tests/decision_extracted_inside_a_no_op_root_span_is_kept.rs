//! Without a pipeline, a span is a no-op span, and a root one carries the
//! invalid span context, which is no span context: a sampling decision
//! received without ids (a lone `b3: 1`, `b3: 0`) and extracted onto the
//! context of such a span is kept, as it is outside the span, so that the
//! next hop is sent it ("a received one is injected unchanged", README).
//! The span's context held the invalid span context as if it were one,
//! and `Context::with_remote_decision`, which keeps no decision beside a
//! span context, dropped the decision (found by the state-matrix audit,
//! `tests/common/api_matrix.rs`). Never installs a pipeline.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::Context;

fn b3(value: &str) -> HashMap<String, String> {
    HashMap::from([("b3".to_owned(), value.to_owned())])
}

#[test]
fn a_lone_decision_extracted_inside_a_no_op_root_span_is_kept_and_sent_on() {
    let _span = baton::span("consumer").enter();
    assert!(
        Context::current().span_context().is_none(),
        "no ids: no span context"
    );
    for (sent, sampled) in [("1", true), ("0", false)] {
        let inside = B3::single().extract(&Context::current(), &b3(sent));
        assert_eq!(inside.remote_sampling(), Some(sampled), "b3: {sent}");
        // Still the no-op span's context, with the decision on it.
        assert_eq!(inside.span().map(|s| s.name()).as_deref(), Some("consumer"));
        let mut outgoing = HashMap::new();
        B3::single().inject(&inside, &mut outgoing);
        assert_eq!(outgoing, b3(sent), "the next hop gets b3: {sent}");
    }
}

#[test]
fn the_no_op_root_span_handles_still_give_the_invalid_span_context() {
    let guard = baton::span("consumer").enter();
    assert!(!guard.span_context().is_valid());
    let current = baton::current_span().expect("the no-op span is the current span");
    assert!(!current.span_context().is_valid());
    assert_eq!(current.name(), "consumer");
}

//! `Context::is_empty` is true exactly when nothing is set: no span, no
//! baggage, no session, no sampling decision, however the context was made.

use baton::{Baggage, Context};

/// A context made by changes that leave nothing set (the last baggage
/// entry removed, empty baggage set, no sampling decision) said it was not
/// empty, though its doc promises "no span, no baggage, no session".
#[test]
fn a_context_changed_back_to_nothing_is_empty() {
    let with_one = Context::default().with_baggage("k", "v");
    assert!(!with_one.is_empty());
    let removed = with_one.with_baggage_replaced(with_one.baggage().without("k"));
    assert!(removed.baggage().is_empty());
    assert!(removed.is_empty());
    assert!(removed.ptr_eq(&Context::default()));

    assert!(Context::default()
        .with_baggage_replaced(Baggage::default())
        .is_empty());
    assert!(Context::default().with_remote_sampling(None).is_empty());

    // Anything set is not empty.
    assert!(!Context::default()
        .with_remote_sampling(Some(false))
        .is_empty());
    let span = baton::span("s").start();
    let in_span = span.context();
    assert!(!in_span.is_empty());
    assert!(!in_span.with_baggage_replaced(Baggage::default()).is_empty());
}

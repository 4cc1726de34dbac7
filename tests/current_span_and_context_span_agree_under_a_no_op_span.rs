//! `current_span()` and `Context::current().span()` answer alike: the
//! latter is documented as "[`current_span`] gives it for the current
//! one", and `SpanRef::context()` as "the context in which this span is the
//! active span". Checked under the spans a process without a pipeline
//! makes (the OpenTelemetry Trace API in the absence of an SDK: "a
//! non-recording Span with the `SpanContext` that is in the `Span` in the
//! parent `Context`"), on the thread that entered the span and in a job
//! wrapped there. Never installs a pipeline.
//!
//! Under a no-op span carrying a received (remote) parent, `current_span()`
//! gave the span while `Context::current().span()` gave `None`: the context
//! told a local span by a span context not received, and the no-op span
//! carries the received one. Under a no-op span carrying a decision
//! received without ids (a lone `b3: 1`), the context had no span context
//! at all, and the `SpanRef` that `current_span()` gave panicked when
//! asked for its span context. A context a span made now says so itself.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::Context;

const UPSTREAM: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/// Whether there is a current span, asked four ways.
fn asked() -> [bool; 4] {
    let job = baton::copy_context_to_thread(|| baton::current_span().is_some());
    [
        baton::current_span().is_some(),
        Context::current().span().is_some(),
        baton::current_span().is_some_and(|s| s.context().span().is_some()),
        std::thread::spawn(job).join().unwrap(),
    ]
}

fn agree(answers: [bool; 4]) -> bool {
    answers.iter().all(|a| *a == answers[0])
}

#[test]
fn a_no_op_root_span_is_the_current_span_every_way() {
    let _span = baton::span("root").enter();
    assert!(agree(asked()), "{:?}", asked());
}

#[test]
fn a_no_op_span_under_a_received_parent_is_found_alike_every_way() {
    let carrier = HashMap::from([("traceparent".to_owned(), UPSTREAM.to_owned())]);
    let _received = baton::propagated_context(&carrier);
    assert_eq!(
        asked(),
        [false; 4],
        "a remote parent alone is no local span"
    );
    let _span = baton::span("request").enter();
    assert!(agree(asked()), "{:?}", asked());
}

#[test]
fn a_no_op_span_under_a_decision_without_ids_is_found_alike_every_way() {
    let carrier = HashMap::from([("b3".to_owned(), "1".to_owned())]);
    let received = B3::single().extract(&Context::default(), &carrier);
    assert_eq!(received.remote_sampling(), Some(true));
    let _received = received.attach();
    assert_eq!(asked(), [false; 4], "a decision alone is no local span");
    let _span = baton::span("request").enter();
    assert_eq!(asked(), [true; 4]);
    for span in [
        baton::current_span().unwrap(),
        Context::current().span().unwrap(),
    ] {
        assert_eq!(span.name(), "request");
        // The no-op span has no ids: the invalid span context, as a no-op
        // root span's, not a panic.
        assert!(!span.span_context().is_valid());
        assert!(!span.is_recording());
        // The decision still goes on with the span's context.
        assert_eq!(span.context().remote_sampling(), Some(true));
    }
}

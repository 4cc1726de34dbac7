//! `current_span()` and `Context::current().span()` answer alike: the
//! latter is documented as "[`current_span`] gives it for the current
//! one", and `SpanRef::context()` as "the context in which this span is the
//! active span". Checked under the spans a process without a pipeline
//! makes (the OpenTelemetry Trace API in the absence of an SDK: "a
//! non-recording Span with the `SpanContext` that is in the `Span` in the
//! parent `Context`"), on the thread that entered the span and in a job
//! wrapped there. Never installs a pipeline.
//!
//! Found, and not fixed (the second test is ignored): under a no-op span
//! that carries a received (remote) parent,
//! `current_span()` gave the span, while `Context::current().span()`,
//! `current_span().unwrap().context().span()` and `current_span()` inside
//! a job wrapped in that span gave `None`: code that captures
//! `Context::current()` to record in "the request span" on another thread
//! (the README's pattern) and code that asks `current_span()` disagree about
//! whether there is one. Making `current_span()` `None` there broke the
//! disabled SDK's documented `in_span` under a received context
//! (`tests/sdk_disabled_exports_nothing.rs`), where the application entered
//! the span and asks for it; making `Context::span()` find the no-op span
//! is the fix left to do.

use std::collections::HashMap;

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
#[ignore = "known: under a no-op span carrying a received parent, current_span() finds the span and Context::current().span() does not"]
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

//! A wrapped future polled again after it finished (returned `Ready`, or
//! panicked) panics as an `async` block does, and changes nothing: its
//! span is exported once and the thread's context is what it was.

mod common;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use baton::{span, FutureExt};

fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

fn current_name() -> Option<String> {
    baton::current_span().map(|s| s.name().to_owned())
}

#[test]
fn a_poll_after_ready_panics_and_leaves_the_context_and_the_span_alone() {
    common::exporter();
    let outer = span("outer").enter();
    let trace_id = outer.trace_id();
    let mut fut = Box::pin(async { baton::in_span("body", || {}) }.in_span(span("job")));
    assert!(poll_once(fut.as_mut()).is_ready());
    let again = catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready()));
    assert!(again.is_err());
    assert_eq!(current_name().as_deref(), Some("outer"));
    drop(fut);
    drop(outer);
    assert_eq!(baton::__stack_depth(), 0);
    assert_eq!(common::tree(trace_id), "outer\n  job\n    body\n");
}

#[test]
fn a_poll_after_a_panicking_poll_panics_and_the_span_ends_once() {
    common::exporter();
    let outer = span("outer").enter();
    let trace_id = outer.trace_id();
    let mut fut = Box::pin(
        async {
            common::YieldN(1).await;
            panic!("second poll");
        }
        .in_span(span("job")),
    );
    assert!(poll_once(fut.as_mut()).is_pending());
    assert!(catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready())).is_err());
    assert_eq!(current_name().as_deref(), Some("outer"));
    assert!(catch_unwind(AssertUnwindSafe(|| poll_once(fut.as_mut()).is_ready())).is_err());
    assert_eq!(current_name().as_deref(), Some("outer"));
    drop(fut);
    drop(outer);
    assert_eq!(baton::__stack_depth(), 0);
    assert_eq!(common::tree(trace_id), "outer\n  job\n");
}

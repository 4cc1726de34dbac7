//! A wrapped future whose inner future panics as it is dropped still ends
//! the span it runs in, recording the panic, and leaves nothing on the
//! thread's stack.
//!
//! Before, a wrapper dropped before its first poll lost its span: the
//! panic left the wrapper's only drop before the span was ended, and a
//! span held by a wrapper ends nothing by itself.

mod common;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{span, FutureExt, Status};

/// Panics when dropped, as a future holding it then does.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("dropped");
    }
}

#[test]
fn a_never_polled_future_whose_drop_panics_still_ends_its_span() {
    common::exporter();
    let root = span("request").enter();
    let trace_id = root.trace_id();
    let held = PanicsOnDrop;
    let fut = async move {
        let _held = held;
    }
    .in_span(span("never polled"));
    drop(root);
    assert!(catch_unwind(AssertUnwindSafe(|| drop(fut))).is_err());
    assert_eq!(baton::__stack_depth(), 0);
    assert_eq!(common::tree(trace_id), "request\n  never polled\n");
    let spans = common::spans_of(trace_id);
    let ended = spans.iter().find(|s| s.name == "never polled").unwrap();
    assert_eq!(
        ended.status,
        Status::Error {
            description: "dropped".into()
        }
    );
}

#[test]
fn a_polled_future_whose_drop_panics_ends_its_span_once() {
    common::exporter();
    let root = span("request").enter();
    let trace_id = root.trace_id();
    let held = PanicsOnDrop;
    let mut fut = Box::pin(
        async move {
            let _held = held;
            common::YieldN(1).await;
        }
        .in_span(span("polled")),
    );
    drop(root);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(catch_unwind(AssertUnwindSafe(|| drop(fut))).is_err());
    assert_eq!(baton::__stack_depth(), 0);
    assert_eq!(common::tree(trace_id), "request\n  polled\n");
}

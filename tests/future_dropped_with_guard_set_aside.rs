//! A future dropped while a guard it holds across `.await` is set aside
//! still ends that span, and leaves nothing on the thread's stack.

mod common;

use std::future::Future;
use std::task::{Context, Waker};

use baton::{span, FutureExt};
use common::YieldN;

#[test]
fn a_future_dropped_while_its_guard_is_set_aside_still_ends_the_span() {
    common::exporter();
    let root = span("request").enter();
    let trace_id = root.trace_id();
    let mut fut = Box::pin(
        async {
            let _g = span("cancelled").enter();
            YieldN(5).await;
        }
        .in_current_context(),
    );
    drop(root);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(baton::current_span().is_none());
    drop(fut);
    assert_eq!(baton::__stack_depth(), 0);
    assert_eq!(common::tree(trace_id), "request\n  cancelled\n");
}

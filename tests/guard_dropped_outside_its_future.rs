//! A guard made inside a future, held across `.await` and dropped outside
//! it while the future has its frame set aside: the drop cannot reach the
//! frame, so it is reported, and the span still ends with the future. Its
//! own process: it counts diagnostics.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Waker};

use baton::{diagnostic_count, span, DiagnosticKind, FutureExt, SpanGuard};
use common::YieldN;

#[test]
fn the_drop_is_reported_and_the_span_ends_with_its_future() {
    common::exporter();
    let slot: Rc<RefCell<Option<SpanGuard>>> = Rc::default();
    let inside = slot.clone();
    let task = span("task").root();
    let mut fut = Box::pin(
        async move {
            *inside.borrow_mut() = Some(span("step").enter());
            YieldN(1).await;
            baton::in_span("next", || {});
        }
        .in_span(task),
    );
    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    let guard = slot.borrow_mut().take().unwrap();
    let trace_id = guard.trace_id();
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    drop(guard);
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
    assert!(common::spans_of(trace_id).is_empty(), "not ended yet");
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    drop(fut);
    assert_eq!(common::tree(trace_id), "task\n  step\n    next\n");
    assert_eq!(baton::__stack_depth(), 0);
}

//! Frames a future set aside (guards held across `.await`) go back on
//! the stack at its next poll only as far as `MAX_CONTEXT_DEPTH` leaves
//! room: the rest stay aside (reported), and their spans still end with
//! the future. Its own process: it counts diagnostics.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Waker};

use baton::{diagnostic_count, span, DiagnosticKind, FutureExt};
use common::YieldN;

#[test]
fn frames_set_aside_never_take_the_stack_past_its_limit() {
    common::exporter();
    let max = baton::MAX_CONTEXT_DEPTH;
    let deepest = Rc::new(RefCell::new(0));
    let seen = deepest.clone();
    let root = span("request").enter();
    let trace_id = root.trace_id();
    let fut = async move {
        let held: Vec<_> = (0..10).map(|i| span(format!("held {i}")).enter()).collect();
        YieldN(1).await;
        *seen.borrow_mut() = baton::__stack_depth();
        drop(held);
    }
    .in_current_context();
    drop(root);
    let mut fut = Box::pin(fut);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    // The next poll starts two frames below the limit: its own context and
    // one of the ten frames set aside fit.
    let filler: Vec<_> = (0..max - 2 - baton::__stack_depth())
        .map(|_| baton::Context::default().attach())
        .collect();
    let before = diagnostic_count(DiagnosticKind::ContextDepthExceeded);
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    assert_eq!(*deepest.borrow(), max);
    assert_eq!(
        diagnostic_count(DiagnosticKind::ContextDepthExceeded) - before,
        1
    );
    drop(fut);
    drop(filler);
    assert_eq!(baton::__stack_depth(), 0);
    // Every span still ends: those of the frames kept aside with the
    // future.
    let mut names: Vec<String> = common::spans_of(trace_id)
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    names.sort();
    let mut expected: Vec<String> = (0..10).map(|i| format!("held {i}")).collect();
    expected.push("request".to_owned());
    expected.sort();
    assert_eq!(names, expected);
}

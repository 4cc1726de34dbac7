//! A guard held across `.await` on a single-threaded executor (LocalSet
//! style: the `!Send` guard only stops multi-threaded ones) must not leak
//! its span into the other futures polled on that thread (issue 9). The
//! future wrappers set the leaked frame aside after each poll (reported
//! once, naming where the guard was made) and put it back for the
//! future's own next poll.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use baton::{diagnostic_count, span, DiagnosticKind, FutureExt};
use common::{run_round_robin, YieldN};

fn current_name() -> Option<String> {
    baton::current_span().map(|s| s.name().to_owned())
}

#[test]
fn a_guard_held_across_await_is_seen_only_by_its_own_future() {
    common::exporter();
    let seen_by_other = Rc::new(RefCell::new(Vec::new()));
    let seen_by_own = Rc::new(RefCell::new(Vec::new()));
    let root = span("request").enter();
    let trace_id = root.trace_id();

    let own = seen_by_own.clone();
    let leaking = async move {
        let _g = span("held").enter();
        own.borrow_mut().push(current_name());
        YieldN(2).await;
        own.borrow_mut().push(current_name());
        baton::in_span("after await", || {});
    }
    .in_current_context();
    let other = seen_by_other.clone();
    let bystander = async move {
        for _ in 0..4 {
            other.borrow_mut().push(current_name());
            YieldN(1).await;
        }
    }
    .in_current_context();
    drop(root);

    let before = diagnostic_count(DiagnosticKind::GuardHeldAcrossAwait);
    run_round_robin(vec![Box::pin(leaking), Box::pin(bystander)]);

    // The bystander only ever sees the context it was wrapped in.
    assert!(seen_by_other
        .borrow()
        .iter()
        .all(|n| n.as_deref() == Some("request")));
    assert_eq!(
        *seen_by_own.borrow(),
        [Some("held".to_owned()), Some("held".to_owned())]
    );
    // Nothing is left on this thread's stack.
    assert!(baton::current_span().is_none());
    assert_eq!(baton::__stack_depth(), 0);
    // Reported once for the wrapper, though it leaked at two polls.
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardHeldAcrossAwait) - before,
        1
    );
    assert_eq!(common::tree(trace_id), "request\n  held\n    after await\n");
}

//! A future polled where its context is current already (inside the span
//! it was wrapped in, or with no context at all) gets no frame of its own:
//! the stack pins the frame on top instead. What such a poll leaves live
//! must still come off after it, and a guard it drops of the frame it runs
//! in must not take it out of its context, exactly as under a frame of its
//! own. Jobs run by the thread that wrapped them, inside the same span,
//! keep the same promise and are checked beside them.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Mutex, MutexGuard, PoisonError};

use baton::{diagnostic_count, DiagnosticKind, FutureExt};
use common::{run_round_robin, YieldN};

/// Taken by each test: most count diagnostics that every test here may
/// report, and the counts are the process's.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

fn current_name() -> Option<String> {
    baton::current_span().map(|s| s.name().to_owned())
}

#[test]
fn a_job_run_inside_its_own_span_takes_off_the_guard_it_forgot() {
    let _one = one_at_a_time();
    common::exporter();
    let request = baton::span("request").enter();
    let trace_id = request.trace_id();
    let depth = baton::__stack_depth();
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    let job = baton::copy_context_to_thread(|| {
        std::mem::forget(baton::span("leaked").enter());
        current_name()
    });
    assert_eq!(job().as_deref(), Some("leaked"));
    assert_eq!(current_name().as_deref(), Some("request"));
    assert_eq!(baton::__stack_depth(), depth);
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
    // The next span is the request's child, not the leak's.
    drop(baton::span("next").start());
    drop(request);
    assert_eq!(
        common::tree(trace_id),
        "request\n  leaked\n  next\n",
        "the leaked span ended inside the request"
    );
}

#[test]
fn a_job_run_inside_its_own_context_or_none_restores_it() {
    let _one = one_at_a_time();
    // A context on top (baggage), then no context at all.
    let _mark = baton::set_baggage("mark", "caller");
    let job = baton::copy_context_to_thread(|| {
        std::mem::forget(baton::set_baggage("leaked", "1"));
        baton::baggage("leaked")
    });
    assert_eq!(job().as_deref(), Some("1"));
    assert_eq!(baton::baggage("leaked"), None);
    assert_eq!(baton::baggage("mark").as_deref(), Some("caller"));
    drop(_mark);

    assert_eq!(baton::__stack_depth(), 0);
    let f = baton::copy_context_to_fn(|n: u32| {
        std::mem::forget(baton::set_baggage("leaked", &n.to_string()));
        baton::baggage("leaked")
    });
    for n in 0..3 {
        assert_eq!(f(n), Some(n.to_string()));
        assert_eq!(baton::baggage("leaked"), None);
        assert_eq!(baton::__stack_depth(), 0);
    }
}

#[test]
fn a_job_that_leaks_then_panics_inside_its_own_span_still_restores_it() {
    let _one = one_at_a_time();
    common::exporter();
    let request = baton::span("panicking request").enter();
    let trace_id = request.trace_id();
    let depth = baton::__stack_depth();
    let job = baton::copy_context_to_thread(|| {
        std::mem::forget(baton::span("leaked before the panic").enter());
        panic!("job failed");
    });
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    assert!(caught.is_err());
    assert_eq!(current_name().as_deref(), Some("panicking request"));
    assert_eq!(baton::__stack_depth(), depth);
    drop(request);
    common::assert_recorded_panic(trace_id, "leaked before the panic", "job failed");
}

/// Two futures wrapped in the current context and polled inside it: one
/// holds a guard across `.await`, the other must never see it.
fn guard_held_across_await_inside_the_wrapping_context(
) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let seen_by_own = Rc::new(RefCell::new(Vec::new()));
    let seen_by_other = Rc::new(RefCell::new(Vec::new()));
    let own = seen_by_own.clone();
    let leaking = async move {
        let _g = baton::span("held").enter();
        own.borrow_mut().push(current_name());
        YieldN(2).await;
        own.borrow_mut().push(current_name());
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
    run_round_robin(vec![Box::pin(leaking), Box::pin(bystander)]);
    let own = seen_by_own.borrow().clone();
    let other = seen_by_other.borrow().clone();
    (own, other)
}

#[test]
fn a_guard_held_across_await_inside_the_wrapping_span_is_seen_only_by_its_future() {
    let _one = one_at_a_time();
    common::exporter();
    let request = baton::span("request").enter();
    let trace_id = request.trace_id();
    let depth = baton::__stack_depth();
    let before = diagnostic_count(DiagnosticKind::GuardHeldAcrossAwait);
    let (own, other) = guard_held_across_await_inside_the_wrapping_context();
    assert_eq!(own, [Some("held".to_owned()), Some("held".to_owned())]);
    assert_eq!(other, vec![Some("request".to_owned()); 4]);
    assert_eq!(current_name().as_deref(), Some("request"));
    assert_eq!(baton::__stack_depth(), depth);
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardHeldAcrossAwait) - before,
        1
    );
    drop(request);
    assert_eq!(common::tree(trace_id), "request\n  held\n");
}

#[test]
fn a_guard_held_across_await_with_no_context_is_seen_only_by_its_future() {
    let _one = one_at_a_time();
    assert_eq!(baton::__stack_depth(), 0);
    let (own, other) = guard_held_across_await_inside_the_wrapping_context();
    assert_eq!(own, [Some("held".to_owned()), Some("held".to_owned())]);
    assert_eq!(other, vec![None; 4]);
    assert_eq!(baton::__stack_depth(), 0);
}

#[test]
fn a_future_that_drops_the_guard_of_the_span_it_runs_in_ends_that_span() {
    let _one = one_at_a_time();
    common::exporter();
    let outer = baton::span("outer").enter();
    let trace_id = outer.trace_id();
    let depth = baton::__stack_depth();
    let inner = baton::span("inner").enter();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let saw = seen.clone();
    let fut = async move {
        saw.borrow_mut().push(current_name());
        drop(inner);
        saw.borrow_mut().push(current_name());
    }
    .in_current_context();
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    run_round_robin(vec![Box::pin(fut)]);
    // The future stays in the context it was wrapped in for the whole
    // poll; the guard, dropped inside it, was dropped out of order.
    assert_eq!(
        *seen.borrow(),
        [Some("inner".to_owned()), Some("inner".to_owned())]
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
    assert_eq!(current_name().as_deref(), Some("outer"));
    assert_eq!(baton::__stack_depth(), depth);
    drop(outer);
    assert_eq!(common::tree(trace_id), "outer\n  inner\n");
}

#[test]
fn runs_marked_inside_runs_marked_each_take_off_their_own_leaks() {
    let _one = one_at_a_time();
    let request = baton::span("request").enter();
    let depth = baton::__stack_depth();
    let inner = baton::copy_context_to_fn(|n: u32| {
        std::mem::forget(baton::set_baggage("inner-leak", &n.to_string()));
        baton::baggage("inner-leak")
    });
    let outer = baton::copy_context_to_thread(move || {
        let seen = (inner(1), baton::baggage("inner-leak"), inner(2));
        std::mem::forget(baton::set_baggage("outer-leak", "1"));
        (seen, baton::baggage("outer-leak"))
    });
    let ((first, between, second), outer_leak) = outer();
    assert_eq!(
        (first.as_deref(), between, second.as_deref()),
        (Some("1"), None, Some("2"))
    );
    assert_eq!(outer_leak.as_deref(), Some("1"));
    assert_eq!(baton::baggage("outer-leak"), None);
    assert_eq!(current_name().as_deref(), Some("request"));
    assert_eq!(baton::__stack_depth(), depth);
    drop(request);
    assert_eq!(baton::__stack_depth(), depth - 1);
}

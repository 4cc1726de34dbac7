//! The spare reference to an entered span's context (kept when a copy of
//! it is detached on the same thread, taken by the next capture) against a
//! model that has no spare: in any sequence of entered spans, captures,
//! attaches, jobs run by their caller, futures in the current context or
//! in a kept capture, and out-of-order drops, the current context is always the span on top's
//! own, the one every handle to that span gives, and each span is exported
//! once.

mod common;

use baton::{Context, FutureExt, SpanId};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// Enters a new span as a child of the current one.
    Enter,
    /// Drops the guard at this index from the top (0 the newest): out of
    /// order for any other, which leaves the frame dead under newer ones.
    DropGuard(usize),
    /// Captures the current context and keeps it.
    Capture,
    /// Attaches a copy of a kept capture and detaches it at once.
    AttachKept(usize),
    /// Lets go of a kept capture.
    DropKept(usize),
    /// A job made with `copy_context_to_thread`, run by this thread.
    Job,
    /// A ready future run in the current context.
    Future,
    /// A ready future run in a copy of a kept capture, which may be of
    /// another span than the one on top.
    FutureKept(usize),
    /// Compares the current context with the span on top's own, taken
    /// through a handle (both captures, which take a spare).
    Check,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Enter),
        2 => (0..3usize).prop_map(Op::DropGuard),
        2 => Just(Op::Capture),
        3 => (0..4usize).prop_map(Op::AttachKept),
        1 => (0..4usize).prop_map(Op::DropKept),
        3 => Just(Op::Job),
        2 => Just(Op::Future),
        2 => (0..4usize).prop_map(Op::FutureKept),
        2 => Just(Op::Check),
    ]
}

/// The span the model says is current: the newest guard still held.
fn top(guards: &[(SpanId, baton::SpanGuard)]) -> Option<SpanId> {
    guards.last().map(|(id, _)| *id)
}

fn current_id() -> Option<SpanId> {
    Context::current().span_context().map(|sc| sc.span_id())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_current_context_is_always_the_top_spans_own(ops in prop::collection::vec(op(), 1..40)) {
        common::exporter();
        let trace = baton::span("root").root().enter();
        let trace_id = trace.trace_id();
        let mut guards = vec![(trace.span_id(), trace)];
        let mut kept: Vec<Context> = Vec::new();
        let mut entered = 1;
        for op in ops {
            match op {
                Op::Enter => {
                    let guard = baton::span("child").enter();
                    guards.push((guard.span_id(), guard));
                    entered += 1;
                }
                Op::DropGuard(from_top) => {
                    // The root stays, so that every span is of one trace.
                    if guards.len() > 1 + from_top {
                        let at = guards.len() - 1 - from_top;
                        drop(guards.remove(at));
                    }
                }
                Op::Capture => {
                    let cx = Context::current();
                    let id = cx.span_context().map(|sc| sc.span_id());
                    prop_assert_eq!(id, top(&guards), "a capture is of the span on top");
                    kept.push(cx);
                }
                Op::AttachKept(i) => {
                    if let Some(cx) = kept.get(i) {
                        drop(cx.clone().attach());
                    }
                }
                Op::DropKept(i) => {
                    if i < kept.len() {
                        drop(kept.remove(i));
                    }
                }
                Op::Job => {
                    let job = baton::copy_context_to_thread(current_id);
                    prop_assert_eq!(job(), top(&guards), "a job runs in the span on top");
                }
                Op::Future => {
                    let seen = common::block_on(async { current_id() }.in_current_context());
                    prop_assert_eq!(seen, top(&guards), "a future runs in the span on top");
                }
                Op::FutureKept(i) => {
                    if let Some(cx) = kept.get(i) {
                        let id = cx.span_context().map(|sc| sc.span_id());
                        let seen = common::block_on(async { current_id() }.in_context(cx.clone()));
                        prop_assert_eq!(seen, id, "a future runs in its own context");
                    }
                }
                Op::Check => {
                    prop_assert_eq!(current_id(), top(&guards));
                    // The same snapshot as the span's own, through a handle.
                    let own = baton::current_span().map(|span| span.context());
                    prop_assert!(own.is_some_and(|own| own.ptr_eq(&Context::current())));
                }
            }
            // Read without a capture, so that a spare kept by this step is
            // there for the next.
            prop_assert_eq!(baton::current_span_id(), top(&guards));
        }
        drop(kept);
        while let Some((_, guard)) = guards.pop() {
            drop(guard);
        }
        prop_assert!(!baton::__spare_kept(), "every span's end let go of its spare");
        let mut ids: Vec<SpanId> = common::spans_of(trace_id).iter().map(|s| s.span_id()).collect();
        ids.sort();
        let exported = ids.len();
        ids.dedup();
        prop_assert_eq!(ids.len(), exported, "no span exported twice");
        prop_assert_eq!(exported, entered, "every span exported");
    }
}

//! A span begun before `init` under a received sampled context is a no-op
//! that carries that context (the OpenTelemetry Trace API in the absence
//! of an SDK: "operations on a Tracer, or on Spans, should have no side
//! effects and do nothing"). It never records, so a change made through
//! its guard once the guard can no longer reach it (the wrapped job or
//! future that held its frame returned) is discarded quietly, as the
//! README promises of "a span that never recorded (not sampled, or no
//! pipeline)", also when a pipeline was installed in between.
//!
//! Found: once a pipeline was installed, each such change was reported as
//! a change to an ended span (`span-already-ended`): the guard took its
//! span for one that had recorded because its context is sampled (the
//! upstream caller's flag) and a pipeline is installed now, though the
//! span began without one. The same held under a sampled local span
//! context the application built itself (`Context::with_span_context`),
//! until the guard could read what its span left behind (see
//! `MAX_LEFT_BEHIND`), which says it never recorded. Installs the global
//! pipeline: one test.

use std::collections::HashMap;

use baton::{
    diagnostic_count, Context, DiagnosticKind, FutureExt, SpanContext, SpanGuard, SpanId,
    TraceFlags, TraceId,
};
use common::{block_on, YieldN};

mod common;

const UPSTREAM: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/// Guards of no-op spans whose runs (a wrapped job, a future) took their
/// frames off the stack, under a received context and under a local one
/// the application built.
fn guards_out_of_reach() -> [SpanGuard; 4] {
    let carrier = HashMap::from([("traceparent".to_owned(), UPSTREAM.to_owned())]);
    let [a, b] = {
        let _received = baton::propagated_context(&carrier);
        guards_of_runs()
    };
    let local = SpanContext::new(
        TraceId::from_u128(7).unwrap(),
        SpanId::from_u64(7).unwrap(),
        TraceFlags::default().with_sampled(true),
    );
    let _built = Context::default().with_span_context(local).attach();
    let [c, d] = guards_of_runs();
    [a, b, c, d]
}

/// A guard returned by a wrapped job, and one by a future.
fn guards_of_runs() -> [SpanGuard; 2] {
    let from_job = baton::copy_context_to_thread(|| baton::span("returned by a job").enter())();
    let from_future = block_on(
        async {
            let held = baton::span("held across await").enter();
            YieldN(1).await;
            held
        }
        .in_span(baton::span("future")),
    );
    [from_job, from_future]
}

fn changes_reported(guard: &SpanGuard) -> u64 {
    let before = diagnostic_count(DiagnosticKind::SpanAlreadyEnded);
    guard.set_attribute("late", 1);
    guard.add_event("late", Vec::new());
    guard.set_status(baton::Status::Ok);
    guard.end();
    diagnostic_count(DiagnosticKind::SpanAlreadyEnded) - before
}

#[test]
fn changes_through_an_unreachable_no_op_guard_are_not_reported_after_init() {
    let guards = guards_out_of_reach();
    for guard in &guards {
        assert!(!guard.is_recording());
        assert!(guard.span_context().is_sampled(), "the upstream's flag");
        assert_eq!(changes_reported(guard), 0, "no pipeline yet");
    }
    let _pipeline = baton::init(baton::Config::new()).unwrap();
    for guard in &guards {
        assert_eq!(changes_reported(guard), 0, "the span never recorded");
    }
}

//! A span's context captured and attached again on the same thread (a job
//! run by its caller, `Context::current()` then `attach`, or a future run
//! in the current context): the detached or dropped copy is kept as a
//! spare for the next capture, which spares two atomic reference-count
//! operations per handoff. The spare must be the same
//! snapshot, must never stand in for another span's context, and must be
//! let go of when its span ends, whose record then reaches the exporter
//! once and whole.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, Waker};

use baton::{Context, FutureExt, SpanData};

fn exported(trace_id: baton::TraceId, name: &str) -> Vec<SpanData> {
    common::spans_of(trace_id)
        .into_iter()
        .filter(|s| s.name == name)
        .collect()
}

#[test]
fn a_job_run_by_its_caller_leaves_a_spare_that_the_next_capture_takes() {
    common::exporter();
    let span = baton::span("request").enter();
    let first = Context::current();
    let job = baton::copy_context_to_thread(|| baton::current_span().map(|s| s.name().to_owned()));
    assert!(!baton::__spare_kept());
    assert_eq!(job().as_deref(), Some("request"));
    assert!(baton::__spare_kept(), "the detached copy is kept");
    let next = Context::current();
    assert!(!baton::__spare_kept(), "the capture takes it");
    assert!(next.ptr_eq(&first));
    drop((first, next));
    drop(span);
    assert!(!baton::__spare_kept());
}

#[test]
fn ending_the_span_lets_go_of_its_spare_and_exports_it_once() {
    common::exporter();
    let span = baton::span("request").enter();
    let trace_id = span.trace_id();
    // A handle that outlives the span; setting through it after the end
    // changes nothing exported.
    let late = baton::current_span().unwrap();
    for i in 0..100_i64 {
        let job = baton::copy_context_to_thread(move || {
            baton::current_span().unwrap().set_attribute("i", i);
        });
        job();
    }
    assert!(baton::__spare_kept());
    drop(span);
    assert!(
        !baton::__spare_kept(),
        "the span's end lets go of the spare"
    );
    late.set_attribute("late", true);
    let spans = exported(trace_id, "request");
    assert_eq!(spans.len(), 1, "exported once");
    let attributes: Vec<_> = spans[0]
        .attributes
        .iter()
        .map(|kv| kv.key.to_string())
        .collect();
    assert_eq!(attributes, ["i"]);
    assert_eq!(spans[0].attributes[0].value, baton::Value::from(99_i64));
}

#[test]
fn only_the_span_on_top_keeps_a_spare() {
    common::exporter();
    let parent = baton::span("parent").enter();
    let parent_cx = Context::current();
    let child = baton::span("child").enter();
    drop(parent_cx.clone().attach());
    assert!(
        !baton::__spare_kept(),
        "the parent's context is not the child's"
    );
    // Derived from the child's context, not the child's own.
    drop(Context::current().with_baggage("k", "v").attach());
    assert!(!baton::__spare_kept());
    drop(Context::current().attach());
    assert!(baton::__spare_kept());
    drop(child);
    assert!(
        !baton::__spare_kept(),
        "the child's end lets go of its spare"
    );
    assert_eq!(baton::current_span().unwrap().name(), "parent");
    assert!(Context::current().ptr_eq(&parent_cx));
    drop(parent);
}

#[test]
fn a_spare_is_not_taken_for_another_span() {
    common::exporter();
    let parent = baton::span("parent").enter();
    let parent_cx = Context::current();
    drop(parent_cx.clone().attach());
    assert!(baton::__spare_kept());
    let child = baton::span("child").enter();
    let child_cx = Context::current();
    assert_eq!(
        child_cx.span_context().unwrap().parent_span_id(),
        Some(parent.span_id())
    );
    assert!(!child_cx.ptr_eq(&parent_cx));
    assert!(
        baton::__spare_kept(),
        "the parent's spare waits for the parent"
    );
    drop(child_cx);
    drop(child);
    assert!(Context::current().ptr_eq(&parent_cx));
    assert!(!baton::__spare_kept(), "the parent's capture took it");
    drop(parent);
}

#[test]
fn a_span_entered_where_another_ended_gets_its_own_context() {
    common::exporter();
    let first = baton::span("first").enter();
    let first_cx = Context::current();
    drop(first_cx.clone().attach());
    assert!(baton::__spare_kept());
    drop(first_cx);
    drop(first);
    assert!(!baton::__spare_kept());
    // At the same depth, in a frame of its own: the spare kept next is of
    // this span, whose shared context may lie where the first's did.
    let second = baton::span("second").enter();
    let second_cx = Context::current();
    assert_eq!(
        second_cx.span_context().unwrap().span_id(),
        second.span_id()
    );
    drop(second_cx.clone().attach());
    assert!(baton::__spare_kept());
    let again = Context::current();
    assert!(again.ptr_eq(&second_cx));
    assert!(!baton::__spare_kept(), "the capture took it");
    drop((again, second_cx));
    drop(second);
    assert!(Context::current().span_context().is_none());
}

#[test]
fn a_span_ended_explicitly_still_lets_go_at_its_guard() {
    common::exporter();
    let span = baton::span("request").enter();
    let trace_id = span.trace_id();
    drop(Context::current().attach());
    assert!(baton::__spare_kept());
    span.end();
    assert_eq!(exported(trace_id, "request").len(), 1);
    drop(span);
    assert!(!baton::__spare_kept());
    assert_eq!(exported(trace_id, "request").len(), 1, "ended once");
}

#[test]
fn a_span_context_detached_out_of_order_still_comes_off() {
    common::exporter();
    let span = baton::span("request").enter();
    let depth = baton::__stack_depth();
    let own = Context::current().attach();
    let newer = Context::current().with_baggage("k", "v").attach();
    // Out of order: only marked dead while `newer` is live (reported).
    drop(own);
    assert!(!baton::__spare_kept());
    assert_eq!(baton::baggage("k").as_deref(), Some("v"));
    drop(newer);
    assert_eq!(baton::__stack_depth(), depth, "both frames came off");
    assert_eq!(baton::current_span().unwrap().name(), "request");
    drop(span);
}

/// Pending at its first poll, ready at its second.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_spare_of_a_span_that_ended_on_another_thread_is_replaced() {
    common::exporter();
    // A future's span, whose own context is attached and detached during
    // the first poll here: the spare is of a span that then leaves this
    // thread, is resumed on another and ends there.
    let mut fut = Box::pin(
        async {
            baton::current_span().unwrap().set_attribute("first", true);
            drop(Context::current().attach());
            YieldOnce(false).await;
        }
        .in_span(baton::span("moved")),
    );
    let waker = Waker::noop();
    assert!(fut
        .as_mut()
        .poll(&mut TaskContext::from_waker(waker))
        .is_pending());
    assert!(
        baton::__spare_kept(),
        "kept while the future's span was on top"
    );
    let resumed = std::thread::spawn(move || {
        fut.as_mut()
            .poll(&mut TaskContext::from_waker(Waker::noop()))
            .is_ready()
    });
    assert!(resumed.join().unwrap(), "completed on the other thread");

    // Here, a span of this thread keeps its own spare in place of the
    // stale one, and the next capture takes it.
    let span = baton::span("here").enter();
    let first = Context::current();
    drop(first.clone().attach());
    assert!(baton::__spare_kept());
    assert!(Context::current().ptr_eq(&first));
    assert!(!baton::__spare_kept(), "the capture took this span's spare");
    drop(first);
    let here = span.trace_id();
    drop(span);

    let moved = common::exporter()
        .finished_spans()
        .into_iter()
        .filter(|s| s.name == "moved")
        .collect::<Vec<_>>();
    assert_eq!(moved.len(), 1, "exported once, from the other thread");
    assert_eq!(moved[0].attributes[0].key, "first");
    assert_eq!(exported(here, "here").len(), 1);
}

fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut
            .as_mut()
            .poll(&mut TaskContext::from_waker(Waker::noop()))
        {
            return v;
        }
    }
}

#[test]
fn a_future_run_in_the_current_context_leaves_its_context_as_the_spare() {
    common::exporter();
    let span = baton::span("request").enter();
    let trace_id = span.trace_id();
    let first = Context::current();
    let seen =
        block_on(async { baton::current_span().map(|s| s.name().to_owned()) }.in_current_context());
    assert_eq!(seen.as_deref(), Some("request"));
    assert!(
        baton::__spare_kept(),
        "the completed future's context is kept"
    );
    let next = Context::current();
    assert!(!baton::__spare_kept(), "the capture takes it");
    assert!(next.ptr_eq(&first));
    drop((first, next));
    // Futures in a context derived from the span's, or in another span's,
    // leave no spare.
    block_on(async {}.in_context(Context::current().with_baggage("k", "v")));
    assert!(!baton::__spare_kept());
    let other = baton::span("other").root().start();
    block_on(async {}.in_context(other.context()));
    assert!(!baton::__spare_kept());
    drop(other);
    block_on(async {}.in_current_context());
    assert!(baton::__spare_kept());
    drop(span);
    assert!(!baton::__spare_kept(), "the span's end lets go of it");
    assert_eq!(exported(trace_id, "request").len(), 1, "exported once");
}

#[test]
fn a_future_dropped_unpolled_offers_its_context_too() {
    common::exporter();
    let span = baton::span("request").enter();
    drop(async {}.in_current_context());
    assert!(baton::__spare_kept());
    // Dropped where its span is not on top: not kept.
    let fut = async {}.in_current_context();
    assert!(!baton::__spare_kept(), "the capture took the spare");
    let child = baton::span("child").enter();
    drop(fut);
    assert!(!baton::__spare_kept(), "not the child's context");
    drop(child);
    drop(span);
}

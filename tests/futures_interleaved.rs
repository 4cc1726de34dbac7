//! Two futures interleaved on one thread by a hand-written schedule, including
//! drops, never see each other's context, and the thread's own context is
//! untouched between polls.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll, Waker};

use baton::FutureExt;

/// Polls `fut` once with a no-op waker.
fn poll_once<F: Future>(fut: &mut Pin<Box<F>>) -> Poll<F::Output> {
    fut.as_mut()
        .poll(&mut TaskContext::from_waker(Waker::noop()))
}

/// A future that records what it sees at each step, then yields.
async fn observe(steps: usize, log: std::sync::Arc<std::sync::Mutex<Vec<String>>>) -> usize {
    for _ in 0..steps {
        let who = baton::baggage("who").unwrap_or_else(|| "-".into());
        log.lock().unwrap().push(who);
        common::YieldN(1).await;
    }
    steps
}

#[test]
fn interleaved_polls_and_drops_keep_contexts_apart() {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut a = {
        let _g = baton::set_baggage("who", "a");
        Box::pin(observe(3, log.clone()).in_current_context())
    };
    let mut b = Box::pin(
        observe(3, log.clone()).in_context(baton::Context::default().with_baggage("who", "b")),
    );
    let _mine = baton::set_baggage("who", "thread");

    // Schedule: a, b, b, a, (drop b mid-way), a, a.
    assert!(poll_once(&mut a).is_pending());
    assert_eq!(baton::baggage("who").as_deref(), Some("thread"));
    assert!(poll_once(&mut b).is_pending());
    assert!(poll_once(&mut b).is_pending());
    assert!(poll_once(&mut a).is_pending());
    drop(b);
    assert_eq!(baton::baggage("who").as_deref(), Some("thread"));
    assert!(poll_once(&mut a).is_pending());
    assert_eq!(poll_once(&mut a), Poll::Ready(3));
    assert_eq!(*log.lock().unwrap(), ["a", "b", "b", "a", "a"]);
    assert_eq!(baton::baggage("who").as_deref(), Some("thread"));
}

/// Records the context its drop runs in.
struct DropProbe(std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl Drop for DropProbe {
    fn drop(&mut self) {
        *self.0.lock().unwrap() = baton::baggage("who");
    }
}

/// A future holding a [`DropProbe`], wrapped in a context with `who=owner`.
fn probed(seen: &std::sync::Arc<std::sync::Mutex<Option<String>>>) -> impl Future<Output = ()> {
    let probe = DropProbe(seen.clone());
    async move {
        let _probe = probe;
        common::YieldN(5).await;
    }
    .in_context(baton::Context::default().with_baggage("who", "owner"))
}

#[test]
fn the_inner_future_is_dropped_inside_its_context() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let mut fut = Box::pin(probed(&seen));
    assert!(poll_once(&mut fut).is_pending());
    drop(fut);
    assert_eq!(seen.lock().unwrap().as_deref(), Some("owner"));
    assert_eq!(baton::baggage("who"), None);
}

#[test]
fn a_future_dropped_before_its_first_poll_is_dropped_inside_its_context() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    drop(probed(&seen));
    assert_eq!(seen.lock().unwrap().as_deref(), Some("owner"));
    assert_eq!(baton::baggage("who"), None);
}

#[test]
fn in_span_is_current_only_while_polled_and_ends_on_completion_or_drop() {
    common::exporter();
    let root = baton::span("root").enter();
    let trace_id = root.trace_id();
    let mut done = Box::pin(
        async {
            common::YieldN(1).await;
            baton::current_span().unwrap().name().to_owned()
        }
        .in_span(baton::span("completes")),
    );
    let mut dropped = Box::pin(common::YieldN(10).in_span(baton::span("dropped")));
    assert!(poll_once(&mut done).is_pending());
    assert_eq!(
        baton::current_span().unwrap().name(),
        "root",
        "not current between polls"
    );
    assert!(poll_once(&mut dropped).is_pending());
    assert_eq!(poll_once(&mut done), Poll::Ready("completes".to_owned()));
    assert!(common::spans_of(trace_id)
        .iter()
        .any(|s| s.name == "completes"));
    drop(dropped);
    drop(root);
    assert_eq!(common::tree(trace_id), "root\n  completes\n  dropped\n");
}

/// Panics on its second poll.
struct PanicOnSecondPoll(bool);

impl Future for PanicOnSecondPoll {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<()> {
        assert!(!self.0, "second poll");
        self.0 = true;
        task.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_panicking_poll_detaches_and_the_wrapper_keeps_its_context() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let probe = DropProbe(seen.clone());
    let mut fut = Box::pin(
        async move {
            let _probe = probe;
            PanicOnSecondPoll(false).await;
        }
        .in_context(baton::Context::default().with_baggage("who", "owner")),
    );
    assert!(poll_once(&mut fut).is_pending());
    let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poll_once(&mut fut)));
    assert!(unwound.is_err());
    assert_eq!(baton::__stack_depth(), 0, "the poll's frame came off");
    assert_eq!(baton::baggage("who"), None);
    // The panic dropped the inner future's locals while unwinding, inside
    // the context; the wrapper still holds it for anything left.
    assert_eq!(seen.lock().unwrap().as_deref(), Some("owner"));
    drop(fut);
    assert_eq!(baton::__stack_depth(), 0);
}

//! A future holding a guard across `.await` and a forgotten one, kept in a
//! thread-local and dropped when its thread exits: before baton's stack is
//! destroyed (inside its context, its guards coming off as usual) or after
//! it (outside any context, reported): either way every span of the future
//! ends once, with the parent it was started under.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Waker};

use baton::{span, FutureExt};

type Task = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    static KEPT: RefCell<Option<Task>> = const { RefCell::new(None) };
}

/// Starts a span as the future's state drops, under what is current then.
struct StartsASpanAsItDrops;

impl Drop for StartsASpanAsItDrops {
    fn drop(&mut self) {
        drop(span("in the drop").start());
    }
}

/// Runs a thread that keeps the future in `KEPT`, made before baton's
/// stack if `kept_first` (so destroyed after it); the spans it ended.
fn exits_keeping_the_future(kept_first: bool) -> Vec<baton::SpanData> {
    common::record(|| {
        std::thread::spawn(move || {
            if kept_first {
                KEPT.with(|_| ());
            }
            let _outer = span("outer").enter();
            let mut fut: Task = Box::pin(
                async {
                    let _drops = StartsASpanAsItDrops;
                    let _held = span("held").enter();
                    common::YieldN(1).await;
                    let _held2 = span("held2").enter();
                    std::mem::forget(span("leaked").enter());
                    common::YieldN(5).await;
                }
                .in_span(span("task")),
            );
            let mut cx = TaskContext::from_waker(Waker::noop());
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            KEPT.with(|k| *k.borrow_mut() = Some(fut));
        })
        .join()
        .unwrap();
    })
}

#[test]
fn every_span_of_the_future_ends_once_whichever_is_destroyed_first() {
    for kept_first in [true, false] {
        let spans = exits_keeping_the_future(kept_first);
        let find = |n: &str| {
            let found: Vec<_> = spans.iter().filter(|s| s.name == n).collect();
            assert_eq!(found.len(), 1, "{n}, kept first: {kept_first}: {spans:?}");
            found[0].clone()
        };
        assert_eq!(find("task").parent_span_id, Some(find("outer").span_id()));
        assert_eq!(find("held").parent_span_id, Some(find("task").span_id()));
        assert_eq!(find("held2").parent_span_id, Some(find("held").span_id()));
        assert_eq!(find("leaked").parent_span_id, Some(find("held2").span_id()));
        // Before the stack is gone the future drops inside its context;
        // after, outside any.
        let in_the_drop = find("in the drop").parent_span_id;
        let expected = (!kept_first).then(|| find("leaked").span_id());
        assert_eq!(in_the_drop, expected, "kept first: {kept_first}");
    }
}

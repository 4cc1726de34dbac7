//! A future run in a captured context (`in_current_context`) that holds a
//! guard across `.await`, polled on a worker inside its long-lived span of
//! another trace: the spans that ended inside the held guard's span during
//! the poll are handed to the batch processor when the poll sets that
//! guard aside, as they are for a future with a span of its own, so a
//! flush from another thread exports them. Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use std::future::Future;
use std::task::{Context, Poll, Waker};

use baton::FutureExt;
use flushed_pipeline::exported_while_a_worker_span_is_open;

/// Pending once, then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[test]
fn a_held_guards_children_are_handed_over_when_the_poll_sets_it_aside() {
    let (exported, counts) = exported_while_a_worker_span_is_open(|| {
        let future = {
            let _request = baton::span("request").root().enter();
            async {
                let _held = baton::span("held").enter();
                drop(baton::span("held's child").enter());
                YieldOnce(false).await;
            }
            .in_current_context()
        };
        let mut future = Box::pin(future);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        // Kept pending past the flush, so that "held" is still open.
        std::mem::forget(future);
    });
    assert_eq!(exported, ["held's child", "request"]);
    assert_eq!(counts.2, 0, "nothing dropped");
}

//! A future run in the context of the span it owns the guard of (wrapped
//! with `in_current_context` inside that span, polled there) and dropping
//! that guard, on a worker inside its long-lived span of another trace:
//! the span ends then, and the spans that ended inside it are handed to
//! the batch processor when its frame comes off after the poll, so a
//! flush from another thread exports them, as when the guard drops
//! outside a future. Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use std::future::Future;
use std::task::{Context, Waker};

use baton::FutureExt;
use flushed_pipeline::exported_while_a_worker_span_is_open;

#[test]
fn the_spans_children_are_handed_over_when_its_frame_comes_off() {
    let (exported, counts) = exported_while_a_worker_span_is_open(|| {
        let job = baton::span("job").root().enter();
        drop(baton::span("job's child").enter());
        let future = std::pin::pin!(async move { drop(job) }.in_current_context());
        assert!(future
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_ready());
    });
    assert_eq!(exported, ["job", "job's child"]);
    assert_eq!(counts, (3, 3, 0));
}

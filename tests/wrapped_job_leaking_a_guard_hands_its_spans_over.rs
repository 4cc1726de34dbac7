//! A wrapped job of another trace that leaves a guard live, run on a
//! worker inside its long-lived span, is complete when it returns: the
//! leaked guard's span ends then (reported), and the spans that ended
//! inside it are handed to the batch processor with it, so a flush from
//! another thread exports them, as it does when the job drops its guards.
//! Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::exported_while_a_worker_span_is_open;

#[test]
fn a_leaked_guards_children_are_handed_over_when_the_job_returns() {
    let (exported, counts) = exported_while_a_worker_span_is_open(|| {
        let job = {
            let _request = baton::span("request").root().enter();
            baton::copy_context_to_thread(|| {
                std::mem::forget(baton::span("leaked").enter());
                drop(baton::span("leaked's child").enter());
            })
        };
        job();
    });
    assert_eq!(exported, ["leaked", "leaked's child", "request"]);
    assert_eq!(counts, (4, 4, 0));
}

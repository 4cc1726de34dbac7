//! Inside a worker's long-lived span, a job of another trace is complete
//! when its last span ends, whatever order its guards were dropped in:
//! its spans are handed to the batch processor then, as they are when
//! the guards drop in order, so a flush from another thread exports
//! them. Found: when the job's root guard was dropped before its child's
//! (reported as out of order), the spans that had ended inside the child
//! stayed in the worker thread's batch until the worker's span ended.
//! Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use baton::{diagnostic_count, DiagnosticKind};
use flushed_pipeline::exported_while_a_worker_span_is_open;

/// A job of its own trace, its guards dropped root first or in order.
fn job(root_first: bool) {
    let job = baton::span("job").root().enter();
    let step = baton::span("step").enter();
    drop(baton::span("step's child").enter());
    if root_first {
        drop(job);
        drop(step);
    } else {
        drop(step);
        drop(job);
    }
}

#[test]
fn a_jobs_spans_are_handed_over_when_its_guards_drop_out_of_order() {
    let all = (
        vec!["job".into(), "step".into(), "step's child".into()],
        (4, 4, 0),
    );
    assert_eq!(
        exported_while_a_worker_span_is_open(|| job(false)),
        all,
        "in order"
    );
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    assert_eq!(
        exported_while_a_worker_span_is_open(|| job(true)),
        all,
        "the root's guard first"
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
}

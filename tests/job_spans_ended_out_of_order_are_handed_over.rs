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

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use baton::{diagnostic_count, DiagnosticKind};

/// Runs a job of its own trace inside a worker span, on a thread of its
/// own, dropping the job's guards in `root_first` order or in order; what
/// a flush from another thread exports while the worker span is open.
fn exported_while_the_worker_is_open(root_first: bool) -> Vec<String> {
    let installed = flushed_pipeline::install();
    let (job_done, done) = mpsc::channel();
    let (to_worker, go_on) = mpsc::channel::<()>();
    let exported = thread::scope(|s| {
        s.spawn(move || {
            let _worker = baton::span("worker").enter();
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
            job_done.send(()).unwrap();
            go_on.recv().unwrap();
        });
        done.recv().unwrap();
        s.spawn(|| baton::export::force_flush(Duration::MAX).unwrap())
            .join()
            .unwrap();
        let mut names: Vec<String> = installed
            .exporter
            .finished_spans()
            .into_iter()
            .map(|s| s.name.into_owned())
            .collect();
        names.sort_unstable();
        to_worker.send(()).unwrap();
        names
    });
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!((stats.produced, stats.exported, stats.dropped), (4, 4, 0));
    exported
}

#[test]
fn a_jobs_spans_are_handed_over_when_its_guards_drop_out_of_order() {
    assert_eq!(
        exported_while_the_worker_is_open(false),
        ["job", "step", "step's child"],
        "in order"
    );
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    assert_eq!(
        exported_while_the_worker_is_open(true),
        ["job", "step", "step's child"],
        "the root's guard first"
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
}

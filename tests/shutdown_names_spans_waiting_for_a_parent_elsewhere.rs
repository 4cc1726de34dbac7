//! With the batch processor, a span ended inside its parent waits in its
//! thread's batch until the parent ends. A shutdown on another thread
//! meanwhile cannot reach it: it says so, with `ParentsOpen`, rather than
//! `Ok`. Found: the shutdown returned `Ok(())` with every count 0, and the
//! child was dropped later, when its parent ended, or never said if the
//! process exited first; with the simple processor it was exported.
//! Installs the global pipeline, one after the other.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use baton::export::ExportError;

/// Shuts down while a worker holds `child`, ended inside its open `parent`
/// (or, with `end_parent`, after the parent ended too). The shutdown's
/// result, and the names exported.
fn shutdown_while_a_worker_holds_a_child(
    end_parent: bool,
) -> (Result<(), ExportError>, Vec<String>) {
    let installed = flushed_pipeline::install();
    let (child_ended, wait_child) = mpsc::channel();
    let (go, wait_go) = mpsc::channel::<()>();
    let worker = thread::spawn(move || {
        let parent = baton::span("parent").enter();
        baton::in_span("child", || {});
        if end_parent {
            drop(parent);
            child_ended.send(()).unwrap();
            wait_go.recv().unwrap();
        } else {
            child_ended.send(()).unwrap();
            wait_go.recv().unwrap();
            drop(parent);
        }
    });
    wait_child.recv().unwrap();
    let shut = installed.pipeline.shutdown(Duration::from_secs(10));
    go.send(()).unwrap();
    worker.join().unwrap();
    let mut names: Vec<String> = installed
        .exporter
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    names.sort();
    (shut, names)
}

#[test]
fn a_shutdown_says_which_spans_wait_for_a_parent_still_open() {
    let dropped_before = baton::export::dropped_spans();
    let (shut, names) = shutdown_while_a_worker_holds_a_child(false);
    let error = shut.unwrap_err();
    assert!(
        matches!(error, ExportError::ParentsOpen { threads: 1, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("1 thread(s) hold spans ended inside a span still open there"),
        "{error}"
    );
    assert!(names.is_empty(), "{names:?}");
    // Both arrived after the close, and were dropped, counted.
    assert_eq!(baton::export::dropped_spans() - dropped_before, 2);

    // Once the parent ended, its batch is handed over with it, and the
    // shutdown delivers both.
    let (shut, names) = shutdown_while_a_worker_holds_a_child(true);
    assert_eq!(shut, Ok(()));
    assert_eq!(names, ["child", "parent"]);

    // A thread's own batch is handed over by its shutdown.
    let installed = flushed_pipeline::install();
    let parent = baton::span("parent").enter();
    baton::in_span("child", || {});
    assert_eq!(installed.pipeline.shutdown(Duration::from_secs(10)), Ok(()));
    drop(parent);
    let names: Vec<String> = installed
        .exporter
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["child"]);
}

//! A span ended while its parent's guard is still alive, but after that
//! parent was ended explicitly (`SpanGuard::end`, the OpenTelemetry
//! `End`), is an ended span whose whole ancestry has ended. A
//! `force_flush` from another thread must export it: the SDK spec's
//! ForceFlush ("the built-in SpanProcessors MUST ... call the exporter's
//! `Export` with all spans for which this was not already done"), and
//! `End` "MUST NOT have any effects on child spans".
//!
//! Bug: the batch processor's per-thread batch kept the children back
//! until the parent's frame left the stack (`local_batch`), on the ground
//! that their parent "is still open" and "no flush exports" it; but the
//! parent had ended and was exported, so the flush left out ended spans of
//! a finished trace: one ended after the parent's end, and one ended
//! before it that waited for it. Now an explicit end hands on what waited
//! for the span, and a span whose parent has ended waits for nothing.
//! Installs the global pipeline.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

/// Runs, on a thread of its own: "parent" entered, a child "work" ended
/// in it, the parent ended through its guard, then `after` (children ended
/// after the parent's end); then, the guard still alive, flushes from a
/// third thread. The names the flush exported.
fn flushed_while_the_guard_lives(
    installed: &flushed_pipeline::Installed,
    after: impl FnOnce() + Send,
) -> Vec<String> {
    let (ended, at_step) = mpsc::channel::<()>();
    let (go_on, wait) = mpsc::channel::<()>();
    thread::scope(|s| {
        s.spawn(move || {
            let parent = baton::span("parent").enter();
            drop(baton::span("work").enter());
            // The request is answered: its span ends, as the API allows,
            // while cleanup work under it may still run in child spans.
            parent.end();
            after();
            ended.send(()).unwrap();
            // The guard lives on (a long request handler, a worker loop).
            let _ = wait.recv();
            drop(parent);
        });
        at_step.recv().unwrap();
        // Every span has ended; a FaaS hook flushes from its own thread.
        thread::scope(|f| {
            f.spawn(|| baton::export::force_flush(Duration::MAX).unwrap());
        });
        let names = installed
            .exporter
            .take()
            .into_iter()
            .map(|s| s.name.into_owned())
            .collect();
        go_on.send(()).unwrap();
        names
    })
}

#[test]
fn children_ended_before_and_after_their_parent_ended_reach_a_flush_from_another_thread() {
    let installed = flushed_pipeline::install();
    // A child that waited for the parent goes on with the parent's end.
    assert_eq!(
        flushed_while_the_guard_lives(&installed, || {}),
        ["parent", "work"]
    );
    // One that ends after it waits for nothing.
    assert_eq!(
        flushed_while_the_guard_lives(&installed, || drop(baton::span("cleanup").enter())),
        ["parent", "work", "cleanup"]
    );
}

//! A span ended while its parent's guard is still alive, but after that
//! parent was ended explicitly (`SpanGuard::end`, the OpenTelemetry
//! `End`), is an ended span whose whole ancestry has ended. A
//! `force_flush` from another thread must export it: the SDK spec's
//! ForceFlush ("the built-in SpanProcessors MUST ... call the exporter's
//! `Export` with all spans for which this was not already done"), and
//! `End` "MUST NOT have any effects on child spans". So also when the
//! parent is ended through a handle on another thread.
//!
//! Bug: the batch processor's per-thread batch kept the children back
//! until the parent's frame left the stack (`local_batch`), on the ground
//! that their parent "is still open" and "no flush exports" it; but the
//! parent had ended and was exported, so the flush left out ended spans of
//! a finished trace: one ended after the parent's end, and one ended
//! before it that waited for it. Now an explicit end hands on what waited
//! for the span, and a span whose parent has ended waits for nothing.
//! Installs the global pipeline.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

/// On a thread of its own: "parent" entered, a child "work" ended in it,
/// the parent ended through its guard, then `after` (children ended after
/// the parent's end); the guard still alive, a flush from a third thread.
/// The names the flush exported.
fn flushed_while_the_guard_lives(
    installed: &flushed_pipeline::Installed,
    after: impl FnOnce() + Send,
) -> Vec<String> {
    flushed_pipeline::flushed_while_kept(installed, || {
        let parent = baton::span("parent").enter();
        drop(baton::span("work").enter());
        // The request is answered: its span ends, as the API allows,
        // while cleanup work under it may still run in child spans.
        parent.end();
        after();
        // The guard lives on (a long request handler, a worker loop).
        parent
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
    // Ended through a handle carried to another thread (a job's
    // `current_span().end()`): the spans that end under it here after
    // that wait for nothing either, and take along those that waited.
    let names = flushed_pipeline::flushed_while_kept(&installed, || {
        let parent = baton::span("parent").enter();
        drop(baton::span("work").enter());
        let job = baton::copy_context_to_thread(|| baton::current_span().map(|span| span.end()));
        assert_eq!(std::thread::spawn(job).join().unwrap(), Some(()));
        drop(baton::span("cleanup").enter());
        parent
    });
    assert_eq!(names, ["parent", "work", "cleanup"]);
    // A span of its own (`Span::end`), never open in the stack, ends
    // nothing early there: the child of the open parent waits for it.
    let names = flushed_pipeline::flushed_while_kept(&installed, || {
        let parent = baton::span("parent").enter();
        drop(baton::span("work").enter());
        baton::span("apart").start().end();
        parent
    });
    assert_eq!(names, ["apart"]);
}

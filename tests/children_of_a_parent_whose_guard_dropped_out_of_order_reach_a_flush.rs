//! A span whose guard drops out of order (a newer context guard still
//! live) ends then, reported; its frame stays, dead, under the live one.
//! Bug: the children that ended inside it waited in the thread's batch for
//! that dead frame to come off, when the newer guard dropped, and a flush
//! from another thread meanwhile missed them, though they and their parent
//! had ended (last session's known shortcoming). Now they go on with the
//! parent, and a child ended later under the newer guard waits for nothing.
//! Installs the global pipeline.

use baton::{diagnostic_count, DiagnosticKind};

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

#[test]
fn children_of_a_parent_ended_out_of_order_reach_a_flush_from_another_thread() {
    let installed = flushed_pipeline::install();
    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    let mut names = flushed_pipeline::flushed_while_kept(&installed, || {
        let parent = baton::span("parent").enter();
        drop(baton::span("work").enter());
        let newer = baton::Context::current().attach();
        drop(parent);
        drop(baton::span("cleanup").enter());
        // The newer guard lives on (a long request handler).
        newer
    });
    assert_eq!(
        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before,
        1
    );
    names.sort();
    assert_eq!(names, ["cleanup", "parent", "work"]);
}

//! A span guard that outlives the run its frame belonged to (returned by
//! the future it was held in across `.await`, or by a wrapped job) can no
//! longer reach its span, which that run ended: a change made through it
//! afterwards is lost, and reported as a change to an ended span
//! (`span-already-ended`) with the caller's line, as the README promises
//! for every change to an ended span, not discarded in silence.

mod common;

use baton::{diagnostic_count, span, DiagnosticKind, SpanGuard};

fn already_ended() -> u64 {
    diagnostic_count(DiagnosticKind::SpanAlreadyEnded)
}

/// Changes `guard`'s span in every way a guard can, after it was ended by
/// the run that held it; how many of them were reported.
fn changes_reported(guard: SpanGuard) -> u64 {
    let before = already_ended();
    guard.set_attribute("late", 1);
    guard.add_event("late", Vec::new());
    guard.set_status(baton::Status::Ok);
    guard.end();
    guard.end_at(1);
    let reported = already_ended() - before;
    drop(guard);
    reported
}

#[test]
fn changes_through_a_guard_whose_run_ended_its_span_are_reported() {
    let spans = common::record(|| {
        for guard in common::guards_that_outlived_their_runs() {
            assert!(!guard.is_recording());
            assert_eq!(changes_reported(guard), 5);
        }
    });
    // Each span was exported once, when its run ended it, without the changes.
    let mut names: Vec<&str> = spans.iter().map(|s| &*s.name).collect();
    names.sort_unstable();
    assert_eq!(names, ["future", "held across await", "returned by a job"]);
    assert!(spans
        .iter()
        .all(|s| s.attributes.is_empty() && s.events.is_empty()));
}

#[test]
fn a_guard_on_its_own_live_frame_reports_nothing() {
    common::record(|| {
        let before = already_ended();
        let guard = span("live").enter();
        guard.set_attribute("k", "v");
        guard.end();
        assert_eq!(already_ended(), before);
        guard.set_attribute("after end", 1);
        assert_eq!(already_ended(), before + 1);
    });
}

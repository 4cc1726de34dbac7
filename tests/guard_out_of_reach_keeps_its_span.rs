//! A guard out of reach (returned out of the wrapped job that took its
//! frame off the stack and ended its span) still gives its span: its
//! name, as `Span::name` does once the span ended, and its context, with
//! the span's name, baggage and ended record, as an ended `Span`'s. It
//! gave `""` and a context holding the span's ids alone (found by the
//! state-matrix audit, `tests/common/api_matrix.rs`, which checks it in
//! every state and pipeline state). Past `MAX_LEFT_BEHIND` such spans on
//! a thread, the oldest guard gives its span's ids alone.

use std::collections::HashMap;
use std::sync::OnceLock;

use baton::propagation::{Propagator, B3};
use baton::{Context, PipelineGuard, SpanGuard, MAX_LEFT_BEHIND};

/// A guard returned out of a wrapped job, its span ended by the job, under
/// the file's pipeline.
fn returned(name: &'static str) -> SpanGuard {
    static PIPELINE: OnceLock<PipelineGuard> = OnceLock::new();
    PIPELINE.get_or_init(|| baton::init(baton::Config::new()).unwrap());
    baton::copy_context_to_thread(move || baton::span(name).enter())()
}

#[test]
fn a_guard_returned_out_of_a_job_keeps_its_name_and_context() {
    let _tenant = baton::set_baggage("tenant", "acme");
    let guard = returned("returned");
    assert_eq!(guard.name(), "returned");
    assert!(!guard.is_recording(), "ended by the job");
    let cx = guard.context();
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    let own = cx.span().expect("the guard's span");
    assert_eq!(own.name(), "returned");
    assert_eq!(own.span_context(), guard.span_context());
    assert!(format!("{guard:?}").contains("\"returned\""));
}

#[test]
fn a_guard_returned_out_of_a_job_keeps_a_debug_decision_for_injection() {
    let carrier = HashMap::from([("b3".to_owned(), "d".to_owned())]);
    let _received = B3::single().extract(&Context::default(), &carrier).attach();
    let guard = returned("consumer");
    let mut outgoing = HashMap::new();
    B3::single().inject(&guard.context(), &mut outgoing);
    // A debug decision received without ids makes a debug trace.
    let sc = guard.span_context();
    assert_eq!(
        outgoing["b3"],
        format!("{}-{}-d", sc.trace_id(), sc.span_id())
    );
}

#[test]
fn past_the_limit_the_oldest_guard_gives_its_ids_alone() {
    let guards: Vec<SpanGuard> = (0..=MAX_LEFT_BEHIND).map(|_| returned("kept")).collect();
    // The newest MAX_LEFT_BEHIND keep their spans; the first was let go of.
    for guard in &guards[1..] {
        assert_eq!(guard.name(), "kept");
    }
    let first = &guards[0];
    assert_eq!(first.name(), "");
    let ids_only = first.context();
    assert_eq!(ids_only.span_context(), Some(first.span_context()));
    assert_eq!(ids_only.span().map(|s| s.name()).as_deref(), Some(""));
    // Dropped in reverse, each lets go of what its span left behind.
    for guard in guards.into_iter().rev() {
        drop(guard);
    }
    let again = returned("again");
    assert_eq!(again.name(), "again");
}

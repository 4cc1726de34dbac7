//! A span guard returned out of the future or wrapped job its span ran in
//! (which took its frame off and ended the span) still gives a context
//! with the span's ids, as an ended `Span` does: a child parented on it,
//! or headers injected from it, stay in the span's trace. Found: the
//! guard gave the empty context, so a child started from it was the root
//! of a new trace and injection sent nothing.

mod common;

use baton::propagation::Propagator;
use baton::{span, SpanGuard};

fn assert_keeps_its_ids(guard: &SpanGuard) {
    let cx = guard.context();
    assert_eq!(cx.span_context(), Some(guard.span_context()));
    let child = span("child").parent(&cx).start();
    assert_eq!(child.trace_id(), guard.trace_id());
    assert_eq!(child.parent_span_id(), Some(guard.span_id()));
    let mut headers = std::collections::HashMap::new();
    baton::propagation::TraceContext.inject(&cx, &mut headers);
    let traceparent = headers
        .get("traceparent")
        .expect("the span's ids are injected");
    assert!(traceparent.contains(&guard.span_id().to_string()));
}

#[test]
fn a_guard_whose_run_ended_its_span_keeps_its_ids() {
    common::record(|| {
        for guard in common::guards_that_outlived_their_runs() {
            assert!(!guard.is_recording());
            assert_keeps_its_ids(&guard);
        }
    });
}

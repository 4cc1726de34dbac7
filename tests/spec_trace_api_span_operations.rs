//! The OpenTelemetry Trace API's span operations, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/trace/api/#span-operations),
//! where no other test checks them already: GetContext, IsRecording after
//! End, the last SetStatus winning, the order of events and links, and what
//! End must not do to children and contexts. (Unset and Ok's finality:
//! `span_status_and_errors.rs`; calls after End: `span_changed_after_end_reported.rs`;
//! explicit end and event times: `explicit_end_and_event_times.rs`.)

mod common;

use baton::{span, KeyValue, SpanContext, SpanId, Status, TraceFlags, TraceId};

fn error(description: &str) -> Status {
    Status::Error {
        description: description.to_owned().into(),
    }
}

/// "An API that returns the `SpanContext` for the given `Span`. The returned
/// value may be used even after the `Span` is finished. The returned value
/// MUST be the same for the entire Span lifetime." (Span operations, Get Context)
#[test]
fn get_context_is_the_same_for_the_whole_lifetime_and_after_end() {
    common::exporter();
    let s = span("s").start();
    let before = s.span_context().clone();
    s.set_attribute("k", 1);
    s.update_name("renamed");
    s.end();
    assert_eq!(s.span_context(), &before);
    assert_eq!(s.context().span_context(), Some(&before));

    let g = span("g").enter();
    let before = g.span_context().clone();
    let by_ref = baton::current_span().unwrap();
    g.end();
    assert_eq!(g.span_context(), &before);
    assert_eq!(by_ref.span_context(), &before);
    drop(g);
    assert_eq!(by_ref.span_context(), &before);
}

/// "After a `Span` is ended, it SHOULD become non-recording and
/// `IsRecording` SHOULD always return `false`." (Span operations, IsRecording)
#[test]
fn is_recording_is_false_after_end_through_every_handle() {
    common::exporter();
    let s = span("s").start();
    assert!(s.is_recording());
    s.end();
    assert!(!s.is_recording(), "Span after end()");

    let g = span("g").enter();
    let by_ref = baton::current_span().unwrap();
    assert!(g.is_recording() && by_ref.is_recording());
    by_ref.end();
    assert!(!by_ref.is_recording(), "SpanRef after its end()");
    assert!(!g.is_recording(), "the guard of a span its SpanRef ended");
    drop(g);

    let g = span("g2").enter();
    g.end();
    assert!(!g.is_recording(), "SpanGuard after end()");
}

/// "Only the value of the last call will be recorded, and implementations
/// are free to ignore previous calls." and "These values form a total
/// order: `Ok > Error > Unset`. This means that setting `Status` with
/// `StatusCode=Ok` will override any prior or future attempts to set span
/// `Status` with `StatusCode=Error` or `StatusCode=Unset`." (Set Status)
#[test]
fn the_last_error_wins_and_ok_overrides_a_prior_error() {
    common::exporter();
    let s = span("errors").start();
    s.set_status(error("first"));
    s.set_status(error("second"));
    let errors = s.trace_id();
    s.end();
    let s = span("ok after error").start();
    s.set_status(error("first"));
    s.set_status(Status::Ok);
    let ok = s.trace_id();
    s.end();
    assert_eq!(common::spans_of(errors)[0].status, error("second"));
    assert_eq!(common::spans_of(ok)[0].status, Status::Ok);
}

/// "Events SHOULD preserve the order in which they are recorded. [...]
/// events may be recorded out-of-order using custom timestamps." (Add Events)
#[test]
fn events_keep_the_order_they_were_added_in_whatever_their_times() {
    common::exporter();
    let s = span("events").start();
    s.add_event_at("late", 3_000, vec![]);
    s.add_event("now", vec![]);
    s.add_event_at("early", 1_000, vec![]);
    let trace_id = s.trace_id();
    s.end();
    let names: Vec<String> = common::spans_of(trace_id)[0]
        .events
        .iter()
        .map(|e| e.name.to_string())
        .collect();
    assert_eq!(names, ["late", "now", "early"]);
}

/// "Span SHOULD preserve the order in which `Link`s are set." (Link)
#[test]
fn links_keep_the_order_they_were_set_in() {
    common::exporter();
    let to = |n: u64| {
        SpanContext::new(
            TraceId::from_u128(u128::from(n)).unwrap(),
            SpanId::from_u64(n).unwrap(),
            TraceFlags::default(),
        )
    };
    let s = span("links")
        .link(to(3), vec![])
        .link(to(1), vec![])
        .start();
    s.add_link(to(2), vec![KeyValue::new("k", "v")]);
    let trace_id = s.trace_id();
    s.end();
    let ids: Vec<u64> = common::spans_of(trace_id)[0]
        .links
        .iter()
        .map(|l| l.span_context.span_id().to_u64())
        .collect();
    assert_eq!(ids, [3, 1, 2]);
}

/// "`End` MUST NOT have any effects on child spans. Those may still be
/// running and can be ended later." (End)
#[test]
fn end_has_no_effect_on_child_spans() {
    common::exporter();
    let parent = span("parent").start();
    let child = span("child").parent(&parent.context()).start();
    parent.end();
    assert!(child.is_recording(), "the child still records");
    child.set_attribute("after", "parent ended");
    child.end();
    let spans = common::spans_of(parent.trace_id());
    let child = common::named(&spans, "child");
    assert_eq!(child.parent_span_id, Some(parent.span_id()));
    assert_eq!(
        child.attribute("after").map(|v| v.to_string()),
        Some("parent ended".to_owned())
    );
}

/// "`End` MUST NOT inactivate the `Span` in any `Context` it is active in.
/// It MUST still be possible to use an ended span as parent via a Context it
/// is contained in. Also, any mechanisms for putting the Span into a Context
/// MUST still work after the Span was ended." (End)
#[test]
fn an_ended_span_is_still_a_parent_through_its_context() {
    common::exporter();
    let parent = span("parent").start();
    let captured = parent.context();
    parent.end();
    // Put into a context after the end, and from the context captured before.
    for cx in [captured, parent.context()] {
        assert_eq!(cx.span_context(), Some(parent.span_context()));
        let child = span("child").parent(&cx).start();
        assert_eq!(child.trace_id(), parent.trace_id());
        assert_eq!(child.parent_span_id(), Some(parent.span_id()));
        let _attached = cx.clone().attach();
        let nested = span("nested").start();
        assert_eq!(nested.parent_span_id(), Some(parent.span_id()));
    }

    // The same for a guard ended while it is still current.
    let g = span("entered").enter();
    g.end();
    let child = span("child of the ended current span").start();
    assert_eq!(child.parent_span_id(), Some(g.span_id()));
    assert_eq!(
        baton::current_span().map(|s| s.span_id()),
        Some(g.span_id())
    );
}

//! Two formats in one carrier that name the same trace but a different
//! parent span, or a different sampling decision, disagree about the
//! context as much as two trace ids do: the first format still wins, and
//! the disagreement is a `Problem::SpanConflict`, reported as a
//! `ConflictingContext`. Found: only a different trace id was flagged, so
//! `b3` and `traceparent` naming two parents of one trace (a proxy that
//! rewrote one format and not the other) were joined to the first parent
//! with no word.

use baton::propagation::{Composite, Problem, Propagator};
use baton::{Context, SpanId, TraceId};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_B3: &str = "00f067aa0ba902b7";
const SPAN_W3C: &str = "e457b5a2e4d86bd1";

fn carrier(b3: &str, traceparent: &str) -> Vec<(String, String)> {
    vec![
        ("b3".to_string(), b3.to_string()),
        ("traceparent".to_string(), traceparent.to_string()),
    ]
}

fn problems(headers: &[(String, String)]) -> (Context, Vec<Problem>) {
    let c = Composite::from_list("b3,tracecontext").unwrap();
    let (cx, problems) = c.extract_with_problems(&Context::default(), &headers.to_vec());
    (cx, problems.iter().copied().collect())
}

#[test]
fn the_same_trace_with_another_span_id_is_a_conflict_and_the_first_wins() {
    let headers = carrier(
        &format!("{TRACE}-{SPAN_B3}-1"),
        &format!("00-{TRACE}-{SPAN_W3C}-01"),
    );
    let (cx, problems) = problems(&headers);
    let sc = cx.span_context().unwrap();
    assert_eq!(sc.span_id().to_string(), SPAN_B3, "the first format wins");
    assert_eq!(
        problems,
        [Problem::SpanConflict {
            kept: "b3",
            kept_span_id: SpanId::from_hex(SPAN_B3).unwrap(),
            kept_sampled: Some(true),
            ignored: "traceparent",
            ignored_span_id: SpanId::from_hex(SPAN_W3C).unwrap(),
            ignored_sampled: Some(true),
            trace_id: TraceId::from_hex(TRACE).unwrap(),
        }]
    );
    assert_eq!(
        problems[0].kind(),
        baton::DiagnosticKind::ConflictingContext
    );
    assert_eq!(
        problems[0].to_string(),
        format!(
            "traceparent carries span id {SPAN_W3C} (sampled) of trace {TRACE} but b3 \
             carries {SPAN_B3} (sampled); kept b3's"
        )
    );
}

#[test]
fn the_same_parent_with_another_decision_is_a_conflict() {
    let headers = carrier(
        &format!("{TRACE}-{SPAN_B3}-0"),
        &format!("00-{TRACE}-{SPAN_B3}-01"),
    );
    let (cx, problems) = problems(&headers);
    assert!(!cx.span_context().unwrap().is_sampled(), "the first wins");
    assert!(
        matches!(
            problems[..],
            [Problem::SpanConflict {
                kept_sampled: Some(false),
                ignored_sampled: Some(true),
                ..
            }]
        ),
        "{problems:?}"
    );
}

#[test]
fn the_same_parent_and_decision_is_no_conflict() {
    for b3 in [
        format!("{TRACE}-{SPAN_B3}-1"),
        // Debug is an accept; no decision (deferred) disagrees with none.
        format!("{TRACE}-{SPAN_B3}-d"),
        format!("{TRACE}-{SPAN_B3}"),
    ] {
        let headers = carrier(&b3, &format!("00-{TRACE}-{SPAN_B3}-01"));
        assert_eq!(problems(&headers).1, [], "{b3}");
    }
}

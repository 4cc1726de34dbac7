//! The spec's more direct compatibility warning (MAY): a `TraceIdRatio`
//! deciding for a child whose parent's tracestate shows a
//! ProbabilitySampler (`ot` with a `th` or `rv` subkey) says so.
//!
//! Its own file: the warning is once per process, and the handler global.

use std::sync::Mutex;

use baton::sampling::{Sampler, SamplingParams, TraceIdRatio};
use baton::{DiagnosticKind, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[test]
fn a_parent_with_a_probability_threshold_is_named() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::SamplerCompatibility {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let state = TraceState::EMPTY
        .insert("ot", "rv:7479cfb506891d;th:8")
        .unwrap();
    let parent = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(1),
    )
    .with_trace_state(state);
    let params = SamplingParams::new(Some(&parent), parent.trace_id(), "x");
    TraceIdRatio::new(0.25).should_sample(&params);
    let warnings = WARNINGS.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "TraceIdRatioBased{0.25} is operating as a child sampler and its parent is using \
             ProbabilitySampler (tracestate ot=...th or rv): "
        ),
        "{}",
        warnings[0]
    );
}

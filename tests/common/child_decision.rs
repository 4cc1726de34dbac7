//! What a sampler decides for a child span of a parent context, asked
//! directly (its parameters as a span's start builds them).

use baton::sampling::{Sampler, SamplingDecision, SamplingParams};
use baton::SpanContext;

/// What `sampler` decides for a child named "child" of `parent`.
pub fn child(sampler: &dyn Sampler, parent: &SpanContext) -> SamplingDecision {
    sampler
        .should_sample(&SamplingParams::new(
            Some(parent),
            parent.trace_id(),
            "child",
        ))
        .decision
}

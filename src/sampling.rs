//! Sampling: deciding at span start whether a trace is recorded.

use crate::{SpanContext, SpanKind, TraceId};

/// What a sampler decided for a new span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingDecision {
    /// Record nothing; the sampled flag is cleared.
    Drop,
    /// Record the span locally but do not set the sampled flag.
    RecordOnly,
    /// Record the span and set the sampled flag.
    RecordAndSample,
}

impl SamplingDecision {
    /// Whether the span records data.
    pub fn is_recording(self) -> bool {
        self != SamplingDecision::Drop
    }

    /// Whether the sampled flag is set.
    pub fn is_sampled(self) -> bool {
        self == SamplingDecision::RecordAndSample
    }
}

/// What a sampler sees about a span that is about to start.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SamplingParams<'a> {
    /// The parent span context, local or remote; `None` for a root.
    pub parent: Option<&'a SpanContext>,
    /// A decision received without ids (B3's `b3: 0`), for a root span.
    pub remote_hint: Option<bool>,
    /// The trace id the span will have.
    pub trace_id: TraceId,
    /// The span name.
    pub name: &'a str,
    /// The span kind.
    pub kind: SpanKind,
}

impl<'a> SamplingParams<'a> {
    /// Parameters for a span named `name` in trace `trace_id`.
    pub fn new(parent: Option<&'a SpanContext>, trace_id: TraceId, name: &'a str) -> Self {
        SamplingParams {
            parent,
            remote_hint: None,
            trace_id,
            name,
            kind: SpanKind::Internal,
        }
    }
}

/// Decides whether a span is recorded and sampled.
pub trait Sampler: Send + Sync + 'static {
    /// The decision for one span.
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingDecision;

    /// A description such as `ParentBased{root:AlwaysOn}`.
    fn description(&self) -> String;
}

/// Records every span.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlwaysOn;

impl Sampler for AlwaysOn {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingDecision {
        SamplingDecision::RecordAndSample
    }

    fn description(&self) -> String {
        "AlwaysOnSampler".into()
    }
}

/// Follows the parent's decision; `root` decides for roots.
///
/// A remote debug parent is always sampled; a deferred parent (B3 without a
/// sampling state) is decided by `root`, as if there were no decision yet.
#[derive(Clone, Debug, Default)]
pub struct ParentBased<S> {
    root: S,
}

impl<S: Sampler> ParentBased<S> {
    /// Parent-based sampling with `root` for spans without a parent.
    pub const fn new(root: S) -> Self {
        ParentBased { root }
    }
}

impl<S: Sampler> Sampler for ParentBased<S> {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingDecision {
        match params.parent {
            Some(p) if p.is_debug() => SamplingDecision::RecordAndSample,
            Some(p) if p.is_deferred() => self.root.should_sample(params),
            Some(p) if p.is_sampled() => SamplingDecision::RecordAndSample,
            Some(_) => SamplingDecision::Drop,
            None => match params.remote_hint {
                Some(false) => SamplingDecision::Drop,
                _ => self.root.should_sample(params),
            },
        }
    }

    fn description(&self) -> String {
        format!("ParentBased{{root:{}}}", self.root.description())
    }
}

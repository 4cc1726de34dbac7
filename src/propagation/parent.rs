//! The remote parent as two carriers of one request compare it: a
//! composite's formats, or B3's two encodings.

use super::Problem;
use crate::id::{SpanId, TraceId};
use crate::span_context::SpanContext;
use crate::wire::b3::Sampling;

/// What a format says of the remote parent, as extract compares it with
/// what another format of the same carrier says.
#[derive(Clone, Copy)]
pub(super) struct Parent {
    trace_id: TraceId,
    span_id: SpanId,
    /// See [`SpanContext::sampling_decision`].
    sampled: Option<bool>,
}

impl Parent {
    pub(super) fn of(sc: &SpanContext) -> Parent {
        Parent {
            trace_id: sc.trace_id(),
            span_id: sc.span_id(),
            sampled: sc.sampling_decision(),
        }
    }

    /// The problem of `self`, what the field `ignored` carries, set aside
    /// for `kept`, what the field `kept_by` carries: another trace
    /// ([`Problem::Conflict`]), or another parent of the same trace or
    /// another decision ([`Problem::SpanConflict`]; no decision disagrees
    /// with none). `None` for the same parent.
    pub(super) fn conflict(
        &self,
        ignored: &'static str,
        kept: &Parent,
        kept_by: &'static str,
    ) -> Option<Problem> {
        if self.trace_id != kept.trace_id {
            return Some(Problem::Conflict {
                kept: kept_by,
                kept_trace_id: kept.trace_id,
                ignored,
                ignored_trace_id: self.trace_id,
            });
        }
        let decisions_differ = matches!(
            (self.sampled, kept.sampled),
            (Some(a), Some(b)) if a != b
        );
        (self.span_id != kept.span_id || decisions_differ).then_some(Problem::SpanConflict {
            kept: kept_by,
            kept_span_id: kept.span_id,
            kept_sampled: kept.sampled,
            ignored,
            ignored_span_id: self.span_id,
            ignored_sampled: self.sampled,
            trace_id: self.trace_id,
        })
    }
}

/// `kept`, the context of the remote parent one format or encoding
/// carries, with what `later`, another's context of the same parent (the
/// same ids, and no other decision), carries that `kept` does not: a
/// tracestate, the random flag, a decision where `kept` left it to us,
/// debug, and the parent's parent span id. `None` if it adds nothing. A
/// format listed first that cannot carry them (`b3,tracecontext`), or a
/// `b3` header beside the `x-b3-*` ones, would otherwise drop what the
/// next hop needs: a vendor's tracestate, a sampled decision the
/// parent-based sampler follows, a debug trace.
pub(super) fn completed(kept: &SpanContext, later: &SpanContext) -> Option<SpanContext> {
    let mut sc = kept.clone();
    if sc.trace_state().is_empty() && !later.trace_state().is_empty() {
        sc = sc.with_trace_state(later.trace_state().clone());
    }
    let mut flags = sc.flags();
    if later.flags().is_random() {
        flags = flags.with_random(true);
    }
    if let (None, Some(sampled)) = (sc.sampling_decision(), later.sampling_decision()) {
        flags = flags.with_sampled(sampled);
        sc = sc.with_deferred(false);
    }
    sc = sc.with_flags(flags);
    if later.is_debug() {
        sc = sc.with_debug(true);
    }
    if sc.parent_span_id().is_none() {
        sc = sc.with_parent_span_id(later.parent_span_id());
    }
    (sc != *kept).then_some(sc)
}

/// The decision without ids that holds where the field `kept_by` carried
/// `kept` and `later_by`, read after it, carried `later`, and the problem
/// of a `later` that disagrees. The first holds, as the first parent does;
/// a later debug makes an accept debug, as a later format of the same
/// parent adds debug ([`completed`]).
pub(super) fn lone_decision(
    kept: Sampling,
    kept_by: &'static str,
    later: Sampling,
    later_by: &'static str,
) -> (Sampling, Option<Problem>) {
    if kept == Sampling::Accept && later == Sampling::Debug {
        return (later, None);
    }
    let (kept_sampled, later_sampled) = (kept != Sampling::Deny, later != Sampling::Deny);
    let problem = (kept_sampled != later_sampled).then_some(Problem::DecisionConflict {
        kept: kept_by,
        kept_sampled,
        ignored: later_by,
        ignored_sampled: later_sampled,
    });
    (kept, problem)
}

/// The problem of `decision`, a decision without ids that the field
/// `ignored` carried beside `parent`, the parent the field `parent_by`
/// carried and that decides: `None` where the parent says the same (an
/// accept beside a sampled parent, debug beside a debug one), as then
/// nothing was lost.
pub(super) fn beside_parent(
    parent: &SpanContext,
    parent_by: &'static str,
    decision: Sampling,
    ignored: &'static str,
) -> Option<Problem> {
    let parent_sampled = parent.sampling_decision();
    let same = match decision {
        Sampling::Deny => parent_sampled == Some(false),
        Sampling::Accept => parent_sampled == Some(true),
        Sampling::Debug => parent_sampled == Some(true) && parent.is_debug(),
    };
    (!same).then_some(Problem::DecisionBesideParent {
        parent: parent_by,
        parent_sampled,
        ignored,
        ignored_decision: decision,
    })
}

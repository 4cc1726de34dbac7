//! What an extract skipped: each problem found in a carrier, reported once.

use std::fmt;

use crate::diagnostic::{report, DiagnosticKind};
use crate::id::{SpanId, TraceId};
use crate::wire::b3::Sampling;
use crate::wire::WireError;

/// One thing an extract could not use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A header value that does not parse; it was ignored.
    Invalid(WireError),
    /// Some members of the list header `field` were left out and the rest
    /// kept: `invalid` did not parse, `dropped` did not fit a limit;
    /// `first` says why the first was left out.
    Partial {
        /// The header, e.g. `baggage` or `uberctx-*`.
        field: &'static str,
        /// Members that did not parse.
        invalid: usize,
        /// Members dropped at a limit.
        dropped: usize,
        /// The first member left out, and why.
        first: Option<WireError>,
    },
    /// A format carried baggage entries whose keys an earlier format had
    /// set to other values, or a format's later field did (Jaeger's
    /// `jaeger-baggage`, read after its `uberctx-*` fields and its own
    /// earlier entries); the earlier values were kept.
    BaggageConflict {
        /// The field whose entries were ignored.
        ignored: &'static str,
        /// How many of its entries were ignored.
        entries: usize,
    },
    /// A list header gave keys again with another value or other
    /// properties ([`repeat_loses`](crate::wire::baggage::repeat_loses));
    /// the last entry of each key was kept, as OpenTelemetry's Baggage API
    /// says ("the new pair MUST take precedence").
    BaggageRepeated {
        /// The header, e.g. `baggage`.
        field: &'static str,
        /// How many entries a later one of their key replaced so.
        entries: usize,
    },
    /// Two formats carried different trace ids, and the one `kept` names
    /// was kept: a [`Composite`](super::Composite)'s first, or B3's single
    /// `b3` header beside `X-B3-*` headers.
    Conflict {
        /// The field of the format whose context was kept.
        kept: &'static str,
        /// The trace id kept.
        kept_trace_id: TraceId,
        /// The field of the format whose context was ignored.
        ignored: &'static str,
        /// The trace id ignored.
        ignored_trace_id: TraceId,
    },
    /// A field a format reads once came with other values too; the first
    /// was used, as the format says ("the first value wins").
    Repeated {
        /// The field, e.g. `uber-trace-id` or `x-b3-sampled`.
        field: &'static str,
        /// How many later values differ from the first (padding aside).
        differing: usize,
    },
    /// Two formats carried the same trace but a different parent span id
    /// or a different sampling decision (a proxy that rewrote one format
    /// and not the other); the one `kept` names was kept, as for
    /// [`Problem::Conflict`]. No decision (B3 deferred) disagrees with
    /// none, and debug is a sampled decision.
    SpanConflict {
        /// The field of the format whose context was kept.
        kept: &'static str,
        /// The span id kept.
        kept_span_id: SpanId,
        /// The decision kept; `None` when there was none (deferred).
        kept_sampled: Option<bool>,
        /// The field of the format whose context was ignored.
        ignored: &'static str,
        /// The span id ignored.
        ignored_span_id: SpanId,
        /// The decision ignored; `None` when there was none (deferred).
        ignored_sampled: Option<bool>,
        /// The trace both carry.
        trace_id: TraceId,
    },
    /// Two formats of a [`Composite`](super::Composite) carried different
    /// sampling decisions without ids (B3's `b3: 0` beside another
    /// format's lone accept) and no parent, or B3's two encodings did
    /// (`b3: 0` beside `X-B3-Sampled: 1`); the first, which `kept` names,
    /// was kept. Also B3's `X-B3-Flags: 1` beside `X-B3-Sampled: 0`, with
    /// ids or without: debug is kept. Debug is a sampled decision, as for
    /// [`Problem::SpanConflict`].
    DecisionConflict {
        /// The field of the format whose decision was kept.
        kept: &'static str,
        /// Whether the decision kept samples.
        kept_sampled: bool,
        /// The field of the format whose decision was ignored.
        ignored: &'static str,
        /// Whether the decision ignored samples.
        ignored_sampled: bool,
    },
    /// A sampling decision without ids (B3's `b3: 0`, or `X-B3-Sampled`
    /// without `X-B3-TraceId` beside a `b3` with ids) came beside a parent
    /// that says otherwise: another decision, none (deferred), or not
    /// debug where the decision is. The parent decides, and the decision
    /// was ignored. Not [`Problem::DecisionConflict`], whose sides are
    /// both a sampled flag: here a deferred parent or a lost debug is what
    /// went unused.
    DecisionBesideParent {
        /// The field of the format whose parent was kept.
        parent: &'static str,
        /// The parent's decision; `None` when there was none (deferred).
        parent_sampled: Option<bool>,
        /// The field of the format whose decision was ignored.
        ignored: &'static str,
        /// The decision ignored.
        ignored_decision: Sampling,
    },
}

impl Problem {
    /// The diagnostic kind this problem is reported as.
    pub fn kind(&self) -> DiagnosticKind {
        match self {
            Problem::Invalid(_) => DiagnosticKind::InvalidHeader,
            Problem::Partial { invalid, .. } if *invalid > 0 => DiagnosticKind::InvalidHeader,
            Problem::Partial { .. } => DiagnosticKind::LimitExceeded,
            Problem::Conflict { .. }
            | Problem::Repeated { .. }
            | Problem::SpanConflict { .. }
            | Problem::DecisionConflict { .. }
            | Problem::DecisionBesideParent { .. }
            | Problem::BaggageConflict { .. }
            | Problem::BaggageRepeated { .. } => DiagnosticKind::ConflictingContext,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Invalid(e) => write!(f, "{e}; ignored"),
            Problem::Partial {
                field,
                invalid,
                dropped,
                first,
            } => {
                write!(
                    f,
                    "{field}: skipped {invalid} invalid and dropped {dropped} members past a limit"
                )?;
                match first {
                    Some(e) => write!(f, " (first: {e})"),
                    None => Ok(()),
                }
            }
            Problem::BaggageConflict { ignored, entries } => write!(
                f,
                "{ignored} carries {entries} baggage entries whose keys an earlier format \
                 or field set to other values; kept the first"
            ),
            Problem::BaggageRepeated { field, entries } => write!(
                f,
                "{field} gave {entries} baggage entries whose keys it gave again with another \
                 value or other properties; kept the last"
            ),
            Problem::Repeated { field, differing } => write!(
                f,
                "{field} came with {differing} more value(s) that differ from the first; \
                 kept the first"
            ),
            Problem::Conflict {
                kept,
                kept_trace_id,
                ignored,
                ignored_trace_id,
            } => write!(
                f,
                "{ignored} carries trace id {ignored_trace_id} but {kept} carries \
                 {kept_trace_id}; kept {kept}'s"
            ),
            Problem::SpanConflict {
                kept,
                kept_span_id,
                kept_sampled,
                ignored,
                ignored_span_id,
                ignored_sampled,
                trace_id,
            } => write!(
                f,
                "{ignored} carries span id {ignored_span_id} ({}) of trace {trace_id} but \
                 {kept} carries {kept_span_id} ({}); kept {kept}'s",
                decision(*ignored_sampled),
                decision(*kept_sampled)
            ),
            Problem::DecisionConflict {
                kept,
                kept_sampled,
                ignored,
                ignored_sampled,
            } => write!(
                f,
                "{ignored} carries the decision {} but {kept} carries {}; kept {kept}'s",
                decision(Some(*ignored_sampled)),
                decision(Some(*kept_sampled))
            ),
            Problem::DecisionBesideParent {
                parent,
                parent_sampled,
                ignored,
                ignored_decision,
            } => write!(
                f,
                "{ignored} carries the decision {} without ids beside {parent}'s parent ({}); \
                 kept the parent's",
                match ignored_decision {
                    Sampling::Debug => "debug",
                    Sampling::Accept => decision(Some(true)),
                    Sampling::Deny => decision(Some(false)),
                },
                decision(*parent_sampled)
            ),
        }
    }
}

/// A sampling decision as [`Problem::SpanConflict`] shows it.
fn decision(sampled: Option<bool>) -> &'static str {
    match sampled {
        Some(true) => "sampled",
        Some(false) => "not sampled",
        None => "no decision",
    }
}

/// The problems one extract met, in the order met.
///
/// # Example: what a carrier held that could not be used
/// ```
/// use baton::propagation::{Problem, Propagator, TraceContext};
/// let headers = vec![("traceparent".to_string(), "00-xyz".to_string())];
/// let (cx, problems) = TraceContext.extract_with_problems(&baton::Context::default(), &headers);
/// assert!(cx.span_context().is_none());
/// assert!(matches!(problems.iter().next(), Some(Problem::Invalid(_))));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Adds a problem.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// Counts `dropped` more members of `field` left out at a limit, in
    /// the [`Problem::Partial`] already met for `field` if there is one
    /// (its first member left out stays the first): one header's losses
    /// are one problem, as a format extracting alone reports them.
    pub(super) fn add_dropped(
        &mut self,
        field: &'static str,
        dropped: usize,
        first: Option<WireError>,
    ) {
        for problem in &mut self.0 {
            if let Problem::Partial {
                field: met,
                dropped: counted,
                first: first_met,
                ..
            } = problem
            {
                if *met == field {
                    *counted += dropped;
                    *first_met = first_met.or(first);
                    return;
                }
            }
        }
        self.0.push(Problem::Partial {
            field,
            invalid: 0,
            dropped,
            first,
        });
    }

    /// The problems in the order met.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Problem> + '_ {
        self.0.iter()
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the extract used everything the carrier held.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reports each problem as one diagnostic.
    #[cold]
    pub(crate) fn report(&self) {
        for problem in &self.0 {
            report(problem.kind(), problem, None);
        }
    }
}

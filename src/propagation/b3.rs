//! The Zipkin B3 propagator: the single `b3` header and the `X-B3-*`
//! multi-header form.
//!
//! # How B3 state maps onto a [`Context`]
//! - Ids become a remote [`SpanContext`](crate::SpanContext) whose parent
//!   span id is [`SpanContext::parent_span_id`](crate::SpanContext::parent_span_id).
//!   Inject never writes a parent span id (`X-B3-ParentSpanId`, the fourth
//!   part of `b3`): OpenTelemetry propagators "MUST NOT propagate" it, as
//!   client and server spans never share an id (see
//!   [`B3Header::from_span_context`]).
//! - Accept sets the sampled flag, deny clears it.
//! - Debug is kept as [`SpanContext::is_debug`](crate::SpanContext::is_debug)
//!   (with the sampled flag), so it survives extract → inject.
//! - Deferred (no sampling state) is kept as
//!   [`SpanContext::is_deferred`](crate::SpanContext::is_deferred), distinct
//!   from "not sampled", so the local sampler decides.
//! - A decision without ids (`b3: 0`, `X-B3-Sampled: 0` alone) becomes
//!   [`Context::remote_decision`]: a lone deny drops the next root span
//!   under a parent-based sampler ([`Context::remote_sampling`] is
//!   `Some(false)`), a lone accept or debug (`b3: 1`, `b3: d`,
//!   `X-B3-Flags: 1`) samples it (`Some(true)`). Debug stays debug: inject
//!   sends it on as `b3: d` or `x-b3-flags: 1`, whichever encoding reads it.

use core::ops::Range;

use super::carrier::first_value;
use super::parent::{beside_parent, completed, lone_decision, Parent};
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::context::Context;
use crate::span_context::SpanContext;
use crate::wire::b3::{B3Header, Sampling};
use crate::wire::b3_multi::{
    format_multi, MultiParser, FLAGS_HEADER, SAMPLED_HEADER, SPAN_ID_HEADER, TRACE_ID_HEADER,
};
use crate::wire::b3_single::{format_single, parse_single, SINGLE_HEADER};
use crate::wire::WireError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Single,
    Multi,
}

/// The B3 [`Propagator`].
///
/// Injects in the form it was built for: [`B3::single`] writes `b3`,
/// [`B3::multi`] writes the lowercase `x-b3-*` headers; either removes the
/// other form's fields from the carrier, since a receiver reading a stale
/// `b3` first would join the old trace (a [`Composite`](super::Composite)
/// of both writes both). Extraction reads
/// both: a valid `b3` header wins; an invalid one falls back to the multi
/// headers. Each invalid encoding is one problem, reported once, also
/// `x-b3-*` headers that do not parse beside a valid `b3`. Beside a
/// valid `b3`, the multi headers are read only when `x-b3-traceid` is
/// there (without it they carry no parent), and compared as a
/// [`Composite`](super::Composite) compares two formats:
/// - another parent is one problem: another trace id is a
///   [`Problem::Conflict`], another span id or decision of the same trace
///   a [`Problem::SpanConflict`];
/// - the same parent adds what `b3` left out: a decision it deferred,
///   debug (`x-b3-flags: 1`), the parent's parent span id;
/// - a `b3` with a decision alone (`b3: 1`) decides for the parent the
///   multi headers carry, so their trace goes on (OpenTelemetry Java's
///   B3 propagator, too, reads the multi headers when `b3` has no ids);
///   a decision of theirs it overrides is a [`Problem::SpanConflict`].
///
/// Beside a `b3` without ids, multi headers without ids (`x-b3-sampled`,
/// `x-b3-flags: 1`) are compared as two formats' decisions without ids
/// are: the `b3` decision holds, their debug makes its accept debug, and
/// a decision of theirs that disagrees is a [`Problem::DecisionConflict`].
/// Beside a `b3` with ids, which decides, a decision of theirs that it
/// does not carry is a [`Problem::DecisionBesideParent`], as a decision
/// without ids beside another format's parent is. Multi headers that carry
/// neither a parent nor a decision alone (`x-b3-spanid` without
/// `x-b3-traceid`) beside a valid `b3` are one [`Problem::Invalid`].
///
/// So [`Propagator::fields`] is the form written, and
/// [`Propagator::extract_fields`] both forms.
///
/// Inject writes no parent span id, and removes a stale
/// `x-b3-parentspanid` (see [`B3Header::from_span_context`]).
///
/// # Example: extract a debug trace and inject it again
/// ```
/// use baton::propagation::{Propagator, B3};
/// use std::collections::HashMap;
/// let mut incoming = HashMap::new();
/// incoming.insert(
///     "b3".to_string(),
///     "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90".to_string(),
/// );
/// let cx = B3::single().extract(&baton::Context::default(), &incoming);
/// let sc = cx.span_context().unwrap();
/// assert!(sc.is_remote() && sc.is_debug() && sc.is_sampled());
/// assert_eq!(sc.parent_span_id().unwrap().to_string(), "05e3ac9a4f6e3b90");
///
/// let mut outgoing = HashMap::new();
/// B3::single().inject(&cx, &mut outgoing);
/// // Debug is kept; the parent span id is not sent on.
/// assert_eq!(outgoing["b3"], "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d");
/// ```
///
/// # Example: a lone `b3: 0` drops the next root span
/// ```
/// use baton::propagation::{Propagator, B3};
/// let headers = vec![("b3".to_string(), "0".to_string())];
/// let cx = B3::multi().extract(&baton::Context::default(), &headers);
/// assert!(cx.span_context().is_none());
/// assert_eq!(cx.remote_sampling(), Some(false));
///
/// let mut out = Vec::new();
/// B3::multi().inject(&cx, &mut out);
/// assert_eq!(out, [("x-b3-sampled".to_string(), "0".to_string())]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct B3 {
    encoding: Encoding,
}

const SINGLE_FIELDS: [&str; 1] = [SINGLE_HEADER];
/// What `B3::multi()` writes: [`MultiParser::HEADERS`] but the parent span
/// id, which "Fields MUST" leave out as inject never writes it.
const MULTI_FIELDS: [&str; 4] = [
    TRACE_ID_HEADER,
    SPAN_ID_HEADER,
    SAMPLED_HEADER,
    FLAGS_HEADER,
];

/// What extraction reads, whichever form this propagator injects: the
/// single header, then [`MultiParser::HEADERS`].
const EXTRACT_FIELDS: [&str; 6] = [
    SINGLE_HEADER,
    MultiParser::HEADERS[0],
    MultiParser::HEADERS[1],
    MultiParser::HEADERS[2],
    MultiParser::HEADERS[3],
    MultiParser::HEADERS[4],
];

impl B3 {
    /// Injects the single `b3` header: `{trace}-{span}-{sampling}`, or
    /// `{trace}-{span}` when the decision is deferred.
    pub const fn single() -> B3 {
        B3 {
            encoding: Encoding::Single,
        }
    }

    /// Injects the `x-b3-*` headers: `x-b3-traceid`, `x-b3-spanid`, and
    /// `x-b3-sampled` or (debug) `x-b3-flags`, or neither when deferred.
    pub const fn multi() -> B3 {
        B3 {
            encoding: Encoding::Multi,
        }
    }
}

/// What extraction has read of [`EXTRACT_FIELDS`].
#[derive(Default)]
struct Read {
    /// The first `b3` value, parsed.
    single: Option<Result<B3Header, WireError>>,
    /// Which `x-b3-*` headers were pushed into `multi`: their first value.
    seen: [bool; MultiParser::HEADERS.len()],
    multi: MultiParser,
    /// Whether a field came more than once.
    repeated: bool,
}

impl Read {
    /// Reads [`EXTRACT_FIELDS`] from `carrier`.
    fn fields(&mut self, carrier: &dyn Extractor) {
        carrier.get_all_of(&EXTRACT_FIELDS, &mut |field, value| match field {
            0 => match self.single {
                None => self.single = Some(parse_single(value)),
                Some(_) => self.repeated = true,
            },
            field => {
                let m = field - 1;
                if !core::mem::replace(&mut self.seen[m], true) {
                    self.multi.push_header(m, value);
                } else {
                    self.repeated = true;
                }
            }
        });
    }

    /// Reports each of the fields `EXTRACT_FIELDS[range]` that came again
    /// with another value. Looked for only when a field came twice: the
    /// first values were read without a copy.
    #[cold]
    #[inline(never)]
    fn report_repeated(
        &self,
        carrier: &dyn Extractor,
        range: Range<usize>,
        problems: &mut Problems,
    ) {
        for name in &EXTRACT_FIELDS[range] {
            if let Some(((), differing @ 1..)) = first_value(carrier, name, |_| ()) {
                problems.push(Problem::Repeated {
                    field: name,
                    differing,
                });
            }
        }
    }

    /// The remote parent when the multi headers carry one beside `single`,
    /// the valid `b3` header that wins over them; `None` when they carry
    /// none (invalid, then one problem, or a decision alone), as a
    /// [`Composite`](super::Composite) compares only formats that carry one.
    ///
    /// A `b3` with ids is the parent, completed by what the multi headers
    /// add to the same parent (a decision it deferred, debug, the parent's
    /// parent span id); another trace, or another parent or decision of
    /// the same trace, is reported as a composite reports two formats that
    /// disagree. A `b3` with a decision alone (`b3: 1`) decides for the
    /// parent the multi headers carry, so that their trace goes on; a
    /// decision of theirs it overrides is reported the same way.
    #[cold]
    #[inline(never)]
    fn beside_multi(self, single: &B3Header, problems: &mut Problems) -> Option<SpanContext> {
        // Invalid, they are one problem, as when they come alone.
        let multi = match finished(self.multi, problems) {
            Ok(multi) => multi,
            Err(e) => {
                problems.push(Problem::Invalid(e));
                return None;
            }
        };
        let B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            ..
        } = multi
        else {
            return None;
        };
        let ignored = multi.to_span_context()?;
        let kept = match *single {
            B3Header::SamplingOnly(s) => B3Header::Context {
                trace_id,
                span_id,
                parent_span_id,
                sampling: Some(s),
            },
            context => context,
        }
        .to_span_context()?;
        let conflict =
            Parent::of(&ignored).conflict(TRACE_ID_HEADER, &Parent::of(&kept), SINGLE_HEADER);
        Some(match conflict {
            Some(problem) => {
                problems.push(problem);
                kept
            }
            None => completed(&kept, &ignored).unwrap_or(kept),
        })
    }

    /// The decision that holds where `b3` carried `single` alone and the
    /// multi headers carry no trace id: `single`, made debug by
    /// `x-b3-flags: 1`, with a decision of theirs that disagrees reported as
    /// a [`Composite`](super::Composite) reports two formats' decisions
    /// without ids. Multi headers that are not a decision alone (a span id
    /// without its trace id) are invalid, one problem, as when they come
    /// alone.
    #[cold]
    #[inline(never)]
    fn beside_lone(self, single: Sampling, problems: &mut Problems) -> Sampling {
        let multi = match finished(self.multi, problems) {
            Ok(B3Header::SamplingOnly(multi)) => multi,
            Ok(B3Header::Context { .. }) => return single,
            Err(e) => {
                problems.push(Problem::Invalid(e));
                return single;
            }
        };
        let (decision, problem) =
            lone_decision(single, SINGLE_HEADER, multi, decision_field(multi));
        if let Some(problem) = problem {
            problems.push(problem);
        }
        decision
    }

    /// Reports what multi headers without a trace id lose beside `single`,
    /// a `b3` with ids, which decides: a decision of theirs it does not
    /// carry ([`Problem::DecisionBesideParent`]), or, not a decision alone
    /// (a span id without its trace id), their being invalid.
    #[cold]
    #[inline(never)]
    fn beside_ids(self, single: &B3Header, problems: &mut Problems) {
        let Some(parent) = single.to_span_context() else {
            return;
        };
        match finished(self.multi, problems) {
            Ok(B3Header::SamplingOnly(multi)) => {
                let field = decision_field(multi);
                if let Some(problem) = beside_parent(&parent, SINGLE_HEADER, multi, field) {
                    problems.push(problem);
                }
            }
            Ok(B3Header::Context { .. }) => {}
            Err(e) => problems.push(Problem::Invalid(e)),
        }
    }
}

/// The `x-b3-*` header that carries `decision` without ids.
fn decision_field(decision: Sampling) -> &'static str {
    match decision {
        Sampling::Debug => FLAGS_HEADER,
        Sampling::Accept | Sampling::Deny => SAMPLED_HEADER,
    }
}

/// The B3 state the multi headers carry, as [`MultiParser::finish`]
/// reads it. `x-b3-flags: 1` beside `x-b3-sampled: 0` is debug ("Debug
/// implies an accept decision", and Brave and OpenTelemetry read it so);
/// the deny it overrides is a [`Problem::DecisionConflict`].
fn finished(multi: MultiParser, problems: &mut Problems) -> Result<B3Header, WireError> {
    let overridden = multi.debug_beside_deny();
    let header = multi.finish()?;
    if overridden {
        debug_overrode_deny(problems);
    }
    Ok(header)
}

/// The problem of an `X-B3-Sampled: 0` that `X-B3-Flags: 1` overrode. Out
/// of line, as it is rare: inlined, it made every multi-header extract 52
/// instructions longer (callgrind, LTO).
#[cold]
#[inline(never)]
fn debug_overrode_deny(problems: &mut Problems) {
    problems.push(Problem::DecisionConflict {
        kept: FLAGS_HEADER,
        kept_sampled: true,
        ignored: SAMPLED_HEADER,
        ignored_sampled: false,
    });
}

/// The B3 state of a context: its span context, else a decision received
/// without ids; `None` when it has neither.
fn header_of(cx: &Context) -> Option<B3Header> {
    match (
        cx.span_context().filter(|sc| sc.is_valid()),
        cx.remote_decision(),
    ) {
        (Some(sc), _) => Some(B3Header::from_span_context(sc)),
        (None, decision) => decision.map(B3Header::SamplingOnly),
    }
}

/// `cx` with `header` as its remote parent (or remote decision).
fn apply(header: &B3Header, cx: &Context) -> Context {
    match (header.to_span_context(), header) {
        (Some(sc), _) => cx.with_span_context(sc),
        (None, B3Header::SamplingOnly(s)) => cx.with_remote_decision(Some(*s)),
        (None, B3Header::Context { .. }) => cx.clone(),
    }
}

/// Removes from `carrier` each B3 field, of either encoding, that
/// `written` does not hold. Both encodings are one format, read by one
/// extract that prefers the single header: a stale `b3` left beside fresh
/// `x-b3-*` headers would be what the receiver joins.
fn remove_unwritten(carrier: &mut dyn Injector, written: impl Fn(&str) -> bool) {
    for field in EXTRACT_FIELDS {
        if !written(field) {
            carrier.remove_field(field);
        }
    }
}

impl Propagator for B3 {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        match (header_of(cx), self.encoding) {
            (None, _) => remove_unwritten(carrier, |_| false),
            (Some(header), Encoding::Single) => {
                remove_unwritten(carrier, |field| field == SINGLE_HEADER);
                carrier.set(SINGLE_HEADER, format_single(&header));
            }
            (Some(header), Encoding::Multi) => {
                let written = format_multi(&header);
                remove_unwritten(carrier, |field| {
                    written.iter().any(|(name, _)| *name == field)
                });
                for (name, value) in written {
                    carrier.set(name, value);
                }
            }
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        reported(self.extract_with_problems(cx, carrier))
    }

    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        let mut problems = Problems::default();
        // The single header wins over the multi headers ("when extracting
        // state headers, the first value wins" within each). All six fields
        // are read in one look at the carrier, whichever form this injects:
        // beside a valid `b3`, multi headers are still compared with it, so
        // that none is passed over unreported.
        let mut read = Read::default();
        read.fields(carrier);
        if read.repeated {
            read.report_repeated(carrier, 0..1, &mut problems);
        }
        let single = match read.single {
            Some(Ok(header)) => Some(header),
            Some(Err(e)) => {
                problems.push(Problem::Invalid(e));
                None
            }
            None => None,
        };
        if read.multi.is_empty() {
            return match single {
                Some(header) => (apply(&header, cx), problems),
                None => (cx.clone(), problems),
            };
        }
        if read.repeated {
            read.report_repeated(carrier, 1..EXTRACT_FIELDS.len(), &mut problems);
        }
        match single {
            Some(header) if read.seen[0] => match read.beside_multi(&header, &mut problems) {
                Some(sc) => (cx.with_span_context(sc), problems),
                None => (apply(&header, cx), problems),
            },
            Some(B3Header::SamplingOnly(s)) => {
                let decision = read.beside_lone(s, &mut problems);
                (cx.with_remote_decision(Some(decision)), problems)
            }
            Some(header) => {
                read.beside_ids(&header, &mut problems);
                (apply(&header, cx), problems)
            }
            None => match finished(read.multi, &mut problems) {
                Ok(header) => (apply(&header, cx), problems),
                Err(e) => {
                    problems.push(Problem::Invalid(e));
                    (cx.clone(), problems)
                }
            },
        }
    }

    fn fields(&self) -> &[&str] {
        match self.encoding {
            Encoding::Single => &SINGLE_FIELDS,
            Encoding::Multi => &MULTI_FIELDS,
        }
    }

    fn extract_fields(&self) -> &[&str] {
        &EXTRACT_FIELDS
    }
}

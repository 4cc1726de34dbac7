//! Zipkin B3: the state both of its encodings carry.
//!
//! The spec is the [b3-propagation README]. The single `b3` header
//! ([`crate::wire::b3_single`]) and the `X-B3-*` headers
//! ([`crate::wire::b3_multi`]) carry the same state, a [`B3Header`]: a trace
//! id (64 or 128 bits), a span id, an optional parent span id and a sampling
//! state (deny, accept, debug, or deferred: no decision yet), or a sampling
//! decision sent on its own.
//!
//! [b3-propagation README]: https://github.com/openzipkin/b3-propagation#readme

use crate::id::{SpanId, TraceId};
use crate::span_context::{SpanContext, TraceFlags};
use crate::wire::error::{Field, WireError};
use crate::wire::lexical::{lower_hex, span_id, trace_id};

/// A sampling decision the sender made.
///
/// "Deferred" (no decision yet) is the absence of one: `Option<Sampling>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sampling {
    /// Do not record this trace (`0`).
    Deny,
    /// Record this trace (`1`).
    Accept,
    /// Force recording: an emphasized accept (`d`, or `X-B3-Flags: 1`).
    Debug,
}

/// Everything one B3 encoding carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum B3Header {
    /// Trace identifiers with the sampling state.
    Context {
        /// The trace id; a 64-bit id is the low half with a zero high half.
        trace_id: TraceId,
        /// The span id.
        span_id: SpanId,
        /// The parent span id; absent on a root span.
        parent_span_id: Option<SpanId>,
        /// The sender's decision; `None` defers it to the receiver.
        sampling: Option<Sampling>,
    },
    /// A sampling decision sent without identifiers (`b3: 0`).
    SamplingOnly(Sampling),
}

impl B3Header {
    /// The B3 state OpenTelemetry sends for `sc`: debug, then the sampled
    /// flag, unless the decision is deferred. Debug is written only with the
    /// sampled flag: B3 debug "implies an accept decision".
    ///
    /// The parent span id is left out, whatever `sc` holds: propagators
    /// "MUST NOT propagate `X-B3-ParentSpanId` as OpenTelemetry does not
    /// support reusing the same id for both sides of a request"
    /// ([OpenTelemetry B3 Inject]). Build a [`B3Header::Context`] to format
    /// one.
    ///
    /// [OpenTelemetry B3 Inject]: https://github.com/open-telemetry/opentelemetry-specification/blob/main/specification/context/api-propagators.md#b3-inject
    ///
    /// ```
    /// use baton::wire::b3::{B3Header, Sampling};
    /// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
    /// let sc = SpanContext::new(
    ///     TraceId::from_u128(1).unwrap(), SpanId::from_u64(2).unwrap(), TraceFlags::default())
    ///     .with_parent_span_id(SpanId::from_u64(3));
    /// let B3Header::Context { sampling, parent_span_id, .. } = B3Header::from_span_context(&sc)
    /// else { panic!() };
    /// assert_eq!((sampling, parent_span_id), (Some(Sampling::Deny), None));
    /// ```
    pub fn from_span_context(sc: &SpanContext) -> B3Header {
        let sampling = if sc.is_debug() && sc.is_sampled() {
            Some(Sampling::Debug)
        } else if sc.is_deferred() {
            None
        } else if sc.is_sampled() {
            Some(Sampling::Accept)
        } else {
            Some(Sampling::Deny)
        };
        B3Header::Context {
            trace_id: sc.trace_id(),
            span_id: sc.span_id(),
            parent_span_id: None,
            sampling,
        }
    }

    /// The remote span context this header describes; `None` for a decision
    /// sent without ids. Debug is an accept ("Debug implies an accept
    /// decision"); no decision is [`SpanContext::is_deferred`].
    ///
    /// ```
    /// use baton::wire::b3_single::parse_single;
    /// let sc = parse_single("64fe8b2a57d3eff7-e457b5a2e4d86bd1").unwrap().to_span_context().unwrap();
    /// assert!(sc.is_remote() && sc.is_deferred() && !sc.is_sampled());
    /// assert_eq!(sc.trace_id().to_u128(), 0x64fe_8b2a_57d3_eff7);
    /// ```
    pub fn to_span_context(&self) -> Option<SpanContext> {
        let B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling,
        } = *self
        else {
            return None;
        };
        let sampled = matches!(sampling, Some(Sampling::Accept | Sampling::Debug));
        let flags = TraceFlags::default().with_sampled(sampled);
        Some(
            SpanContext::new(trace_id, span_id, flags)
                .with_remote(true)
                .with_parent_span_id(parent_span_id)
                .with_debug(sampling == Some(Sampling::Debug))
                .with_deferred(sampling.is_none()),
        )
    }
}

/// Parses a trace id of exactly 16 or 32 lowercase hex digits that starts
/// at `offset` of its value; a 64-bit id is left-padded with zeros.
#[inline(always)]
pub(crate) fn parse_trace_id(s: &[u8], field: Field, offset: usize) -> Result<TraceId, WireError> {
    // Each length its own call, so each parse unrolls.
    let n = if s.len() == 16 {
        lower_hex(s, 16, field, offset)?
    } else {
        lower_hex(s, 32, field, offset)?
    };
    trace_id(n, field, offset)
}

/// Parses a span id of exactly 16 lowercase hex digits that starts at
/// `offset` of its value.
#[inline(always)]
pub(crate) fn parse_span_id(s: &[u8], field: Field, offset: usize) -> Result<SpanId, WireError> {
    span_id(lower_hex(s, 16, field, offset)?, field, offset)
}

//! What crosses a boundary: ids, flags, tracestate and where the parent lives.

use core::fmt;

use crate::id::{SpanId, TraceId};
use crate::trace_state::TraceState;

/// The W3C trace-flags byte, kept bit for bit so unknown bits survive a hop.
///
/// # Example
/// ```
/// use baton::TraceFlags;
/// let f = TraceFlags::from_bits(0x03);
/// assert!(f.is_sampled() && f.is_random());
/// assert_eq!(f.with_sampled(false).bits(), 0x02);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TraceFlags(u8);

impl TraceFlags {
    /// Bit 0: the caller may have recorded this trace.
    pub const SAMPLED: u8 = 0x01;
    /// Bit 1 (W3C Trace Context Level 2): the low 56 bits of the trace id are random.
    pub const RANDOM: u8 = 0x02;

    /// Flags from the wire byte; every bit is kept.
    pub const fn from_bits(bits: u8) -> TraceFlags {
        TraceFlags(bits)
    }

    /// The wire byte.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether the sampled bit is set.
    pub const fn is_sampled(self) -> bool {
        self.0 & Self::SAMPLED != 0
    }

    /// Whether the level-2 random bit is set.
    pub const fn is_random(self) -> bool {
        self.0 & Self::RANDOM != 0
    }

    /// Only the bits the W3C spec defines (`sampled`, `random`), as a span
    /// this process creates carries them: "The behavior of other flags ...
    /// is reserved for future use. Vendors MUST set those to zero."
    ///
    /// ```
    /// use baton::TraceFlags;
    /// assert_eq!(TraceFlags::from_bits(0x09).known().bits(), 0x01);
    /// ```
    #[must_use]
    pub const fn known(self) -> TraceFlags {
        TraceFlags(self.0 & (Self::SAMPLED | Self::RANDOM))
    }

    /// The same flags with the sampled bit set or cleared.
    #[must_use]
    pub const fn with_sampled(self, sampled: bool) -> TraceFlags {
        if sampled {
            TraceFlags(self.0 | Self::SAMPLED)
        } else {
            TraceFlags(self.0 & !Self::SAMPLED)
        }
    }

    /// The same flags with the random bit set or cleared.
    #[must_use]
    pub const fn with_random(self, random: bool) -> TraceFlags {
        if random {
            TraceFlags(self.0 | Self::RANDOM)
        } else {
            TraceFlags(self.0 & !Self::RANDOM)
        }
    }
}

/// The identity of one span as other processes see it.
///
/// Built with [`SpanContext::new`] and the `with_*` methods; immutable after.
///
/// # Example
/// ```
/// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
/// let sc = SpanContext::new(
///     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
///     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
///     TraceFlags::from_bits(1),
/// )
/// .with_remote(true);
/// assert!(sc.is_remote() && sc.flags().is_sampled());
/// assert_eq!(sc.parent_span_id(), None);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SpanContext {
    trace_id: TraceId,
    span_id: SpanId,
    trace_state: TraceState,
    parent_span_id: Option<SpanId>,
    marks: Marks,
}

/// How many [`SpanContext::decision_key`]s there are.
#[cfg(feature = "std")]
pub(crate) const DECISION_KEYS: usize = 16;

/// What a [`SpanContext::decision_key`] stands for: whether the context is
/// sampled, remote, debug and deferred.
#[cfg(feature = "std")]
pub(crate) const fn decision_key_parts(key: usize) -> [bool; 4] {
    [key & 1 != 0, key & 2 != 0, key & 4 != 0, key & 8 != 0]
}

/// A span context's trace flags and its marks (remote, debug, deferred,
/// valid), in one word. A context is made where it is needed and often
/// moved at once: kept as five bytes, it was written in five stores and
/// read back in one wider load, which waits for the stores to reach the
/// cache (perf: a third of a future's span start in the peer benchmark's
/// build). As one word, it is written in one store.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Marks(u64);

impl Marks {
    const REMOTE: u64 = 1 << 8;
    const DEBUG: u64 = 1 << 9;
    const DEFERRED: u64 = 1 << 10;
    /// Cleared only in [`SpanContext::INVALID`].
    const VALID: u64 = 1 << 11;

    const fn flags(self) -> TraceFlags {
        TraceFlags::from_bits(self.0 as u8)
    }

    const fn has(self, mark: u64) -> bool {
        self.0 & mark != 0
    }

    const fn with(self, mark: u64, on: bool) -> Marks {
        Marks(self.0 & !mark | if on { mark } else { 0 })
    }

    const fn with_flags(self, flags: TraceFlags) -> Marks {
        Marks(self.0 & !0xff | flags.bits() as u64)
    }
}

impl fmt::Debug for SpanContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanContext")
            .field("trace_id", &self.trace_id)
            .field("span_id", &self.span_id)
            .field("flags", &self.flags())
            .field("trace_state", &self.trace_state)
            .field("parent_span_id", &self.parent_span_id)
            .field("remote", &self.is_remote())
            .field("debug", &self.is_debug())
            .field("deferred", &self.is_deferred())
            .field("valid", &self.is_valid())
            .finish()
    }
}

impl SpanContext {
    /// Left where a span context is yet to be written or was moved out;
    /// never read, so its ids only have to be valid.
    #[cfg(feature = "std")]
    pub(crate) const VACANT: SpanContext = match (TraceId::from_u128(1), SpanId::from_u64(1)) {
        (Some(trace_id), Some(span_id)) => {
            SpanContext::new(trace_id, span_id, TraceFlags::from_bits(0))
        }
        _ => unreachable!(),
    };

    /// The OpenTelemetry invalid span context (all-zero ids there): what a
    /// span started without a parent and without a pipeline (before
    /// `init`, the API in the absence of an SDK), or by a disabled SDK
    /// (`OTEL_SDK_DISABLED=true`, a no-op tracer), carries in place of new
    /// ids, and what a [link] to a context that was not there (a message
    /// that arrived without one) points to. No propagator injects it; the
    /// log correlation functions report no ids for it; exporters write its
    /// ids as zeros. Its [`trace_id`] and [`span_id`] read as 1, since
    /// baton's ids are never zero: check [`is_valid`] first.
    ///
    /// [`trace_id`]: SpanContext::trace_id
    /// [`span_id`]: SpanContext::span_id
    /// [`is_valid`]: SpanContext::is_valid
    #[cfg_attr(feature = "std", doc = "[link]: crate::SpanBuilder::link")]
    #[cfg_attr(not(feature = "std"), doc = "[link]: crate#features")]
    ///
    /// ```
    /// use baton::SpanContext;
    /// assert!(!SpanContext::INVALID.is_valid());
    /// assert!(!SpanContext::INVALID.is_sampled());
    /// ```
    pub const INVALID: SpanContext = match (TraceId::from_u128(1), SpanId::from_u64(1)) {
        (Some(trace_id), Some(span_id)) => {
            SpanContext::new(trace_id, span_id, TraceFlags::from_bits(0)).invalid()
        }
        _ => unreachable!(),
    };

    /// The same ids, marked invalid.
    const fn invalid(mut self) -> SpanContext {
        self.marks = self.marks.with(Marks::VALID, false);
        self
    }

    /// Drops what it owns (a tracestate), leaving a context that owns
    /// nothing, which its owner may then forget. Checked first: most span
    /// contexts own nothing, and their drop glue was a call.
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        if !self.trace_state.is_empty() {
            *self = SpanContext::VACANT;
        }
    }

    /// A local span context with an empty tracestate.
    pub const fn new(trace_id: TraceId, span_id: SpanId, flags: TraceFlags) -> SpanContext {
        SpanContext {
            trace_id,
            span_id,
            trace_state: TraceState::EMPTY,
            parent_span_id: None,
            marks: Marks(Marks::VALID | flags.bits() as u64),
        }
    }

    /// The context of a local child span with id `span_id`: the trace id,
    /// known flags and tracestate are this one's, the parent is this span,
    /// and a debug trace stays one while sampled.
    // Read where the parent lies: cloned out whole first and taken apart,
    // it cost a child span 34 instructions (callgrind, LTO).
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn child(&self, span_id: SpanId, sampled: bool) -> SpanContext {
        // Kept: valid, and debug while sampled.
        let kept = Marks::VALID | if sampled { Marks::DEBUG } else { 0 };
        let flags = self.flags().known().with_sampled(sampled);
        SpanContext {
            trace_id: self.trace_id,
            span_id,
            trace_state: self.trace_state.clone(),
            parent_span_id: Some(self.span_id),
            marks: Marks(self.marks.0 & kept | flags.bits() as u64),
        }
    }

    /// The index of a known decision for a child, below
    /// [`DECISION_KEYS`]: the sampled flag, remote, debug and deferred as
    /// bits 0 to 3 (see [`decision_key_parts`]).
    #[cfg(feature = "std")]
    #[inline(always)]
    pub(crate) fn decision_key(&self) -> usize {
        const {
            assert!(Marks::REMOTE == 1 << 8 && Marks::DEBUG == 1 << 9 && Marks::DEFERRED == 1 << 10)
        };
        let m = self.marks.0 as usize;
        (m & usize::from(TraceFlags::SAMPLED)) | (m >> 7 & 0b1110)
    }

    /// Marks the context as received from another process (or not).
    #[must_use]
    pub fn with_remote(mut self, remote: bool) -> SpanContext {
        self.marks = self.marks.with(Marks::REMOTE, remote);
        self
    }

    /// Replaces the tracestate.
    #[must_use]
    pub fn with_trace_state(mut self, trace_state: TraceState) -> SpanContext {
        self.trace_state = trace_state;
        self
    }

    /// Replaces the flags.
    #[must_use]
    pub fn with_flags(mut self, flags: TraceFlags) -> SpanContext {
        self.marks = self.marks.with_flags(flags);
        self
    }

    /// Records the parent span id, for formats that carry one (B3, Jaeger).
    #[must_use]
    pub fn with_parent_span_id(mut self, parent: Option<SpanId>) -> SpanContext {
        self.parent_span_id = parent;
        self
    }

    /// Marks a B3/Jaeger debug trace. The sampled flag is left as it is:
    /// B3 debug implies accept (its parser sets both), while a Jaeger
    /// header may carry debug with the sampled bit clear.
    #[must_use]
    pub fn with_debug(mut self, debug: bool) -> SpanContext {
        self.marks = self.marks.with(Marks::DEBUG, debug);
        self
    }

    /// Marks that the sender made no sampling decision yet (a B3 header
    /// without a sampling state), so the local sampler decides.
    #[must_use]
    pub fn with_deferred(mut self, deferred: bool) -> SpanContext {
        self.marks = self.marks.with(Marks::DEFERRED, deferred);
        self
    }

    /// The trace id.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// The span id.
    pub fn span_id(&self) -> SpanId {
        self.span_id
    }

    /// The trace flags.
    pub fn flags(&self) -> TraceFlags {
        self.marks.flags()
    }

    /// Whether the sampled flag is set.
    pub fn is_sampled(&self) -> bool {
        self.flags().is_sampled()
    }

    /// The tracestate, in wire order.
    pub fn trace_state(&self) -> &TraceState {
        &self.trace_state
    }

    /// The parent span id, only where the wire format carries one (B3, Jaeger).
    pub fn parent_span_id(&self) -> Option<SpanId> {
        self.parent_span_id
    }

    /// Whether this context came from another process.
    pub fn is_remote(&self) -> bool {
        self.marks.has(Marks::REMOTE)
    }

    /// Whether the sender asked for this trace to be recorded whatever the
    /// sampling rate (B3 `d`, Jaeger flag `0x02`).
    pub fn is_debug(&self) -> bool {
        self.marks.has(Marks::DEBUG)
    }

    /// Whether the sender left the sampling decision to us.
    pub fn is_deferred(&self) -> bool {
        self.marks.has(Marks::DEFERRED)
    }

    /// The sender's sampling decision: `None` when it left the decision to
    /// us ([`is_deferred`](SpanContext::is_deferred)); debug is a sampled
    /// decision. Two contexts of one parent disagree only when both
    /// decided, and decided otherwise.
    ///
    /// ```
    /// use baton::wire::b3_single::parse_single;
    /// let decided = |b3| parse_single(b3).unwrap().to_span_context().unwrap().sampling_decision();
    /// assert_eq!(decided("64fe8b2a57d3eff7-e457b5a2e4d86bd1-0"), Some(false));
    /// assert_eq!(decided("64fe8b2a57d3eff7-e457b5a2e4d86bd1-d"), Some(true));
    /// assert_eq!(decided("64fe8b2a57d3eff7-e457b5a2e4d86bd1"), None);
    /// ```
    pub fn sampling_decision(&self) -> Option<bool> {
        (!self.is_deferred()).then(|| self.is_sampled())
    }

    /// Whether this is a real span context: `false` only for
    /// [`SpanContext::INVALID`] (and a copy of it with other flags or a
    /// tracestate), the OpenTelemetry invalid span context. Propagators
    /// inject nothing for it, and [`current_trace_id`] and the other log
    /// correlation functions report no ids. Its ids are placeholders.
    ///
    #[cfg_attr(feature = "std", doc = "[`current_trace_id`]: crate::current_trace_id")]
    #[cfg_attr(not(feature = "std"), doc = "[`current_trace_id`]: crate#features")]
    ///
    /// ```
    /// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
    /// let sc = SpanContext::new(TraceId::from_u128(7).unwrap(), SpanId::from_u64(7).unwrap(), TraceFlags::default());
    /// assert!(sc.is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        self.marks.has(Marks::VALID)
    }
}

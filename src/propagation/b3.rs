//! Zipkin B3: the single `b3` header and the `X-B3-*` multi-header form.
//!
//! The spec is the [b3-propagation README]. Both encodings carry the same
//! state, modelled by [`B3Header`]: a trace id (64 or 128 bits), a span id, an
//! optional parent span id and a sampling state — deny, accept, debug, or
//! deferred (no decision yet) — or a sampling decision sent on its own.
//!
//! [`parse_single`]/[`format_single`] and [`parse_multi`]/[`format_multi`] are
//! the strict, allocation-free (on parse) functions; [`B3`] is the
//! [`Propagator`] built on them.
//!
//! # How B3 state maps onto a [`Context`]
//! - Ids become a remote [`SpanContext`] whose parent span id is
//!   [`SpanContext::parent_span_id`].
//! - Accept sets the sampled flag, deny clears it.
//! - Debug is kept as [`SpanContext::is_debug`] (which implies sampled), so it
//!   survives extract → inject; some implementations drop it there.
//! - Deferred (no sampling state) is kept as [`SpanContext::is_deferred`],
//!   distinct from "not sampled", so the local sampler decides.
//! - A decision without ids (`b3: 0`, `X-B3-Sampled: 0` alone) becomes
//!   [`Context::with_remote_sampling`]`(Some(false))`: the next root span is
//!   dropped by a parent-based sampler. `b3: 1` and `b3: d` become
//!   `Some(true)`; a context has no place for "debug" without ids, so a lone
//!   `d` is carried as an accept.
//!
//! [b3-propagation README]: https://github.com/openzipkin/b3-propagation#readme
//!
//! # Example: extract a debug trace and inject it again
//! ```
//! use baton::propagation::{b3::B3, Propagator};
//! use std::collections::HashMap;
//! let mut incoming = HashMap::new();
//! incoming.insert(
//!     "b3".to_string(),
//!     "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90".to_string(),
//! );
//! let cx = B3::single().extract(&baton::Context::default(), &incoming);
//! let sc = cx.span_context().unwrap();
//! assert!(sc.is_remote() && sc.is_debug() && sc.is_sampled());
//!
//! let mut outgoing = HashMap::new();
//! B3::single().inject(&cx, &mut outgoing);
//! assert_eq!(outgoing["b3"], incoming["b3"]);
//! ```

use std::fmt;

use super::{Extractor, Injector, Propagator};
use crate::diagnostic::{report, DiagnosticKind};
use crate::{Context, SpanContext, SpanId, TraceFlags, TraceId};

pub use super::b3_multi::{
    format_multi, parse_multi, MultiFields, FLAGS_HEADER, PARENT_SPAN_ID_HEADER, SAMPLED_HEADER,
    SPAN_ID_HEADER, TRACE_ID_HEADER,
};
pub use super::b3_single::{format_single, parse_single, MAX_SINGLE_LEN, SINGLE_HEADER};

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
    /// The B3 state of `sc`: debug, then the sampled flag, unless the
    /// decision is deferred.
    ///
    /// ```
    /// use baton::propagation::b3::{B3Header, Sampling};
    /// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
    /// let sc = SpanContext::new(
    ///     TraceId::from_u128(1).unwrap(), SpanId::from_u64(2).unwrap(), TraceFlags::default());
    /// let B3Header::Context { sampling, .. } = B3Header::from_span_context(&sc) else { panic!() };
    /// assert_eq!(sampling, Some(Sampling::Deny));
    /// ```
    pub fn from_span_context(sc: &SpanContext) -> B3Header {
        let sampling = if sc.is_debug() {
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
            parent_span_id: sc.parent_span_id(),
            sampling,
        }
    }

    /// The B3 state of a context: its span context, else a decision received
    /// without ids; `None` when it has neither.
    pub fn from_context(cx: &Context) -> Option<B3Header> {
        match (cx.span_context(), cx.remote_sampling()) {
            (Some(sc), _) => Some(B3Header::from_span_context(sc)),
            (None, Some(true)) => Some(B3Header::SamplingOnly(Sampling::Accept)),
            (None, Some(false)) => Some(B3Header::SamplingOnly(Sampling::Deny)),
            (None, None) => None,
        }
    }

    /// `cx` with this state as its remote parent (or remote decision).
    ///
    /// ```
    /// use baton::propagation::b3::{parse_single, B3Header};
    /// let cx = baton::Context::default();
    /// let deferred = parse_single("64fe8b2a57d3eff7-e457b5a2e4d86bd1").unwrap().apply_to(&cx);
    /// let sc = deferred.span_context().unwrap();
    /// assert!(sc.is_remote() && sc.is_deferred() && !sc.is_sampled());
    /// assert_eq!(sc.trace_id().to_u128(), 0x64fe_8b2a_57d3_eff7);
    /// ```
    pub fn apply_to(self, cx: &Context) -> Context {
        match self {
            B3Header::Context {
                trace_id,
                span_id,
                parent_span_id,
                sampling,
            } => {
                let flags = TraceFlags::default().with_sampled(sampling == Some(Sampling::Accept));
                let sc = SpanContext::new(trace_id, span_id, flags)
                    .with_remote(true)
                    .with_parent_span_id(parent_span_id)
                    .with_debug(sampling == Some(Sampling::Debug))
                    .with_deferred(sampling.is_none());
                cx.with_span_context(sc)
            }
            B3Header::SamplingOnly(s) => cx.with_remote_sampling(Some(s != Sampling::Deny)),
        }
    }
}

/// Which part of a B3 encoding was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum B3Field {
    /// The `b3` value as a whole (its length or its `-` delimiters).
    Single,
    /// The trace id (`X-B3-TraceId`, or the first `b3` position).
    TraceId,
    /// The span id (`X-B3-SpanId`, or the second `b3` position).
    SpanId,
    /// The parent span id (`X-B3-ParentSpanId`, or the last `b3` position).
    ParentSpanId,
    /// The sampling state (`X-B3-Sampled`, or the third `b3` position).
    Sampled,
    /// The debug flag (`X-B3-Flags`).
    Flags,
}

impl B3Field {
    /// The field's name as the spec writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            B3Field::Single => "b3",
            B3Field::TraceId => "TraceId",
            B3Field::SpanId => "SpanId",
            B3Field::ParentSpanId => "ParentSpanId",
            B3Field::Sampled => "SamplingState",
            B3Field::Flags => "Flags",
        }
    }
}

/// Why a B3 encoding was rejected. Offsets count bytes from the start of the
/// `b3` value, or of the one `X-B3-*` value named by `field`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum B3Error {
    /// The `b3` value is empty.
    Empty,
    /// The `b3` value has `len` bytes, more than [`MAX_SINGLE_LEN`].
    TooLong {
        /// The length of the value.
        len: usize,
    },
    /// An id at `offset` has `found` hex digits instead of 16 (or 32 for a trace id).
    Length {
        /// The id.
        field: B3Field,
        /// Where the id starts.
        offset: usize,
        /// How many bytes it has.
        found: usize,
    },
    /// The byte at `offset` is not a lowercase hex digit.
    NotLowerHex {
        /// The id.
        field: B3Field,
        /// The offending byte.
        offset: usize,
    },
    /// The id at `offset` is all zeros, which B3 reserves for "invalid".
    AllZero {
        /// The id.
        field: B3Field,
        /// Where the id starts.
        offset: usize,
    },
    /// The sampling state or flags at `offset` is not one B3 defines.
    InvalidSampling {
        /// [`B3Field::Sampled`] or [`B3Field::Flags`].
        field: B3Field,
        /// Where the value starts.
        offset: usize,
    },
    /// A `-` delimiter or the end of the value was expected at `offset`.
    UnexpectedByte {
        /// The offending byte.
        offset: usize,
    },
    /// A required field is absent (a span id without a trace id, or the
    /// reverse, or ids missing where the sampling state alone means nothing).
    Missing {
        /// The absent field.
        field: B3Field,
    },
}

impl fmt::Display for B3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            B3Error::Empty => f.write_str("b3 value is empty"),
            B3Error::TooLong { len } => {
                write!(f, "b3 value has {len} bytes, more than {MAX_SINGLE_LEN}")
            }
            B3Error::Length {
                field,
                offset,
                found,
            } => {
                let expected = if field == B3Field::TraceId {
                    "16 or 32"
                } else {
                    "16"
                };
                write!(
                    f,
                    "B3 {} at byte {offset} has {found} hex digits, expected {expected}",
                    field.as_str()
                )
            }
            B3Error::NotLowerHex { field, offset } => write!(
                f,
                "B3 {}: byte {offset} is not a lowercase hex digit",
                field.as_str()
            ),
            B3Error::AllZero { field, offset } => {
                write!(f, "B3 {} at byte {offset} is all zeros", field.as_str())
            }
            B3Error::InvalidSampling { field, offset } => write!(
                f,
                "B3 {} at byte {offset} is not a valid value",
                field.as_str()
            ),
            B3Error::UnexpectedByte { offset } => {
                write!(f, "b3: expected '-' or the end at byte {offset}")
            }
            B3Error::Missing { field } => write!(f, "B3 {} is missing", field.as_str()),
        }
    }
}

impl std::error::Error for B3Error {}

/// Parses a 16-hex span or parent id that starts at `offset` of its value.
pub(super) fn parse_span_id(s: &[u8], field: B3Field, offset: usize) -> Result<SpanId, B3Error> {
    let n = parse_hex(s, 16, field, offset)?;
    // 16 hex digits always fit in a u64.
    SpanId::from_u64(n as u64).ok_or(B3Error::AllZero { field, offset })
}

/// Parses a 16- or 32-hex trace id that starts at `offset` of its value; a
/// 64-bit id is left-padded with zeros to 128 bits.
pub(super) fn parse_trace_id(s: &[u8], offset: usize) -> Result<TraceId, B3Error> {
    let field = B3Field::TraceId;
    let digits = if s.len() == 16 { 16 } else { 32 };
    let n = parse_hex(s, digits, field, offset)?;
    TraceId::from_u128(n).ok_or(B3Error::AllZero { field, offset })
}

fn parse_hex(s: &[u8], digits: usize, field: B3Field, offset: usize) -> Result<u128, B3Error> {
    crate::id::parse_lower_hex(s, digits).map_err(|e| match e {
        crate::IdError::NotLowerHex { index } => B3Error::NotLowerHex {
            field,
            offset: offset + index,
        },
        _ => B3Error::Length {
            field,
            offset,
            found: s.len(),
        },
    })
}

/// Writes a trace id as 16 hex digits when its high half is zero (a 64-bit
/// id, as Zipkin's own Brave writes it, so 64-bit-only peers keep working),
/// else as 32.
pub(super) fn push_trace_id(out: &mut String, id: TraceId) {
    let hex = id.to_hex();
    let start = if id.to_u128() >> 64 == 0 { 16 } else { 0 };
    out.extend(hex[start..].iter().map(|&b| char::from(b)));
}

/// Appends 16 hex digits.
pub(super) fn push_span_id(out: &mut String, id: SpanId) {
    out.extend(id.to_hex().iter().map(|&b| char::from(b)));
}

/// The first value of `key` in `carrier`, parsed in place without a copy:
/// "when extracting state headers, the first value wins" (b3-propagation,
/// Multiple Headers). Jaeger reads `uber-trace-id` the same way.
pub(super) fn parse_first<T>(
    carrier: &dyn Extractor,
    key: &str,
    parse: impl Fn(&str) -> T,
) -> Option<T> {
    let mut out = None;
    carrier.get_all(key, &mut |v| {
        if out.is_none() {
            out = Some(parse(v));
        }
    });
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Single,
    Multi,
}

/// The B3 [`Propagator`].
///
/// Injects in the form it was built for: [`B3::single`] writes `b3`,
/// [`B3::multi`] writes the lowercase `x-b3-*` headers. Extraction reads
/// both: a valid `b3` header wins; an invalid one falls back to the multi
/// headers. An invalid encoding leaves `cx` as it was and is reported as one
/// [`DiagnosticKind::InvalidHeader`] per extract call.
///
/// # Example: a lone `b3: 0` drops the next root span
/// ```
/// use baton::propagation::{b3::B3, Propagator};
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
const MULTI_FIELDS: [&str; 5] = [
    TRACE_ID_HEADER,
    SPAN_ID_HEADER,
    PARENT_SPAN_ID_HEADER,
    SAMPLED_HEADER,
    FLAGS_HEADER,
];

impl B3 {
    /// Injects the single `b3` header.
    pub const fn single() -> B3 {
        B3 {
            encoding: Encoding::Single,
        }
    }

    /// Injects the `x-b3-*` headers.
    pub const fn multi() -> B3 {
        B3 {
            encoding: Encoding::Multi,
        }
    }
}

impl Propagator for B3 {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        let Some(header) = B3Header::from_context(cx) else {
            return;
        };
        match self.encoding {
            Encoding::Single => carrier.set(SINGLE_HEADER, format_single(&header)),
            Encoding::Multi => {
                for (name, value) in format_multi(&header) {
                    carrier.set(name, value);
                }
            }
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let single = match parse_first(carrier, SINGLE_HEADER, parse_single) {
            Some(Ok(header)) => return header.apply_to(cx),
            Some(Err(e)) => Some(e),
            None => None,
        };
        match (single, super::b3_multi::extract(carrier)) {
            (single, Some(Ok(header))) => {
                if let Some(e) = single {
                    report(
                        DiagnosticKind::InvalidHeader,
                        &format_args!("b3 ignored, x-b3-* headers used instead: {e}"),
                        None,
                    );
                }
                header.apply_to(cx)
            }
            (Some(s), Some(Err(m))) => {
                report(
                    DiagnosticKind::InvalidHeader,
                    &format_args!("b3 ignored: {s}; x-b3-* headers ignored: {m}"),
                    None,
                );
                cx.clone()
            }
            (Some(e), None) => {
                report(
                    DiagnosticKind::InvalidHeader,
                    &format_args!("b3 ignored: {e}"),
                    None,
                );
                cx.clone()
            }
            (None, Some(Err(e))) => {
                report(
                    DiagnosticKind::InvalidHeader,
                    &format_args!("x-b3-* headers ignored: {e}"),
                    None,
                );
                cx.clone()
            }
            (None, None) => cx.clone(),
        }
    }

    fn fields(&self) -> &[&str] {
        match self.encoding {
            Encoding::Single => &SINGLE_FIELDS,
            Encoding::Multi => &MULTI_FIELDS,
        }
    }
}

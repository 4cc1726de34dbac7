//! Jaeger: the `uber-trace-id` header and `uberctx-{key}` baggage.
//!
//! The spec is the [Jaeger propagation format]. [`parse`]/[`format()`] handle
//! `uber-trace-id`; [`parse_baggage_name`], [`parse_baggage_value`] and their
//! `format_*` twins handle one `uberctx-{key}` field; [`Jaeger`] is the
//! [`Propagator`] built on them.
//!
//! # How Jaeger state maps onto a [`Context`]
//! - The ids become a remote [`SpanContext`]; a non-zero parent span id is
//!   kept as [`SpanContext::parent_span_id`].
//! - Flag `0x01` is the sampled flag; flag `0x02` is
//!   [`SpanContext::is_debug`] (which implies sampled). Other flag bits
//!   (Jaeger's `0x08` "firehose") have no place in a span context and are
//!   not carried past [`parse`].
//! - Each `uberctx-{key}` field becomes the baggage entry `{key}`
//!   (lowercased), so a session crosses as `uberctx-session.id`.
//!
//! [Jaeger propagation format]: https://www.jaegertracing.io/docs/1.52/client-libraries/#propagation-format
//!
//! # Example: extract a trace and its session, then inject them again
//! ```
//! use baton::propagation::{jaeger::Jaeger, Propagator};
//! use std::collections::BTreeMap;
//! let mut incoming = BTreeMap::new();
//! incoming.insert("uber-trace-id".to_string(), "deadbeef%3Aabc%3A0%3A3".to_string());
//! incoming.insert("uberctx-session.id".to_string(), "user%20session%201".to_string());
//! let cx = Jaeger.extract(&baton::Context::default(), &incoming);
//! let sc = cx.span_context().unwrap();
//! assert_eq!(sc.trace_id().to_u128(), 0xdead_beef);
//! assert!(sc.is_remote() && sc.is_debug() && sc.parent_span_id().is_none());
//! assert_eq!(cx.session().unwrap().id(), "user session 1");
//!
//! let mut outgoing = BTreeMap::new();
//! Jaeger.inject(&cx, &mut outgoing);
//! assert_eq!(outgoing["uber-trace-id"], "000000000000000000000000deadbeef:0000000000000abc:0:03");
//! assert_eq!(outgoing["uberctx-session.id"], "user%20session%201");
//! ```

use std::fmt;

use super::uberctx::{hex_digit, Skipped};
use super::{Extractor, Injector, Propagator};
use crate::diagnostic::{report, DiagnosticKind};
use crate::id::parse_lower_hex;
use crate::{Context, SpanContext, SpanId, TraceFlags, TraceId};

pub use super::uberctx::{
    format_baggage_name, format_baggage_value, parse_baggage_name, parse_baggage_value,
    UberctxError, BAGGAGE_PREFIX, MAX_BAGGAGE_BYTES,
};

/// The trace header's name.
pub const HEADER: &str = "uber-trace-id";

/// The longest valid `uber-trace-id` value: 32 + 16 + 16 + 2 hex digits and
/// three separators of up to 3 bytes (`%3A`). A longer value is rejected from
/// its length alone, before any byte is read.
pub const MAX_HEADER_LEN: usize = 75;

/// The content of one `uber-trace-id` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JaegerHeader {
    /// The trace id; shorter ids are left-padded with zeros.
    pub trace_id: TraceId,
    /// The span id.
    pub span_id: SpanId,
    /// The parent span id; `None` for the wire value `0` (a root span).
    pub parent_span_id: Option<SpanId>,
    /// The flags byte, kept bit for bit.
    pub flags: u8,
}

impl JaegerHeader {
    /// Flag bit: the trace is sampled.
    pub const SAMPLED: u8 = 0x01;
    /// Flag bit: debug, a forced sampling decision.
    pub const DEBUG: u8 = 0x02;

    /// The Jaeger state of `sc`. A deferred decision is sent as not sampled:
    /// Jaeger has no "no decision yet".
    pub fn from_span_context(sc: &SpanContext) -> JaegerHeader {
        let sampled = if sc.is_sampled() { Self::SAMPLED } else { 0 };
        let debug = if sc.is_debug() { Self::DEBUG } else { 0 };
        JaegerHeader {
            trace_id: sc.trace_id(),
            span_id: sc.span_id(),
            parent_span_id: sc.parent_span_id(),
            flags: sampled | debug,
        }
    }

    /// The remote span context this header describes.
    ///
    /// ```
    /// let h = baton::propagation::jaeger::parse("1:2:0:2").unwrap();
    /// let sc = h.to_span_context();
    /// assert!(sc.is_remote() && sc.is_debug() && sc.is_sampled());
    /// ```
    pub fn to_span_context(&self) -> SpanContext {
        let flags = TraceFlags::default().with_sampled(self.flags & Self::SAMPLED != 0);
        SpanContext::new(self.trace_id, self.span_id, flags)
            .with_remote(true)
            .with_parent_span_id(self.parent_span_id)
            .with_debug(self.flags & Self::DEBUG != 0)
    }
}

/// Which part of an `uber-trace-id` value was wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JaegerField {
    /// `{trace-id}`.
    TraceId,
    /// `{span-id}`.
    SpanId,
    /// `{parent-span-id}`.
    ParentSpanId,
    /// `{flags}`.
    Flags,
}

impl JaegerField {
    /// The field's name as the spec writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            JaegerField::TraceId => "trace-id",
            JaegerField::SpanId => "span-id",
            JaegerField::ParentSpanId => "parent-span-id",
            JaegerField::Flags => "flags",
        }
    }
}

/// Why an `uber-trace-id` value was rejected. Offsets count bytes from the
/// start of the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JaegerError {
    /// The value is empty.
    Empty,
    /// The value has `len` bytes, more than [`MAX_HEADER_LEN`].
    TooLong {
        /// The value's length.
        len: usize,
    },
    /// The field at `offset` has `found` hex digits: none, or more than 32
    /// (trace id), 16 (span ids) or 2 (flags).
    Length {
        /// The field.
        field: JaegerField,
        /// Where the field starts.
        offset: usize,
        /// How many hex digits it has.
        found: usize,
    },
    /// The byte at `offset` is neither a hex digit of `field` nor a separator
    /// (`:`, `%3A` or `%3a`).
    NotHex {
        /// The field.
        field: JaegerField,
        /// The offending byte.
        offset: usize,
    },
    /// The trace or span id at `offset` is zero, which Jaeger reserves for "invalid".
    AllZero {
        /// The id.
        field: JaegerField,
        /// Where the id starts.
        offset: usize,
    },
    /// The value ends before `field`.
    Missing {
        /// The first absent field.
        field: JaegerField,
    },
    /// The value goes on past the flags, at `offset`.
    TrailingData {
        /// The first extra byte.
        offset: usize,
    },
}

impl fmt::Display for JaegerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            JaegerError::Empty => f.write_str("uber-trace-id is empty"),
            JaegerError::TooLong { len } => {
                write!(
                    f,
                    "uber-trace-id has {len} bytes, more than {MAX_HEADER_LEN}"
                )
            }
            JaegerError::Length {
                field,
                offset,
                found,
            } => write!(
                f,
                "uber-trace-id {} at byte {offset} has {found} hex digits, expected 1 to {}",
                field.as_str(),
                max_digits(field)
            ),
            JaegerError::NotHex { field, offset } => write!(
                f,
                "uber-trace-id {}: byte {offset} is not a hex digit or separator",
                field.as_str()
            ),
            JaegerError::AllZero { field, offset } => write!(
                f,
                "uber-trace-id {} at byte {offset} is zero",
                field.as_str()
            ),
            JaegerError::Missing { field } => {
                write!(f, "uber-trace-id ends before {}", field.as_str())
            }
            JaegerError::TrailingData { offset } => {
                write!(f, "uber-trace-id has extra data at byte {offset}")
            }
        }
    }
}

impl std::error::Error for JaegerError {}

const fn max_digits(field: JaegerField) -> usize {
    match field {
        JaegerField::TraceId => 32,
        JaegerField::SpanId | JaegerField::ParentSpanId => 16,
        JaegerField::Flags => 2,
    }
}

/// Reads the variable-length hex field that starts at `start`: 1 up to
/// `max_digits(field)` digits, a shorter one left-padded with zeros. Returns
/// the number and the offset just past the digits. The one helper behind all
/// four fields.
fn hex_field(b: &[u8], start: usize, field: JaegerField) -> Result<(u128, usize), JaegerError> {
    let digits = b[start..]
        .iter()
        .take_while(|&&c| hex_digit(c).is_some())
        .count();
    if digits == 0 || digits > max_digits(field) {
        return Err(JaegerError::Length {
            field,
            offset: start,
            found: digits,
        });
    }
    let end = start + digits;
    let n = b[start..end]
        .iter()
        .filter_map(|&c| hex_digit(c))
        .fold(0u128, |n, d| n << 4 | u128::from(d));
    Ok((n, end))
}

/// Skips the separator after `field` at `at`; `next` is the field it introduces.
fn separator(
    b: &[u8],
    at: usize,
    field: JaegerField,
    next: JaegerField,
) -> Result<usize, JaegerError> {
    match &b[at..] {
        [] => Err(JaegerError::Missing { field: next }),
        [b':', ..] => Ok(at + 1),
        [b'%', b'3', b'A' | b'a', ..] => Ok(at + 3),
        _ => Err(JaegerError::NotHex { field, offset: at }),
    }
}

/// Parses an `uber-trace-id` value.
///
/// Grammar, from the [Jaeger propagation format] (`{trace-id}:{span-id}:{parent-span-id}:{flags}`):
///
/// ```text
/// uber-trace-id  = trace-id sep span-id sep parent-span-id sep flags
/// trace-id       = 1*32HEXDIG   ; "variable length, shorter values are 0-padded on the left"; 0 is invalid
/// span-id        = 1*16HEXDIG   ; 0 is invalid
/// parent-span-id = 1*16HEXDIG   ; "0 value is valid and means root span"
/// flags          = 1*2HEXDIG    ; "one byte bitmap, as two hex digits"; 0x01 sampled, 0x02 debug
/// sep            = ":" / "%3A" / "%3a"   ; the URL-encoded form some clients send
/// ```
///
/// `HEXDIG` accepts upper and lower case: the spec says "base16" without a
/// case, and Jaeger's clients parse both (Go `strconv.ParseUint(s, 16, 64)`,
/// Java `Long.parseUnsignedLong(s, 16)`). [`format()`] writes lowercase. A
/// single-digit flags field, as Jaeger's clients write it, is accepted.
///
/// [Jaeger propagation format]: https://www.jaegertracing.io/docs/1.52/client-libraries/#propagation-format
///
/// # Example
/// ```
/// use baton::propagation::jaeger::{parse, JaegerError, JaegerField};
/// let h = parse("4bf92f3577b34da6a3ce929d0e0e4736%3a00f067aa0ba902b7%3a0%3a01").unwrap();
/// assert_eq!(h.span_id.to_u64(), 0x00f0_67aa_0ba9_02b7);
/// assert_eq!((h.parent_span_id, h.flags), (None, 1));
/// assert_eq!(
///     parse("0:1:0:1"),
///     Err(JaegerError::AllZero { field: JaegerField::TraceId, offset: 0 }),
/// );
/// ```
pub fn parse(s: &str) -> Result<JaegerHeader, JaegerError> {
    use JaegerField::{Flags, ParentSpanId, SpanId as Span, TraceId as Trace};
    let b = s.as_bytes();
    if b.len() > MAX_HEADER_LEN {
        return Err(JaegerError::TooLong { len: b.len() });
    }
    if b.is_empty() {
        return Err(JaegerError::Empty);
    }
    if let Some(header) = parse_padded(b) {
        return Ok(header);
    }
    let (trace, at) = hex_field(b, 0, Trace)?;
    let trace_id = TraceId::from_u128(trace).ok_or(JaegerError::AllZero {
        field: Trace,
        offset: 0,
    })?;
    let start = separator(b, at, Trace, Span)?;
    let (span, at) = hex_field(b, start, Span)?;
    // At most 16 digits, so it fits in a u64.
    let span_id = SpanId::from_u64(span as u64).ok_or(JaegerError::AllZero {
        field: Span,
        offset: start,
    })?;
    let start = separator(b, at, Span, ParentSpanId)?;
    let (parent, at) = hex_field(b, start, ParentSpanId)?;
    let start = separator(b, at, ParentSpanId, Flags)?;
    let (flags, at) = hex_field(b, start, Flags)?;
    if at != b.len() {
        return Err(JaegerError::TrailingData { offset: at });
    }
    Ok(JaegerHeader {
        trace_id,
        span_id,
        parent_span_id: SpanId::from_u64(parent as u64),
        // At most 2 digits.
        flags: flags as u8,
    })
}

/// The common case, valid lowercase ids at full width (the parent may be
/// `0`), with no search for separators. Anything else (including every
/// invalid value) gives `None` and goes through the field-by-field path,
/// which finds the exact error.
fn parse_padded(b: &[u8]) -> Option<JaegerHeader> {
    let id = |hex: &[u8]| parse_lower_hex(hex, hex.len()).ok();
    let trace_len = match (b.get(16), b.get(32)) {
        (Some(b':'), _) => 16,
        (_, Some(b':')) => 32,
        _ => return None,
    };
    let trace_id = TraceId::from_u128(id(&b[..trace_len])?)?;
    let rest = &b[trace_len + 1..];
    if rest.get(16) != Some(&b':') {
        return None;
    }
    // 16 hex digits always fit in a u64.
    let span_id = SpanId::from_u64(id(&rest[..16])? as u64)?;
    let (parent, flags) = match &rest[17..] {
        [b'0', b':', flags @ ..] => (None, flags),
        rest if rest.get(16) == Some(&b':') => {
            // A zero parent is a root span, as on the general path.
            (SpanId::from_u64(id(&rest[..16])? as u64), &rest[17..])
        }
        _ => return None,
    };
    if !matches!(flags.len(), 1 | 2) {
        return None;
    }
    Some(JaegerHeader {
        trace_id,
        span_id,
        parent_span_id: parent,
        // At most 2 digits.
        flags: id(flags)? as u8,
    })
}

/// Formats an `uber-trace-id` value with `:` separators, the ids at full
/// width in lowercase (`0` for no parent) and the flags as two hex digits;
/// [`parse`] reads it back unchanged.
///
/// ```
/// use baton::propagation::jaeger::{format, parse};
/// let s = "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01";
/// assert_eq!(format(&parse(s).unwrap()), s);
/// ```
pub fn format(header: &JaegerHeader) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(32 + 16 + 16 + 2 + 3);
    // Writing to a String cannot fail.
    let _ = match header.parent_span_id {
        Some(p) => write!(
            out,
            "{}:{}:{p}:{:02x}",
            header.trace_id, header.span_id, header.flags
        ),
        None => write!(
            out,
            "{}:{}:0:{:02x}",
            header.trace_id, header.span_id, header.flags
        ),
    };
    out
}

/// The Jaeger [`Propagator`]: `uber-trace-id` and `uberctx-{key}` baggage.
///
/// Extraction never fails: an invalid `uber-trace-id` leaves `cx`'s span
/// context as it was, and an invalid `uberctx-*` field is skipped without
/// affecting the trace context or the other fields. Whatever was skipped is
/// reported as one diagnostic per call ([`DiagnosticKind::InvalidHeader`],
/// or [`DiagnosticKind::LimitExceeded`] when only limits dropped fields).
/// At most [`crate::MAX_BAGGAGE_MEMBERS`] fields and [`MAX_BAGGAGE_BYTES`]
/// bytes of baggage are read.
///
/// Injection writes `uber-trace-id` when `cx` has a span context, and every
/// baggage entry as `uberctx-{key}` with a percent-encoded value; keys that
/// cannot be lowercase header names are skipped and reported (one
/// [`DiagnosticKind::InvalidArgument`], or [`DiagnosticKind::LimitExceeded`]
/// for entries past [`MAX_BAGGAGE_BYTES`]), and baggage
/// properties are not sent (the format has no place for them).
///
/// # Example: one bad baggage field spoils nothing else
/// ```
/// use baton::propagation::{jaeger::Jaeger, Propagator};
/// let headers = vec![
///     ("uber-trace-id".to_string(), "abc:def:0:1".to_string()),
///     ("uberctx-bad".to_string(), "%zz".to_string()),
///     ("uberctx-good".to_string(), "yes".to_string()),
/// ];
/// let cx = Jaeger.extract(&baton::Context::default(), &headers);
/// assert!(cx.span_context().unwrap().is_sampled());
/// assert_eq!(cx.baggage().get("good"), Some("yes"));
/// assert_eq!(cx.baggage().get("bad"), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Jaeger;

const FIELDS: [&str; 1] = [HEADER];

impl Propagator for Jaeger {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        if let Some(sc) = cx.span_context() {
            carrier.set(HEADER, format(&JaegerHeader::from_span_context(sc)));
        }
        let mut skipped = Skipped::default();
        super::uberctx::inject(cx.baggage(), carrier, &mut skipped);
        if !skipped.is_empty() {
            let kind = if skipped.invalid > 0 {
                DiagnosticKind::InvalidArgument
            } else {
                DiagnosticKind::LimitExceeded
            };
            report(kind, &format_args!("jaeger inject: {skipped}"), None);
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        let trace = super::b3::parse_first(carrier, HEADER, parse);
        let mut skipped = Skipped::default();
        let baggage = super::uberctx::extract(cx.baggage(), carrier, &mut skipped);
        let trace_error = match trace {
            Some(Err(e)) => Some(e),
            _ => None,
        };
        if trace_error.is_some() || !skipped.is_empty() {
            let problems = Problems {
                trace: trace_error,
                skipped: &skipped,
            };
            let kind = if trace_error.is_some() || skipped.invalid > 0 {
                DiagnosticKind::InvalidHeader
            } else {
                DiagnosticKind::LimitExceeded
            };
            report(kind, &problems, None);
        }
        let cx = match baggage {
            Some(b) => cx.with_baggage_replaced(b),
            None => cx.clone(),
        };
        match trace {
            Some(Ok(h)) => cx.with_span_context(h.to_span_context()),
            _ => cx,
        }
    }

    fn fields(&self) -> &[&str] {
        &FIELDS
    }
}

/// What one extract skipped, as one diagnostic message.
struct Problems<'a> {
    trace: Option<JaegerError>,
    skipped: &'a Skipped,
}

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("jaeger extract: ")?;
        if let Some(e) = self.trace {
            write!(f, "ignored: {e}")?;
            if !self.skipped.is_empty() {
                f.write_str("; ")?;
            }
        }
        if !self.skipped.is_empty() {
            write!(f, "{}", self.skipped)?;
        }
        Ok(())
    }
}

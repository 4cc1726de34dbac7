//! Jaeger's `uber-trace-id` header: parse and format.
//!
//! The spec is the [Jaeger propagation format]
//! (`{trace-id}:{span-id}:{parent-span-id}:{flags}`).
//!
//! [Jaeger propagation format]: https://www.jaegertracing.io/docs/1.52/client-libraries/#propagation-format

use alloc::string::String;

use crate::id::hex_digit;
use crate::id::{parse_lower_hex, write_lower_hex, SpanId, TraceId};
use crate::span_context::{SpanContext, TraceFlags};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{push_span_id, span_id, trace_id, without_ows};

/// The trace header's name.
pub const HEADER: &str = "uber-trace-id";

/// The longest valid `uber-trace-id` value: 32 + 16 + 16 + 2 hex digits and
/// three separators of up to 3 bytes (`%3A`). A longer value (spaces and
/// tabs around it not counted) is rejected in constant time, from its
/// length and the few bytes the usual layout reads at fixed places.
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
    /// Flag bit: debug, a request to record the trace whatever the rate.
    pub const DEBUG: u8 = 0x02;

    /// The Jaeger state of `sc`. A deferred decision is sent as not sampled:
    /// Jaeger has no "no decision yet". Debug is written only with the
    /// sampled flag ("Debug flag should only be set when the sampled flag is
    /// set"): flags `02` are read back as neither.
    ///
    /// ```
    /// use baton::wire::uber_trace_id::JaegerHeader;
    /// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
    /// let sc = SpanContext::new(
    ///     TraceId::from_u128(1).unwrap(), SpanId::from_u64(2).unwrap(), TraceFlags::default());
    /// assert_eq!(JaegerHeader::from_span_context(&sc.clone().with_debug(true)).flags, 0);
    /// let sampled = sc.with_flags(TraceFlags::default().with_sampled(true)).with_debug(true);
    /// assert_eq!(JaegerHeader::from_span_context(&sampled).flags, 3);
    /// ```
    pub fn from_span_context(sc: &SpanContext) -> JaegerHeader {
        let (sampled, debug) = match (sc.is_sampled(), sc.is_debug()) {
            (false, _) => (0, 0),
            (true, false) => (Self::SAMPLED, 0),
            (true, true) => (Self::SAMPLED, Self::DEBUG),
        };
        JaegerHeader {
            trace_id: sc.trace_id(),
            span_id: sc.span_id(),
            parent_span_id: sc.parent_span_id(),
            flags: sampled | debug,
        }
    }

    /// The remote span context this header describes: "Bit 1 (right-most,
    /// least significant, bit mask 0x01) is 'sampled' flag", "Bit 2 (bit
    /// mask 0x02) is 'debug' flag", and "Debug flag should only be set when
    /// the sampled flag is set". The decision is bit `0x01` alone, as
    /// jaeger-client-go and OpenTelemetry Go, Python and JS read it, and
    /// debug counts only with it, as OpenTelemetry Go keeps it: flags `2`
    /// are "not sampled", the same decision every peer reads from them.
    /// Other bits (`0x08` "firehose") have no place in a span context:
    /// they are left behind without a `propagation::Problem`,
    /// as a higher `traceparent` version's unknown bits are (see
    /// [`wire::traceparent`](crate::wire::traceparent)), since the header is
    /// valid and its context used; `baton decode` and `convert` name them.
    ///
    /// ```
    /// use baton::wire::uber_trace_id::parse;
    /// let sc = parse("1:2:0:3").unwrap().to_span_context();
    /// assert!(sc.is_remote() && sc.is_debug() && sc.is_sampled());
    /// let sc = parse("1:2:0:2").unwrap().to_span_context();
    /// assert!(!sc.is_debug() && !sc.is_sampled());
    /// ```
    pub fn to_span_context(&self) -> SpanContext {
        let sampled = self.flags & Self::SAMPLED != 0;
        let flags = TraceFlags::default().with_sampled(sampled);
        SpanContext::new(self.trace_id, self.span_id, flags)
            .with_remote(true)
            .with_parent_span_id(self.parent_span_id)
            .with_debug(sampled && self.flags & Self::DEBUG != 0)
    }
}

/// Reads the variable-length hex field that starts at `start`: 1 up to
/// `MAX` digits of either case, a shorter one left-padded with zeros.
/// Returns the number and the offset just past the digits.
#[inline(always)]
fn hex_field<const MAX: usize>(
    b: &[u8],
    start: usize,
    field: Field,
) -> Result<(u128, usize), WireError> {
    let max = MAX;
    // Most senders write the ids at full width in lowercase: eight digits at
    // a time, when no digit follows them.
    if let Some(full) = b.get(start..start + max) {
        if b.get(start + max).is_none_or(|&c| hex_digit(c).is_none()) {
            if let Ok(n) = parse_lower_hex(full, MAX) {
                return Ok((n, start + max));
            }
        }
    }
    let mut n = 0u128;
    let mut end = start;
    while let Some(d) = b.get(end).copied().and_then(hex_digit) {
        if end - start == max {
            // One digit too many: the field's length is the error.
            let found = b[start..]
                .iter()
                .take_while(|&&c| hex_digit(c).is_some())
                .count();
            return Err(WireError::new(field, start, Reason::Length { found }));
        }
        n = n << 4 | u128::from(d);
        end += 1;
    }
    if end == start {
        return Err(no_digits(b, start, field));
    }
    Ok((n, end))
}

/// The error for a field at `start` without a digit: empty, if a separator
/// or the end follows; else the byte there is the fault (`+1`, ` 1`, `x1`
/// have no digits because they start with a byte that is not one).
#[cold]
fn no_digits(b: &[u8], start: usize, field: Field) -> WireError {
    match b[start..] {
        [] | [b':', ..] | [b'%', b'3', b'A' | b'a', ..] => {
            WireError::new(field, start, Reason::Length { found: 0 })
        }
        _ => WireError::new(field, start, Reason::NotHex),
    }
}

/// Skips the separator after `field` at `at`; `next` is the field it
/// introduces. `encoded` is the form of the first separator, which every
/// other must share.
#[inline(always)]
fn separator(
    b: &[u8],
    at: usize,
    field: Field,
    next: Field,
    encoded: &mut Option<bool>,
) -> Result<usize, WireError> {
    let (is_encoded, len) = match &b[at..] {
        [] => return Err(WireError::new(next, at, Reason::Missing)),
        [b':', ..] => (false, 1),
        [b'%', b'3', b'A' | b'a', ..] => (true, 3),
        _ => return Err(WireError::new(field, at, Reason::NotHex)),
    };
    if *encoded.get_or_insert(is_encoded) != is_encoded {
        return Err(WireError::new(
            Field::UberTraceId,
            at,
            Reason::MixedSeparators,
        ));
    }
    Ok(at + len)
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
/// The separators are all `:` or all encoded (`%3A`, either case): a value
/// that mixes the two was not written by one encoder, and is rejected.
/// `HEXDIG` accepts upper and lower case: the spec says "base16" without a
/// case, and Jaeger's clients parse both (Go `strconv.ParseUint(s, 16, 64)`,
/// Java `Long.parseUnsignedLong(s, 16)`). [`format()`] writes lowercase. A
/// single-digit flags field, as Jaeger's clients write it, is accepted.
/// Surrounding spaces and tabs are ignored, as HTTP does for field values
/// (RFC 9110 §5.5); a value longer than [`MAX_HEADER_LEN`] without them is
/// rejected.
///
/// [Jaeger propagation format]: https://www.jaegertracing.io/docs/1.52/client-libraries/#propagation-format
///
/// # Example
/// ```
/// use baton::wire::{uber_trace_id::parse, Field, Reason, WireError};
/// let h = parse("4bf92f3577b34da6a3ce929d0e0e4736%3a00f067aa0ba902b7%3a0%3a01").unwrap();
/// assert_eq!(h.span_id.to_u64(), 0x00f0_67aa_0ba9_02b7);
/// assert_eq!((h.parent_span_id, h.flags), (None, 1));
/// assert_eq!(parse("0:1:0:1"), Err(WireError::new(Field::JaegerTraceId, 0, Reason::AllZero)));
/// assert_eq!(
///     parse("abc%3a1:0:3"),
///     Err(WireError::new(Field::UberTraceId, 7, Reason::MixedSeparators))
/// );
/// ```
pub fn parse(s: &str) -> Result<JaegerHeader, WireError> {
    if let Some(header) = usual(s.as_bytes()) {
        return Ok(header);
    }
    without_ows(s, parse_value)
}

/// [`parse`](fn@parse) of a value without surrounding OWS, field by field.
fn parse_value(s: &str) -> Result<JaegerHeader, WireError> {
    use Field::{JaegerFlags, JaegerParentSpanId, JaegerSpanId, JaegerTraceId};
    let b = s.as_bytes();
    if b.len() > MAX_HEADER_LEN {
        return Err(WireError::new(
            Field::UberTraceId,
            MAX_HEADER_LEN,
            Reason::TooLong {
                max: MAX_HEADER_LEN,
            },
        ));
    }
    if b.is_empty() {
        return Err(WireError::new(Field::UberTraceId, 0, Reason::Empty));
    }
    let mut encoded = None;
    let (trace, at) = hex_field::<32>(b, 0, JaegerTraceId)?;
    let trace_id = trace_id(trace, JaegerTraceId, 0)?;
    let start = separator(b, at, JaegerTraceId, JaegerSpanId, &mut encoded)?;
    let (span, at) = hex_field::<16>(b, start, JaegerSpanId)?;
    let span_id = span_id(span, JaegerSpanId, start)?;
    let start = separator(b, at, JaegerSpanId, JaegerParentSpanId, &mut encoded)?;
    let (parent, at) = hex_field::<16>(b, start, JaegerParentSpanId)?;
    let start = separator(b, at, JaegerParentSpanId, JaegerFlags, &mut encoded)?;
    let (flags, at) = hex_field::<2>(b, start, JaegerFlags)?;
    if at != b.len() {
        return Err(WireError::new(JaegerFlags, at, Reason::TrailingData));
    }
    Ok(JaegerHeader {
        trace_id,
        span_id,
        // At most 16 digits.
        parent_span_id: SpanId::from_u64(parent as u64),
        // At most 2 digits.
        flags: flags as u8,
    })
}

/// A value in the layout Jaeger's clients write, read at the fixed offsets
/// of its fields: a full-width lowercase trace id and span id, a parent of
/// `0` or 16 lowercase digits, one or two flag digits, `:` separators.
/// `None` for anything else (an invalid value among them), which
/// [`parse`] then reads field by field.
#[inline(always)]
fn usual(b: &[u8]) -> Option<JaegerHeader> {
    if b.get(32) != Some(&b':') || b.get(49) != Some(&b':') {
        return None;
    }
    let trace_id = TraceId::from_u128(parse_lower_hex(&b[..32], 32).ok()?)?;
    // Sixteen digits fit a u64.
    let span_id = SpanId::from_u64(parse_lower_hex(&b[33..49], 16).ok()? as u64)?;
    let rest = &b[50..];
    let (parent, flags) = match rest {
        [b'0', b':', flags @ ..] => (0, flags),
        _ if rest.get(16) == Some(&b':') => (parse_lower_hex(&rest[..16], 16).ok()?, &rest[17..]),
        _ => return None,
    };
    let flags = match *flags {
        [low] => hex_digit(low)?,
        [high, low] => hex_digit(high)? << 4 | hex_digit(low)?,
        _ => return None,
    };
    Some(JaegerHeader {
        trace_id,
        span_id,
        parent_span_id: SpanId::from_u64(parent as u64),
        flags,
    })
}

/// Formats an `uber-trace-id` value with `:` separators, the ids at full
/// width in lowercase (`0` for no parent) and the flags as two hex digits;
/// [`parse`] reads it back unchanged.
///
/// ```
/// use baton::wire::uber_trace_id::{format, parse};
/// let s = "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:01";
/// assert_eq!(format(&parse(s).unwrap()), s);
/// ```
pub fn format(header: &JaegerHeader) -> String {
    let mut out = String::with_capacity(32 + 16 + 16 + 2 + 3);
    out.extend(header.trace_id.to_hex().iter().map(|&c| char::from(c)));
    out.push(':');
    push_span_id(&mut out, header.span_id);
    out.push(':');
    match header.parent_span_id {
        Some(p) => push_span_id(&mut out, p),
        None => out.push('0'),
    }
    out.push(':');
    let mut flags = [0u8; 2];
    write_lower_hex(&mut flags, u128::from(header.flags));
    out.extend(flags.iter().map(|&c| char::from(c)));
    out
}

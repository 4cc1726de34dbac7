//! The W3C `traceparent` header: parse and format.
//!
//! # Background
//! [W3C Trace Context Level 2, §3.2 "Traceparent Header"](https://www.w3.org/TR/trace-context-2/#traceparent-header):
//!
//! ```abnf
//! HEXDIGLC        = DIGIT / "a" / "b" / "c" / "d" / "e" / "f" ; lowercase hex character
//! value           = version "-" version-format
//! version         = 2HEXDIGLC   ; this document assumes version 00. Version ff is forbidden
//! version-format  = trace-id "-" parent-id "-" trace-flags
//! trace-id        = 32HEXDIGLC  ; 16 bytes array identifier. All zeroes forbidden
//! parent-id       = 16HEXDIGLC  ; 8 bytes array identifier. All zeroes forbidden
//! trace-flags     = 2HEXDIGLC   ; 8 bit flags
//! ```
//!
//! A higher version is parsed by its version-00 prefix ("Versioning of
//! traceparent"): the 55 characters must be followed by the end of the value
//! or by a `-`, and whatever comes after is not looked at. Version `00` must
//! be exactly 55 characters, so a trailing `-` is rejected.
//!
//! # Trace flags
//! A received flags byte is kept bit for bit, unknown bits included: §3.4
//! "Mutating the traceparent Field" lists the only mutations allowed when
//! forwarding, and clearing a bit we do not understand is not one of them.
//! A span this process creates is another matter: "The behavior of other
//! flags ... is not defined and is reserved for future use. Vendors MUST set
//! those to zero", so [`format`](fn@format) writes only the `sampled` and `random` bits
//! of a local span context. For a higher version only those two bits are
//! carried over by [`Traceparent::to_span_context`]: "Vendors MUST NOT parse
//! or assume anything about unknown fields for this version". The header is
//! valid and its context used, so the bits left are no extract
//! `propagation::Problem`, as Jaeger's bits but sampled and
//! debug are none ([`JaegerHeader::to_span_context`](crate::wire::uber_trace_id::JaegerHeader::to_span_context)).

use alloc::string::String;
use alloc::vec::Vec;

use crate::id::{parse_lower_hex, write_lower_hex, SpanId, TraceId};
use crate::span_context::{SpanContext, TraceFlags};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{lower_hex, span_id, trace_id, without_ows};

/// The length of a version-00 value: `2 + 1 + 32 + 1 + 16 + 1 + 2`.
pub const VERSION_00_LEN: usize = 55;

/// A parsed `traceparent` value.
///
/// # Example
/// ```
/// use baton::wire::traceparent;
/// let tp = traceparent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03").unwrap();
/// assert_eq!(tp.version, 0);
/// assert!(tp.flags.is_sampled() && tp.flags.is_random());
/// let sc = tp.to_span_context();
/// assert!(sc.is_remote());
/// assert_eq!(traceparent::format(&sc), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Traceparent {
    /// The version byte (`00` today; `01..=fe` are future versions).
    pub version: u8,
    /// The trace id; never all zero.
    pub trace_id: TraceId,
    /// The caller's span id (the spec's `parent-id`); never all zero.
    pub span_id: SpanId,
    /// The flags byte exactly as received.
    pub flags: TraceFlags,
}

impl Traceparent {
    /// The remote span context this header describes, with an empty
    /// tracestate. For a future version only the `sampled` and `random` flag
    /// bits are kept (see the module docs).
    pub fn to_span_context(&self) -> SpanContext {
        let flags = if self.version == 0 {
            self.flags
        } else {
            self.flags.known()
        };
        SpanContext::new(self.trace_id, self.span_id, flags).with_remote(true)
    }
}

/// Parses one `traceparent` value (surrounding spaces and tabs are ignored,
/// as HTTP does for field values).
///
/// Runs in time linear in the input and never allocates.
///
/// # Example: what fastrace and opentelemetry-rust accept, rejected here
/// ```
/// use baton::wire::{traceparent::parse, Field, Reason, WireError};
/// assert_eq!(
///     parse("00-+1-ABC-01"),
///     Err(WireError::new(Field::TraceparentTraceId, 3, Reason::NotLowerHex))
/// );
/// assert_eq!(
///     parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-"),
///     Err(WireError::new(Field::TraceparentFlags, 55, Reason::TrailingData))
/// );
/// // A future version is read by its version-00 prefix.
/// assert!(parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_ok());
/// ```
pub fn parse(s: &str) -> Result<Traceparent, WireError> {
    if let Some(parsed) = usual(s.as_bytes()) {
        return Ok(parsed);
    }
    without_ows(s, parse_fields)
}

/// [`parse`](fn@parse) of a value without surrounding OWS, field by field.
fn parse_fields(s: &str) -> Result<Traceparent, WireError> {
    let value = s.as_bytes();
    let mut at = 0;
    if value.starts_with(b"ff") {
        return Err(WireError::new(
            Field::TraceparentVersion,
            0,
            Reason::ForbiddenVersion,
        ));
    }
    let version = field::<2>(value, &mut at, Field::TraceparentVersion)?;
    let trace_start = at + 1;
    let trace = field::<32>(value, &mut at, Field::TraceparentTraceId)?;
    let span_start = at + 1;
    let span = field::<16>(value, &mut at, Field::TraceparentParentId)?;
    let flags = field::<2>(value, &mut at, Field::TraceparentFlags)?;
    if version == 0 && at < value.len() {
        return Err(WireError::new(
            Field::TraceparentFlags,
            at,
            Reason::TrailingData,
        ));
    }
    Ok(Traceparent {
        // Two hex digits fit in a u8.
        version: version as u8,
        trace_id: trace_id(trace, Field::TraceparentTraceId, trace_start)?,
        span_id: span_id(span, Field::TraceparentParentId, span_start)?,
        flags: TraceFlags::from_bits(flags as u8),
    })
}

/// A version-00 value without padding, as senders write it, read at the
/// fixed offsets of its fields; `None` for anything else (an invalid value
/// among them), which [`parse`](fn@parse) then reads field by field.
#[inline(always)]
fn usual(b: &[u8]) -> Option<Traceparent> {
    if b.len() != VERSION_00_LEN || b[..3] != *b"00-" || b[35] != b'-' || b[52] != b'-' {
        return None;
    }
    let trace_id = TraceId::from_u128(parse_lower_hex(&b[3..35], 32).ok()?)?;
    // Sixteen and two digits fit their types.
    let span_id = SpanId::from_u64(parse_lower_hex(&b[36..52], 16).ok()? as u64)?;
    let flags = TraceFlags::from_bits(parse_lower_hex(&b[53..55], 2).ok()? as u8);
    Some(Traceparent {
        version: 0,
        trace_id,
        span_id,
        flags,
    })
}

/// Reads `field` at `*at`: the `-` that ends the previous field (for every
/// field but the version), then exactly its `N` lowercase hex digits,
/// followed by a `-` or the end of `value`. Leaves `*at` on that `-` or at
/// the end.
#[inline(always)]
fn field<const N: usize>(value: &[u8], at: &mut usize, field: Field) -> Result<u128, WireError> {
    let mut start = *at;
    if field != Field::TraceparentVersion {
        if start == value.len() {
            return Err(WireError::new(field, start, Reason::Missing));
        }
        // The previous field stopped on a `-`.
        start += 1;
    }
    let stop = start + N;
    if let Some(hex) = value.get(start..stop) {
        if matches!(value.get(stop), None | Some(b'-')) {
            if let Ok(number) = lower_hex(hex, N, field, start) {
                *at = stop;
                return Ok(number);
            }
        }
    }
    Err(explain(value, start, field))
}

/// Why `field`, starting at `start`, is not its digits and a `-` or the end.
#[cold]
fn explain(value: &[u8], start: usize, field: Field) -> WireError {
    let rest = &value[start..];
    let run = rest
        .iter()
        .position(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .unwrap_or(rest.len());
    let stop = start + run;
    match value.get(stop) {
        Some(b'-') | None if run == 0 && stop == value.len() => {
            WireError::new(field, start, Reason::Missing)
        }
        Some(b'-') | None => WireError::new(field, start, Reason::Length { found: run }),
        Some(_) => WireError::new(field, stop, Reason::NotLowerHex),
    }
}

/// Formats a span context as a version-00 `traceparent` value.
///
/// The flags byte of a remote context (forwarded as received) is written as
/// it is; a local span's keeps only the bits the spec defines (see the
/// module docs).
///
/// # Example
/// ```
/// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
/// let sc = SpanContext::new(
///     TraceId::from_u128(1).unwrap(),
///     SpanId::from_u64(2).unwrap(),
///     TraceFlags::from_bits(0x09),
/// );
/// let format = baton::wire::traceparent::format;
/// assert_eq!(format(&sc), "00-00000000000000000000000000000001-0000000000000002-01");
/// assert_eq!(
///     format(&sc.with_remote(true)),
///     "00-00000000000000000000000000000001-0000000000000002-09"
/// );
/// ```
pub fn format(sc: &SpanContext) -> String {
    let flags = if sc.is_remote() {
        sc.flags()
    } else {
        sc.flags().known()
    };
    let mut out = Vec::with_capacity(VERSION_00_LEN);
    out.extend_from_slice(b"00-");
    out.extend_from_slice(&sc.trace_id().to_hex());
    out.push(b'-');
    out.extend_from_slice(&sc.span_id().to_hex());
    out.push(b'-');
    let mut hex = [0u8; 2];
    write_lower_hex(&mut hex, u128::from(flags.bits()));
    out.extend_from_slice(&hex);
    // Every byte written above is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

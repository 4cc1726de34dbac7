//! The single `b3` header.

use super::b3::{parse_span_id, parse_trace_id, push_span_id, push_trace_id};
use super::b3::{B3Error, B3Field, B3Header, Sampling};
use crate::id::parse_lower_hex;
use crate::{SpanId, TraceId};

/// The single header's name.
pub const SINGLE_HEADER: &str = "b3";

/// The longest valid `b3` value: a 32-hex trace id, a span id, a sampling
/// state and a parent span id with their three `-` (32+1+16+1+1+1+16).
/// A longer value is rejected from its length alone, before any byte is read.
pub const MAX_SINGLE_LEN: usize = 68;

/// Parses a `b3` header value.
///
/// Grammar, from the [b3-propagation README, Single Header]
/// (`b3={TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}`, "where the last
/// two fields are optional"; "Sampling State can also be sent on its own"):
///
/// ```text
/// b3             = sampling-state
///                / trace-id "-" span-id [ "-" sampling-state ] [ "-" parent-span-id ]
/// trace-id       = 32lhex / 16lhex   ; a 64-bit id is left-padded with zeros
/// span-id        = 16lhex
/// parent-span-id = 16lhex
/// sampling-state = "0" / "1" / "d"   ; deny / accept / debug; absent = defer
/// lhex           = %x30-39 / %x61-66 ; lowercase only
/// ```
///
/// All-zero ids are invalid. A parent without a sampling state
/// (`{trace}-{span}-{parent}`, deferred) is what Zipkin's Brave writes and
/// reads, and is accepted. Values longer than [`MAX_SINGLE_LEN`] are rejected.
///
/// [b3-propagation README, Single Header]: https://github.com/openzipkin/b3-propagation#single-header
///
/// # Example
/// ```
/// use baton::propagation::b3::{parse_single, B3Error, B3Field, B3Header, Sampling};
/// let h = parse_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1").unwrap();
/// let B3Header::Context { sampling, parent_span_id, .. } = h else { panic!() };
/// assert_eq!((sampling, parent_span_id), (Some(Sampling::Accept), None));
///
/// assert_eq!(parse_single("0"), Ok(B3Header::SamplingOnly(Sampling::Deny)));
/// assert_eq!(
///     parse_single("80f198ee56343ba8-E457b5a2e4d86bd1"),
///     Err(B3Error::NotLowerHex { field: B3Field::SpanId, offset: 17 }),
/// );
/// ```
pub fn parse_single(s: &str) -> Result<B3Header, B3Error> {
    let b = s.as_bytes();
    if b.len() > MAX_SINGLE_LEN {
        return Err(B3Error::TooLong { len: b.len() });
    }
    match b {
        [] => Err(B3Error::Empty),
        [_] => parse_sampling(b, 0).map(B3Header::SamplingOnly),
        _ => match parse_valid_ids(b) {
            Some(header) => Ok(header),
            None => parse_ids(b),
        },
    }
}

/// The common case, valid ids, with every field where its length puts it
/// and no search for delimiters. Anything else (including every invalid
/// value) gives `None` and goes through [`parse_ids`], which finds the exact
/// error.
fn parse_valid_ids(b: &[u8]) -> Option<B3Header> {
    let trace_len = match (b.get(16), b.get(32)) {
        (Some(b'-'), _) => 16,
        (_, Some(b'-')) => 32,
        _ => return None,
    };
    let trace_id = TraceId::from_u128(parse_lower_hex(&b[..trace_len], trace_len).ok()?)?;
    let span_id = hex_span_id(b.get(trace_len + 1..trace_len + 17)?)?;
    let (sampling, parent) = match &b[trace_len + 17..] {
        [] => (None, None),
        [b'-', s] => (Some(parse_sampling(&[*s], 0).ok()?), None),
        [b'-', s, b'-', parent @ ..] => (Some(parse_sampling(&[*s], 0).ok()?), Some(parent)),
        [b'-', parent @ ..] => (None, Some(parent)),
        _ => return None,
    };
    Some(B3Header::Context {
        trace_id,
        span_id,
        parent_span_id: match parent {
            Some(p) => Some(hex_span_id(p)?),
            None => None,
        },
        sampling,
    })
}

fn hex_span_id(hex: &[u8]) -> Option<SpanId> {
    // 16 hex digits always fit in a u64.
    SpanId::from_u64(parse_lower_hex(hex, 16).ok()? as u64)
}

/// The field that starts at `start` and the offset just past it (a `-` or the end).
fn field(b: &[u8], start: usize) -> (&[u8], usize) {
    let end = b[start..]
        .iter()
        .position(|&c| c == b'-')
        .map_or(b.len(), |i| start + i);
    (&b[start..end], end)
}

fn parse_ids(b: &[u8]) -> Result<B3Header, B3Error> {
    let (trace, end) = field(b, 0);
    let trace_id = parse_trace_id(trace, 0)?;
    if end == b.len() {
        return Err(B3Error::Missing {
            field: B3Field::SpanId,
        });
    }
    let (span, end) = field(b, end + 1);
    let span_id = parse_span_id(span, B3Field::SpanId, end - span.len())?;
    let mut header = (None, None);
    let mut next = end;
    // Up to two optional fields: a 16-digit one is the parent (which ends
    // the value), anything else the sampling state.
    while next < b.len() {
        let start = next + 1;
        let (f, end) = field(b, start);
        if f.len() == 16 || header.0.is_some() {
            header.1 = Some(parse_span_id(f, B3Field::ParentSpanId, start)?);
            if end != b.len() {
                return Err(B3Error::UnexpectedByte { offset: end });
            }
        } else {
            header.0 = Some(parse_sampling(f, start)?);
        }
        next = end;
    }
    Ok(B3Header::Context {
        trace_id,
        span_id,
        parent_span_id: header.1,
        sampling: header.0,
    })
}

fn parse_sampling(f: &[u8], offset: usize) -> Result<Sampling, B3Error> {
    match f {
        b"0" => Ok(Sampling::Deny),
        b"1" => Ok(Sampling::Accept),
        b"d" => Ok(Sampling::Debug),
        _ => Err(B3Error::InvalidSampling {
            field: B3Field::Sampled,
            offset,
        }),
    }
}

/// Formats a `b3` header value; [`parse_single`] reads it back unchanged.
///
/// A trace id whose high 64 bits are zero is written as 16 hex digits, as
/// Zipkin's Brave does, so a 64-bit trace keeps its form across a hop.
///
/// # Example
/// ```
/// use baton::propagation::b3::{format_single, B3Header, Sampling};
/// use baton::{SpanId, TraceId};
/// let h = B3Header::Context {
///     trace_id: TraceId::from_u128(0x80f1_98ee_5634_3ba8).unwrap(),
///     span_id: SpanId::from_u64(0xe457_b5a2_e4d8_6bd1).unwrap(),
///     parent_span_id: None,
///     sampling: Some(Sampling::Debug),
/// };
/// assert_eq!(format_single(&h), "80f198ee56343ba8-e457b5a2e4d86bd1-d");
/// assert_eq!(format_single(&B3Header::SamplingOnly(Sampling::Deny)), "0");
/// ```
pub fn format_single(header: &B3Header) -> String {
    let mut out = String::with_capacity(MAX_SINGLE_LEN);
    match *header {
        B3Header::SamplingOnly(s) => out.push(sampling_char(s)),
        B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling,
        } => {
            push_trace_id(&mut out, trace_id);
            out.push('-');
            push_span_id(&mut out, span_id);
            if let Some(s) = sampling {
                out.push('-');
                out.push(sampling_char(s));
            }
            if let Some(p) = parent_span_id {
                out.push('-');
                push_span_id(&mut out, p);
            }
        }
    }
    out
}

fn sampling_char(s: Sampling) -> char {
    match s {
        Sampling::Deny => '0',
        Sampling::Accept => '1',
        Sampling::Debug => 'd',
    }
}

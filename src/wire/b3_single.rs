//! The single `b3` header: parse and format.

use alloc::string::String;

use crate::wire::b3::{parse_span_id, parse_trace_id, B3Header, Sampling};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{push_short_trace_id, push_span_id, without_ows};

/// The single header's name.
pub const SINGLE_HEADER: &str = "b3";

/// The longest valid `b3` value: a 32-hex trace id, a span id, a sampling
/// state and a parent span id with their three `-` (32+1+16+1+1+1+16).
/// A longer value (spaces and tabs around it not counted) is rejected in
/// constant time, from its length and the few bytes the usual layouts read
/// at fixed places.
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
/// reads, and is accepted. Surrounding spaces and tabs are ignored, as HTTP
/// does for field values (RFC 9110 §5.5); a value longer than
/// [`MAX_SINGLE_LEN`] without them is rejected.
///
/// [b3-propagation README, Single Header]: https://github.com/openzipkin/b3-propagation#single-header
///
/// # Example
/// ```
/// use baton::wire::b3::{B3Header, Sampling};
/// use baton::wire::{b3_single::parse_single, Field, Reason, WireError};
/// let h = parse_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1").unwrap();
/// let B3Header::Context { sampling, parent_span_id, .. } = h else { panic!() };
/// assert_eq!((sampling, parent_span_id), (Some(Sampling::Accept), None));
///
/// assert_eq!(parse_single("0"), Ok(B3Header::SamplingOnly(Sampling::Deny)));
/// assert_eq!(
///     parse_single("80f198ee56343ba8-E457b5a2e4d86bd1"),
///     Err(WireError::new(Field::B3SpanId, 17, Reason::NotLowerHex)),
/// );
/// ```
pub fn parse_single(s: &str) -> Result<B3Header, WireError> {
    if let Some(header) = usual(s.as_bytes()) {
        return Ok(header);
    }
    without_ows(s, parse_value)
}

/// [`parse_single`] of a value without surrounding OWS, field by field.
fn parse_value(s: &str) -> Result<B3Header, WireError> {
    let b = s.as_bytes();
    if b.len() > MAX_SINGLE_LEN {
        return Err(WireError::new(
            Field::B3,
            MAX_SINGLE_LEN,
            Reason::TooLong {
                max: MAX_SINGLE_LEN,
            },
        ));
    }
    if b.is_empty() {
        return Err(WireError::new(Field::B3, 0, Reason::Empty));
    }
    if b.len() == 1 {
        return parse_sampling(b, 0).map(B3Header::SamplingOnly);
    }
    let (trace_id, trace_end) = id(b, 0, &[16, 32], |f, at| {
        parse_trace_id(f, Field::B3TraceId, at)
    })?;
    if trace_end == b.len() {
        return Err(WireError::new(Field::B3SpanId, trace_end, Reason::Missing));
    }
    let (span_id, mut at) = id(b, trace_end + 1, &[16], |f, at| {
        parse_span_id(f, Field::B3SpanId, at)
    })?;
    let mut sampling = None;
    let mut parent_span_id = None;
    if at < b.len() {
        // One optional field: a 16-digit one is the parent, anything else
        // the sampling state, which a parent may follow.
        let start = at + 1;
        let end = next_dash(b, start);
        if end - start != 16 {
            sampling = Some(parse_sampling(&b[start..end], start)?);
            at = end;
        }
    }
    if at < b.len() {
        let (parent, end) = id(b, at + 1, &[16], |f, at| {
            parse_span_id(f, Field::B3ParentSpanId, at)
        })?;
        if end != b.len() {
            return Err(WireError::new(Field::B3, end, Reason::TrailingData));
        }
        parent_span_id = Some(parent);
    }
    Ok(B3Header::Context {
        trace_id,
        span_id,
        parent_span_id,
        sampling,
    })
}

/// The header in one of the layouts senders write, its fields recognised by
/// their widths and `-`s without a search: `{trace}-{span}`, then
/// `-{sampling}`, `-{sampling}-{parent}` or `-{parent}`. `None` for anything
/// else (an invalid value among them), which [`parse_single`] then reads
/// field by field.
#[inline(always)]
fn usual(b: &[u8]) -> Option<B3Header> {
    let (trace_id, rest) = match b.get(16) {
        Some(b'-') => (parse_trace_id(&b[..16], Field::B3TraceId, 0), &b[17..]),
        _ if b.get(32) == Some(&b'-') => (parse_trace_id(&b[..32], Field::B3TraceId, 0), &b[33..]),
        _ => return None,
    };
    let trace_id = trace_id.ok()?;
    let span = |s: &[u8]| parse_span_id(s, Field::B3SpanId, 0).ok();
    let (span_id, rest) = (span(rest.get(..16)?)?, &rest[16..]);
    let (sampling, parent_span_id) = match rest {
        [] => (None, None),
        [b'-', s] => (Some(parse_sampling(&[*s], 0).ok()?), None),
        [b'-', s, b'-', parent @ ..] => (Some(parse_sampling(&[*s], 0).ok()?), Some(span(parent)?)),
        [b'-', parent @ ..] => (None, Some(span(parent)?)),
        _ => return None,
    };
    Some(B3Header::Context {
        trace_id,
        span_id,
        parent_span_id,
        sampling,
    })
}

/// Reads the id field that starts at `start` with `parse` and returns it
/// with the offset just past it (a `-` or the end). The field ends at the
/// next `-` or the end of the value; one of the usual `widths` is tried
/// first, recognised by the `-` (or the end) right after it, without a
/// search. Only when its digits do not parse is the field's true end looked
/// for, so the error points at the right place.
#[inline(always)]
fn id<T>(
    b: &[u8],
    start: usize,
    widths: &[usize],
    parse: impl Fn(&[u8], usize) -> Result<T, WireError>,
) -> Result<(T, usize), WireError> {
    let guess = widths
        .iter()
        .map(|w| start + w)
        .find(|&end| end == b.len() || b.get(end) == Some(&b'-'));
    if let Some(end) = guess {
        if let Ok(v) = parse(&b[start..end], start) {
            return Ok((v, end));
        }
    }
    let end = next_dash(b, start);
    parse(&b[start..end], start).map(|v| (v, end))
}

/// The offset of the next `-` at or after `start`, or the end of the value.
fn next_dash(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|&c| c == b'-')
        .map_or(b.len(), |i| start + i)
}

fn parse_sampling(f: &[u8], offset: usize) -> Result<Sampling, WireError> {
    match f {
        b"0" => Ok(Sampling::Deny),
        b"1" => Ok(Sampling::Accept),
        b"d" => Ok(Sampling::Debug),
        _ => Err(WireError::new(
            Field::B3Sampled,
            offset,
            Reason::UnknownValue,
        )),
    }
}

/// Formats a `b3` header value; [`parse_single`] reads it back unchanged.
/// A parent span id in `header` is written; the B3 propagator never puts
/// one there ([`B3Header::from_span_context`]).
///
/// A trace id whose high 64 bits are zero is written as 16 hex digits, as
/// Zipkin's Brave does, so a 64-bit trace keeps its form across a hop.
///
/// # Example
/// ```
/// use baton::wire::b3::{B3Header, Sampling};
/// use baton::wire::b3_single::format_single;
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
            push_short_trace_id(&mut out, trace_id);
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

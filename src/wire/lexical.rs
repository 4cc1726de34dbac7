//! The lexical pieces every format shares: optional whitespace, hex digits
//! and ids, and the percent codec.
//!
//! A baggage key is an RFC 9110 `token`; its `tchar` class lives with
//! [`Baggage`](crate::Baggage), which checks keys too
//! ([`is_tchar`](crate::wire::is_tchar)), and so do OWS, `baggage-octet` and the
//! percent escape, which it needs to check property lists.

use alloc::string::String;
use alloc::vec::Vec;

use crate::baggage::{escape_at, Baggage};
use crate::byte_words::{first_stop, splat, zero_lanes};
use crate::id::{lower_hex_digit, parse_lower_hex, IdError, SpanId, TraceId};
use crate::wire::error::{Field, Reason, WireError};

/// `OWS = *( SP / HTAB )`; it lives with [`Baggage`](crate::Baggage), whose
/// property lists may hold it.
pub(crate) use crate::baggage::is_ows;

/// The range of `bytes` without leading and trailing OWS.
pub(crate) fn trim_ows(bytes: &[u8]) -> (usize, usize) {
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| i + 1);
    (start, end)
}

/// The range of a field value without surrounding OWS, if it has any.
/// HTTP strips it (RFC 9110 §5.5: "a field value does not include leading
/// or trailing whitespace"), but a carrier that is no HTTP stack (a map
/// filled by hand, a message's headers) may keep it. Senders almost never
/// pad, so only the two ends are looked at before anything is searched.
#[inline(always)]
fn padding(value: &[u8]) -> Option<(usize, usize)> {
    let padded =
        value.first().is_some_and(|&c| is_ows(c)) || value.last().is_some_and(|&c| is_ows(c));
    padded.then(|| trim_ows(value))
}

/// `parse` applied to `s` without its surrounding OWS (see [`padding`]),
/// its errors at offsets in `s`: for a value that is not in the layout
/// senders write, after the fast path for that layout has failed.
pub(crate) fn without_ows<T>(
    s: &str,
    parse: fn(&str) -> Result<T, WireError>,
) -> Result<T, WireError> {
    match padding(s.as_bytes()) {
        // OWS is ASCII: both ends are character boundaries.
        Some((start, end)) => parse(&s[start..end]).map_err(|e| e.shifted(start)),
        None => parse(s),
    }
}

/// `parse(value, field, 0)`, or, when that fails on a value with
/// surrounding OWS (see [`padding`]), `parse` of the value without it, at
/// its offset: a valid value as senders write it pays nothing for padding.
#[inline(always)]
pub(crate) fn parsed_or_unpadded<T>(
    value: &[u8],
    field: Field,
    parse: fn(&[u8], Field, usize) -> Result<T, WireError>,
) -> Result<T, WireError> {
    match parse(value, field, 0) {
        Err(error) => match padding(value) {
            Some((start, end)) => parse(&value[start..end], field, start),
            None => Err(error),
        },
        parsed => parsed,
    }
}

/// The offset of the first `needle` in `bytes`, read eight bytes at a time:
/// list headers are split at every `,` on every extract.
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    match first_stop(bytes, |x| zero_lanes(x ^ splat(needle))) {
        Ok(at) => Some(at),
        Err(at) => bytes[at..]
            .iter()
            .position(|&b| b == needle)
            .map(|i| at + i),
    }
}

/// Exactly `digits` lowercase hex digits as a number; errors name `field`,
/// with offsets counted from `offset`.
#[inline(always)]
pub(crate) fn lower_hex(
    s: &[u8],
    digits: usize,
    field: Field,
    offset: usize,
) -> Result<u128, WireError> {
    parse_lower_hex(s, digits).map_err(|e| match e {
        IdError::NotLowerHex { offset: at } => {
            WireError::new(field, offset + at, Reason::NotLowerHex)
        }
        _ => wrong_length(s, field, offset),
    })
}

/// The error for a field of the wrong length: its first byte that is not a
/// lowercase hex digit, if it has one, since [`Reason::Length`] counts hex
/// digits (`true` does not have 4 of them).
#[cold]
fn wrong_length(s: &[u8], field: Field, offset: usize) -> WireError {
    match s.iter().position(|&b| lower_hex_digit(b).is_none()) {
        Some(at) => WireError::new(field, offset + at, Reason::NotLowerHex),
        None => WireError::new(field, offset, Reason::Length { found: s.len() }),
    }
}

/// A trace id from a number, or [`Reason::AllZero`] for `field` at `offset`.
pub(crate) fn trace_id(n: u128, field: Field, offset: usize) -> Result<TraceId, WireError> {
    TraceId::from_u128(n).ok_or(WireError::new(field, offset, Reason::AllZero))
}

/// A span id from a number of at most 64 bits, or [`Reason::AllZero`].
pub(crate) fn span_id(n: u128, field: Field, offset: usize) -> Result<SpanId, WireError> {
    // Callers pass at most 16 hex digits.
    SpanId::from_u64(n as u64).ok_or(WireError::new(field, offset, Reason::AllZero))
}

/// Appends the 16 hex digits of a span id.
pub(crate) fn push_span_id(out: &mut String, id: SpanId) {
    out.extend(id.to_hex().iter().map(|&b| char::from(b)));
}

/// Appends a trace id as 16 hex digits when its high half is zero (a 64-bit
/// id, as B3 and Jaeger peers write it), else as 32.
pub(crate) fn push_short_trace_id(out: &mut String, id: TraceId) {
    let hex = id.to_hex();
    let start = if id.to_u128() >> 64 == 0 { 16 } else { 0 };
    out.extend(hex[start..].iter().map(|&b| char::from(b)));
}

/// Percent-decodes `raw` ([RFC 3986 §2.1](https://www.rfc-editor.org/rfc/rfc3986#section-2.1)):
/// `%XX` (either case) is the byte `XX`; with `plus_is_space`, `+` is a
/// space (`application/x-www-form-urlencoded`). Appends the bytes to `out`;
/// on a `%` not followed by two hex digits, returns its offset.
pub(crate) fn percent_decode_into(
    raw: &[u8],
    plus_is_space: bool,
    out: &mut Vec<u8>,
) -> Result<(), usize> {
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                out.push(escape_at(raw, i).ok_or(i)?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                // Copy the run up to the next byte that needs work at once.
                let run = raw[i..]
                    .iter()
                    .position(|&b| b == b'%' || (plus_is_space && b == b'+'))
                    .map_or(raw.len(), |n| i + n);
                out.extend_from_slice(&raw[i..run]);
                i = run;
            }
        }
    }
    Ok(())
}

/// Decodes a Jaeger baggage value (`uberctx-*`, `jaeger-baggage`): `%XX`
/// is the byte `XX` and `+` a space, as in the
/// `application/x-www-form-urlencoded` encoding Jaeger's clients write, and
/// the result must be UTF-8. A value longer than [`Baggage::MAX_BYTES`] is
/// rejected from its length alone: decoding never makes it short enough to
/// be worth the work. Errors name `field`, at offsets into `s`.
pub(crate) fn form_decoded(s: &str, field: Field) -> Result<String, WireError> {
    let mut out = Vec::new();
    form_decode_bytes(s, field, &mut out)?;
    String::from_utf8(out).map_err(|e| not_utf8(s, e.utf8_error().valid_up_to(), field))
}

/// [`form_decoded`] into `out`, a buffer to reuse: a reader that only
/// compares the value with another allocates nothing per value.
pub(crate) fn form_decoded_in<'b>(
    s: &str,
    field: Field,
    out: &'b mut Vec<u8>,
) -> Result<&'b str, WireError> {
    form_decode_bytes(s, field, out)?;
    core::str::from_utf8(out).map_err(|e| not_utf8(s, e.valid_up_to(), field))
}

/// [`form_decoded`]'s bytes in `out` (cleared first), not yet checked for
/// UTF-8.
fn form_decode_bytes(s: &str, field: Field, out: &mut Vec<u8>) -> Result<(), WireError> {
    let b = s.as_bytes();
    if b.len() > Baggage::MAX_BYTES {
        return Err(WireError::new(
            field,
            Baggage::MAX_BYTES,
            Reason::TooLong {
                max: Baggage::MAX_BYTES,
            },
        ));
    }
    out.clear();
    out.reserve(b.len());
    percent_decode_into(b, true, out).map_err(|at| WireError::new(field, at, Reason::BadEscape))
}

/// The error for a value of `raw` whose decoded bytes are UTF-8 only up
/// to `valid_up_to`.
fn not_utf8(raw: &str, valid_up_to: usize, field: Field) -> WireError {
    WireError::new(
        field,
        raw_offset(raw.as_bytes(), valid_up_to),
        Reason::NotUtf8,
    )
}

/// The input offset of decoded byte `decoded` of `raw` (only escapes change
/// widths).
fn raw_offset(raw: &[u8], decoded: usize) -> usize {
    let mut i = 0;
    for _ in 0..decoded {
        i += if raw[i] == b'%' { 3 } else { 1 };
    }
    i
}

/// Appends `value` to `out` with every byte `keep` refuses written as `%XX`
/// (uppercase hex).
pub(crate) fn percent_encode_into(value: &str, keep: fn(u8) -> bool, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
}

/// The length of `value` once [`percent_encode_into`] has written it.
pub(crate) fn percent_encoded_len(value: &[u8], keep: fn(u8) -> bool) -> usize {
    value.iter().map(|&b| if keep(b) { 1 } else { 3 }).sum()
}

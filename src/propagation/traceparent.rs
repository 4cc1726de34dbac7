//! The W3C `traceparent` header: strict parse and format.
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
//! For version `00` the flags byte is kept bit for bit, unknown bits
//! included: §3.4 "Mutating the traceparent Field" lists the only mutations
//! allowed when forwarding (new parent id, new `sampled` bit, restart,
//! version downgrade), so clearing a bit we do not understand would be a
//! forbidden mutation. For a higher version only the bits version `00`
//! defines (`sampled`, `random`) are carried over by
//! [`Traceparent::to_span_context`]: the rest mean something only in that
//! version, and the spec says "Vendors MUST NOT parse or assume anything
//! about unknown fields for this version".

use core::fmt;

use crate::id::{lower_hex_8, lower_hex_digit, parse_lower_hex, write_lower_hex};
use crate::{SpanContext, SpanId, TraceFlags, TraceId};

/// The length of a version-00 value: `2 + 1 + 32 + 1 + 16 + 1 + 2`.
pub const VERSION_00_LEN: usize = 55;

/// A parsed `traceparent` value.
///
/// # Example
/// ```
/// use baton::propagation::traceparent;
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
            TraceFlags::from_bits(self.flags.bits() & (TraceFlags::SAMPLED | TraceFlags::RANDOM))
        };
        SpanContext::new(self.trace_id, self.span_id, flags).with_remote(true)
    }
}

/// A field of the `traceparent` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceparentField {
    /// `version`, 2 hex digits.
    Version,
    /// `trace-id`, 32 hex digits.
    TraceId,
    /// `parent-id`, 16 hex digits.
    ParentId,
    /// `trace-flags`, 2 hex digits.
    Flags,
}

impl TraceparentField {
    /// The spec's name for the field.
    pub const fn as_str(self) -> &'static str {
        match self {
            TraceparentField::Version => "version",
            TraceparentField::TraceId => "trace-id",
            TraceparentField::ParentId => "parent-id",
            TraceparentField::Flags => "trace-flags",
        }
    }

    /// How many hex digits the field has.
    pub const fn digits(self) -> usize {
        match self {
            TraceparentField::Version | TraceparentField::Flags => 2,
            TraceparentField::TraceId => 32,
            TraceparentField::ParentId => 16,
        }
    }
}

impl fmt::Display for TraceparentField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a `traceparent` value was rejected. Offsets are byte offsets into the
/// string passed to [`parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceparentError {
    /// The byte at `offset` is neither a lowercase hex digit nor the `-` that ends `field`
    /// (upper case, a sign, a dot, ...).
    NotLowerHex {
        /// The field being read.
        field: TraceparentField,
        /// The offending byte.
        offset: usize,
    },
    /// `field` starting at `offset` has `found` hex digits instead of [`TraceparentField::digits`].
    Length {
        /// The field with the wrong length.
        field: TraceparentField,
        /// Where the field starts.
        offset: usize,
        /// How many hex digits it has.
        found: usize,
    },
    /// The value ends at `offset`, before `field`.
    Missing {
        /// The first field that is absent.
        field: TraceparentField,
        /// The length of the value.
        offset: usize,
    },
    /// The version is `ff`, which the spec forbids.
    ForbiddenVersion {
        /// Where the version starts.
        offset: usize,
    },
    /// `field` (trace id or parent id) is all zeros.
    AllZero {
        /// The zero field.
        field: TraceparentField,
        /// Where it starts.
        offset: usize,
    },
    /// A version-00 value goes on after the flags (e.g. a trailing `-`).
    TrailingData {
        /// The first byte after the flags.
        offset: usize,
    },
}

impl TraceparentError {
    /// The field that failed.
    pub const fn field(&self) -> TraceparentField {
        match *self {
            TraceparentError::NotLowerHex { field, .. }
            | TraceparentError::Length { field, .. }
            | TraceparentError::Missing { field, .. }
            | TraceparentError::AllZero { field, .. } => field,
            TraceparentError::ForbiddenVersion { .. } => TraceparentField::Version,
            TraceparentError::TrailingData { .. } => TraceparentField::Flags,
        }
    }

    /// The byte offset that failed.
    pub const fn offset(&self) -> usize {
        match *self {
            TraceparentError::NotLowerHex { offset, .. }
            | TraceparentError::Length { offset, .. }
            | TraceparentError::Missing { offset, .. }
            | TraceparentError::ForbiddenVersion { offset }
            | TraceparentError::AllZero { offset, .. }
            | TraceparentError::TrailingData { offset } => offset,
        }
    }
}

impl fmt::Display for TraceparentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TraceparentError::NotLowerHex { field, offset } => {
                write!(
                    f,
                    "traceparent {field}: byte {offset} is not a lowercase hex digit"
                )
            }
            TraceparentError::Length {
                field,
                offset,
                found,
            } => write!(
                f,
                "traceparent {field} at byte {offset} has {found} hex digits, expected {}",
                field.digits()
            ),
            TraceparentError::Missing { field, offset } => {
                write!(f, "traceparent ends at byte {offset}, before {field}")
            }
            TraceparentError::ForbiddenVersion { offset } => {
                write!(f, "traceparent version ff at byte {offset} is forbidden")
            }
            TraceparentError::AllZero { field, offset } => {
                write!(f, "traceparent {field} at byte {offset} is all zeros")
            }
            TraceparentError::TrailingData { offset } => write!(
                f,
                "traceparent version 00 has data after the flags at byte {offset}"
            ),
        }
    }
}

impl core::error::Error for TraceparentError {}

const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Parses one `traceparent` value (surrounding spaces and tabs are ignored,
/// as HTTP does for field values).
///
/// Runs in time linear in the input and never allocates.
///
/// # Example: what fastrace and opentelemetry-rust accept, rejected here
/// ```
/// use baton::propagation::traceparent::{parse, TraceparentError, TraceparentField};
/// assert_eq!(
///     parse("00-+1-ABC-01"),
///     Err(TraceparentError::NotLowerHex { field: TraceparentField::TraceId, offset: 3 })
/// );
/// assert_eq!(
///     parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-"),
///     Err(TraceparentError::TrailingData { offset: 55 })
/// );
/// // A future version is read by its version-00 prefix.
/// assert!(parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_ok());
/// ```
pub fn parse(s: &str) -> Result<Traceparent, TraceparentError> {
    match parse_version_00(s.as_bytes()) {
        Some(parsed) => Ok(parsed),
        None => parse_fields(s),
    }
}

/// The common case, a valid version-00 value without surrounding spaces,
/// with no search for delimiters. Anything else (including every invalid
/// value) gives `None` and goes through [`parse_fields`], which finds the
/// exact error.
fn parse_version_00(b: &[u8]) -> Option<Traceparent> {
    let b: &[u8; VERSION_00_LEN] = b.try_into().ok()?;
    if b[..3] != *b"00-" || b[35] != b'-' || b[52] != b'-' {
        return None;
    }
    // Eight digits at a time; `b` has every offset read here.
    let eight = |at: usize| lower_hex_8(b[at..at + 8].try_into().ok()?);
    let trace = [3, 11, 19, 27]
        .into_iter()
        .try_fold(0u128, |n, at| Some(n << 32 | u128::from(eight(at)?)))?;
    let trace_id = TraceId::from_u128(trace)?;
    let span_id = SpanId::from_u64(u64::from(eight(36)?) << 32 | u64::from(eight(44)?))?;
    let flags = lower_hex_digit(b[53])? << 4 | lower_hex_digit(b[54])?;
    Some(Traceparent {
        version: 0,
        trace_id,
        span_id,
        flags: TraceFlags::from_bits(flags),
    })
}

/// Parses field by field, so an invalid value gets a precise error.
fn parse_fields(s: &str) -> Result<Traceparent, TraceparentError> {
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| i + 1);
    let value = &bytes[..end];

    let mut cursor = start;
    let version = field(value, &mut cursor, TraceparentField::Version)?;
    if version == [b'f', b'f'] {
        return Err(TraceparentError::ForbiddenVersion { offset: start });
    }
    let version = hex_u8(version);
    // Each later field starts one byte after the cursor, past its `-`.
    let trace_start = cursor + 1;
    let trace_id = field(value, &mut cursor, TraceparentField::TraceId)?;
    let span_start = cursor + 1;
    let span_id = field(value, &mut cursor, TraceparentField::ParentId)?;
    let flags = hex_u8(field(value, &mut cursor, TraceparentField::Flags)?);
    if version == 0 && cursor < value.len() {
        return Err(TraceparentError::TrailingData { offset: cursor });
    }

    let trace_id = TraceId::from_u128(hex_number(trace_id)).ok_or(TraceparentError::AllZero {
        field: TraceparentField::TraceId,
        offset: trace_start,
    })?;
    // 16 hex digits always fit in a u64.
    let span_id =
        SpanId::from_u64(hex_number(span_id) as u64).ok_or(TraceparentError::AllZero {
            field: TraceparentField::ParentId,
            offset: span_start,
        })?;
    Ok(Traceparent {
        version,
        trace_id,
        span_id,
        flags: TraceFlags::from_bits(flags),
    })
}

/// Reads `field` at `*cursor`: the `-` that ends the previous field (for
/// every field but the version), then exactly `field.digits()` lowercase hex
/// digits followed by a `-` or the end of `value`. Leaves the cursor on that
/// `-` or at the end.
fn field<'a>(
    value: &'a [u8],
    cursor: &mut usize,
    field: TraceparentField,
) -> Result<&'a [u8], TraceparentError> {
    let mut start = *cursor;
    if field != TraceparentField::Version {
        if start == value.len() {
            return Err(TraceparentError::Missing {
                field,
                offset: start,
            });
        }
        start += 1;
    }
    let rest = &value[start..];
    let run = rest
        .iter()
        .position(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        .unwrap_or(rest.len());
    let stop = start + run;
    match value.get(stop) {
        None | Some(b'-') => {}
        Some(_) => {
            return Err(TraceparentError::NotLowerHex {
                field,
                offset: stop,
            })
        }
    }
    if run == 0 && stop == value.len() {
        return Err(TraceparentError::Missing {
            field,
            offset: start,
        });
    }
    if run != field.digits() {
        return Err(TraceparentError::Length {
            field,
            offset: start,
            found: run,
        });
    }
    *cursor = stop;
    Ok(&value[start..stop])
}

fn hex_number(digits: &[u8]) -> u128 {
    // `field` checked the digits and the length.
    parse_lower_hex(digits, digits.len()).unwrap_or(0)
}

fn hex_u8(digits: &[u8]) -> u8 {
    // Two hex digits always fit in a u8.
    hex_number(digits) as u8
}

/// Formats a span context as a version-00 `traceparent` value, writing the
/// flags byte as it is.
///
/// # Example
/// ```
/// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
/// let sc = SpanContext::new(
///     TraceId::from_u128(1).unwrap(),
///     SpanId::from_u64(2).unwrap(),
///     TraceFlags::from_bits(0x01),
/// );
/// assert_eq!(
///     baton::propagation::traceparent::format(&sc),
///     "00-00000000000000000000000000000001-0000000000000002-01"
/// );
/// ```
pub fn format(sc: &SpanContext) -> String {
    let mut out = [0u8; VERSION_00_LEN];
    out[..3].copy_from_slice(b"00-");
    out[3..35].copy_from_slice(&sc.trace_id().to_hex());
    out[35] = b'-';
    out[36..52].copy_from_slice(&sc.span_id().to_hex());
    out[52] = b'-';
    write_lower_hex(&mut out[53..], u128::from(sc.flags().bits()));
    // Every byte written above is ASCII.
    String::from_utf8_lossy(&out).into_owned()
}

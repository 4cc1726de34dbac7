//! Jaeger's `jaeger-baggage` header: baggage as `key=value` pairs in one
//! header, which Jaeger's clients read beside `uberctx-{key}` (and never
//! write), to give a request baggage by hand, with or without a trace:
//! `curl -H 'jaeger-baggage: k1=v1, k2=v2'`.
//!
//! # Background
//! No spec defines it; the [Jaeger client
//! docs](https://www.jaegertracing.io/docs/1.21/client-libraries/#baggage)
//! show only that example. Jaeger's clients and OpenTelemetry's Jaeger
//! propagators split it at `,` and each entry at `=`, trim the spaces
//! around both, and skip an entry that does not split in two. Read here
//! as:
//!
//! ```abnf
//! jaeger-baggage = entry *( OWS "," OWS entry )  ; empty entries are skipped
//! entry          = key OWS "=" OWS value
//! key            = token                          ; RFC 9110, a W3C baggage key
//! value          = *( any character but "," and "=" ) ; without OWS at its ends
//! ```
//!
//! A key keeps its case: it arrives in a value, not in a header's name, so
//! its case is known (a `uberctx-{key}` key is lowercased for want of it).
//! A value is decoded as a `uberctx-*` value is
//! ([`uberctx::parse_baggage_value`](super::uberctx::parse_baggage_value)):
//! `%XX` is the byte `XX` and `+` a space, and the result must be UTF-8, so
//! the same value reaches the baggage whichever of the two headers carried
//! it. Jaeger's Go client decodes so too (it decodes the whole header before
//! splitting it, so an escaped `%2C` splits there; here it stays in the
//! value), while OpenTelemetry Java's propagator decodes neither header's
//! values.
//!
//! # Limits
//! The limits are [`Baggage`](crate::Baggage)'s own, kept by whoever adds
//! the entries to a baggage; here only a value longer than
//! [`Baggage::MAX_BYTES`](crate::Baggage::MAX_BYTES) is refused, from its
//! length alone, as a `uberctx-*` value is.
//!
//! # Example: the entries of a header, and the first that is not one
//! ```
//! use baton::wire::{jaeger_baggage, Field, Reason, WireError};
//! assert_eq!(
//!     jaeger_baggage::parse("k1=v1, k2 = caf%C3%A9+au+lait").unwrap(),
//!     [("k1", "v1".to_string()), ("k2", "café au lait".to_string())]
//! );
//! assert_eq!(
//!     jaeger_baggage::parse("k1=v1,k2"),
//!     Err(WireError::new(Field::JaegerBaggageEntry, 8, Reason::MissingEquals))
//! );
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use crate::baggage::{is_tchar, skip_ows};
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{find_byte, form_decoded, form_decoded_in, trim_ows};

/// The header's name, lowercase.
pub const HEADER: &str = "jaeger-baggage";

/// One entry of a `jaeger-baggage` value, its key checked and its value
/// not yet decoded (a reader past its limits need not decode it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The key, as written.
    pub key: &'a str,
    /// The value as written, without the OWS around it.
    pub raw_value: &'a str,
    /// The offset of `raw_value` in the header value.
    pub value_at: usize,
}

impl Entry<'_> {
    /// The value decoded; offsets count from the start of the header value.
    ///
    /// ```
    /// use baton::wire::{jaeger_baggage, Field, Reason, WireError};
    /// let entry = jaeger_baggage::entries("a=1, b=100%").nth(1).unwrap().unwrap();
    /// assert_eq!(
    ///     entry.value(),
    ///     Err(WireError::new(Field::JaegerBaggageValue, 10, Reason::BadEscape))
    /// );
    /// ```
    pub fn value(&self) -> Result<String, WireError> {
        form_decoded(self.raw_value, Field::JaegerBaggageValue)
            .map_err(|e| e.shifted(self.value_at))
    }

    /// [`Entry::value`] into `out`, a buffer to reuse: a reader that only
    /// compares values (with a key's first) allocates nothing for each.
    ///
    /// ```
    /// use baton::wire::jaeger_baggage;
    /// let mut buffer = Vec::new();
    /// let values: Vec<bool> = jaeger_baggage::entries("k=a+b, k=a%20b, k=c")
    ///     .map(|e| e.unwrap().value_in(&mut buffer) == Ok("a b"))
    ///     .collect();
    /// assert_eq!(values, [true, true, false]);
    /// ```
    pub fn value_in<'b>(&self, out: &'b mut Vec<u8>) -> Result<&'b str, WireError> {
        form_decoded_in(self.raw_value, Field::JaegerBaggageValue, out)
            .map_err(|e| e.shifted(self.value_at))
    }
}

/// The entries of one `jaeger-baggage` value in order, each an [`Entry`]
/// or the error that makes it none: a bad entry spoils no other. Empty
/// entries (a trailing `,`) are skipped.
///
/// ```
/// use baton::wire::jaeger_baggage;
/// let keys: Vec<_> = jaeger_baggage::entries("a=1,,b c=2, d=3")
///     .map(|e| e.map(|e| e.key).ok())
///     .collect();
/// assert_eq!(keys, [Some("a"), None, Some("d")]);
/// ```
pub fn entries(value: &str) -> Entries<'_> {
    Entries { value, at: 0 }
}

/// The iterator [`entries`] returns.
#[derive(Clone, Debug)]
pub struct Entries<'a> {
    value: &'a str,
    /// Where the next entry starts; past the end when there is none.
    at: usize,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.value.as_bytes();
        while self.at <= bytes.len() {
            let start = self.at;
            let stop = find_byte(&bytes[start..], b',').map_or(bytes.len(), |i| start + i);
            self.at = stop + 1;
            let (s, e) = trim_ows(&bytes[start..stop]);
            if s < e {
                // Between `,`s and spaces, so on character boundaries.
                return Some(entry(&self.value[start + s..start + e], start + s));
            }
        }
        None
    }
}

/// One entry, already trimmed of OWS, found at offset `at` of the value.
fn entry(text: &str, at: usize) -> Result<Entry<'_>, WireError> {
    let bytes = text.as_bytes();
    let key_end = bytes
        .iter()
        .position(|&b| !is_tchar(b))
        .unwrap_or(bytes.len());
    if key_end == 0 {
        let reason = if bytes[0] == b'=' {
            Reason::Empty
        } else {
            Reason::InvalidByte
        };
        return Err(WireError::new(Field::JaegerBaggageKey, at, reason));
    }
    let eq = skip_ows(bytes, key_end);
    match bytes.get(eq) {
        Some(b'=') => {}
        Some(_) if eq == key_end => {
            return Err(WireError::new(
                Field::JaegerBaggageKey,
                at + eq,
                Reason::InvalidByte,
            ))
        }
        _ => {
            return Err(WireError::new(
                Field::JaegerBaggageEntry,
                at + eq,
                Reason::MissingEquals,
            ))
        }
    }
    let value_start = skip_ows(bytes, eq + 1);
    // A second `=` leaves the entry in three parts, which every reader
    // skips; an `=` in a value is written `%3D`.
    if let Some(i) = find_byte(&bytes[value_start..], b'=') {
        return Err(WireError::new(
            Field::JaegerBaggageValue,
            at + value_start + i,
            Reason::InvalidByte,
        ));
    }
    Ok(Entry {
        key: &text[..key_end],
        raw_value: &text[value_start..],
        value_at: at + value_start,
    })
}

/// Every entry of one `jaeger-baggage` value, decoded, in order (a
/// repeated key as often as it is written); the first entry that is not
/// one is the error.
///
/// ```
/// use baton::wire::{jaeger_baggage, Field, Reason, WireError};
/// assert_eq!(jaeger_baggage::parse(" k = v ").unwrap(), [("k", "v".to_string())]);
/// assert_eq!(
///     jaeger_baggage::parse("k=a=b"),
///     Err(WireError::new(Field::JaegerBaggageValue, 3, Reason::InvalidByte))
/// );
/// assert_eq!(
///     jaeger_baggage::parse("=v"),
///     Err(WireError::new(Field::JaegerBaggageKey, 0, Reason::Empty))
/// );
/// ```
pub fn parse(value: &str) -> Result<Vec<(&str, String)>, WireError> {
    entries(value)
        .map(|entry| {
            let entry = entry?;
            Ok((entry.key, entry.value()?))
        })
        .collect()
}

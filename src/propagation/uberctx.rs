//! Jaeger baggage: one `uberctx-{key}` field per entry, values percent-encoded.

use std::fmt;

use super::Extractor;
use crate::{Baggage, MAX_BAGGAGE_MEMBERS};

/// The prefix of every Jaeger baggage field name.
pub const BAGGAGE_PREFIX: &str = "uberctx-";

/// At most this many bytes of `uberctx-*` keys and values (as on the wire,
/// before decoding) are extracted per carrier, and injected per context: the
/// budget W3C Baggage sets for its `baggage` header (8192 bytes). A value
/// longer than this is rejected by [`parse_baggage_value`] from its length
/// alone. At most [`MAX_BAGGAGE_MEMBERS`] fields are read.
pub const MAX_BAGGAGE_BYTES: usize = 8192;

/// Why a `uberctx-*` field was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UberctxError {
    /// The field name does not start with `uberctx-` (in any case).
    MissingPrefix,
    /// Nothing follows the `uberctx-` prefix.
    EmptyKey,
    /// The key's byte at `offset` (counted in the field name) is not a
    /// lowercase header-name (`tchar`) character.
    InvalidKey {
        /// The offending byte.
        offset: usize,
    },
    /// The value has `len` bytes, more than [`MAX_BAGGAGE_BYTES`].
    TooLong {
        /// The value's length.
        len: usize,
    },
    /// The `%` at `offset` is not followed by two hex digits.
    InvalidEscape {
        /// The `%`.
        offset: usize,
    },
    /// The escape at `offset` decodes to bytes that are not UTF-8.
    InvalidUtf8 {
        /// The first byte of the offending escape.
        offset: usize,
    },
}

impl fmt::Display for UberctxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            UberctxError::MissingPrefix => f.write_str("field name does not start with uberctx-"),
            UberctxError::EmptyKey => f.write_str("uberctx- key is empty"),
            UberctxError::InvalidKey { offset } => write!(
                f,
                "uberctx- name byte {offset} is not a lowercase header-name character"
            ),
            UberctxError::TooLong { len } => write!(
                f,
                "uberctx- value has {len} bytes, more than {MAX_BAGGAGE_BYTES}"
            ),
            UberctxError::InvalidEscape { offset } => write!(
                f,
                "uberctx- value byte {offset}: '%' is not followed by two hex digits"
            ),
            UberctxError::InvalidUtf8 { offset } => {
                write!(f, "uberctx- value byte {offset}: escape is not UTF-8")
            }
        }
    }
}

impl std::error::Error for UberctxError {}

fn has_prefix(name: &str) -> bool {
    name.len() >= BAGGAGE_PREFIX.len()
        && name.as_bytes()[..BAGGAGE_PREFIX.len()].eq_ignore_ascii_case(BAGGAGE_PREFIX.as_bytes())
}

/// The baggage key a `uberctx-{key}` field name carries, lowercased.
///
/// Header names are case-insensitive (and HTTP/2 sends them lowercase), so
/// the original case cannot be known; Jaeger's own clients lowercase the key
/// too. The key must be a W3C baggage key (an RFC 7230 `token`).
///
/// ```
/// use baton::propagation::jaeger::{parse_baggage_name, UberctxError};
/// assert_eq!(parse_baggage_name("Uberctx-Session.ID").unwrap(), "session.id");
/// assert_eq!(parse_baggage_name("uberctx-a b"), Err(UberctxError::InvalidKey { offset: 9 }));
/// ```
pub fn parse_baggage_name(name: &str) -> Result<String, UberctxError> {
    if !has_prefix(name) {
        return Err(UberctxError::MissingPrefix);
    }
    let key = &name[BAGGAGE_PREFIX.len()..];
    check_key(key, false)?;
    Ok(key.to_ascii_lowercase())
}

/// The `uberctx-{key}` field name for a baggage key. Injected names are
/// lowercase, so a key with an uppercase letter (which would arrive under a
/// different key) or any byte that is not a `tchar` is rejected.
///
/// ```
/// use baton::propagation::jaeger::{format_baggage_name, UberctxError};
/// assert_eq!(format_baggage_name("session.id").unwrap(), "uberctx-session.id");
/// assert_eq!(format_baggage_name("userId"), Err(UberctxError::InvalidKey { offset: 12 }));
/// ```
pub fn format_baggage_name(key: &str) -> Result<String, UberctxError> {
    check_key(key, true)?;
    Ok([BAGGAGE_PREFIX, key].concat())
}

/// Checks a key; offsets count from the start of the field name.
fn check_key(key: &str, lowercase_only: bool) -> Result<(), UberctxError> {
    if key.is_empty() {
        return Err(UberctxError::EmptyKey);
    }
    let bad = |b: u8| !crate::baggage::is_tchar(b) || (lowercase_only && b.is_ascii_uppercase());
    match key.bytes().position(bad) {
        Some(i) => Err(UberctxError::InvalidKey {
            offset: BAGGAGE_PREFIX.len() + i,
        }),
        None => Ok(()),
    }
}

/// The value of one hex digit, either case (percent escapes and Jaeger ids).
pub(super) fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a `uberctx-*` value: `%XX` (either case) is the byte `XX`, and `+`
/// is a space, as in the `application/x-www-form-urlencoded` encoding Jaeger
/// clients write (Go `url.QueryEscape`, Java `URLEncoder`). The result must
/// be UTF-8. Values longer than [`MAX_BAGGAGE_BYTES`] are rejected from their
/// length alone.
///
/// ```
/// use baton::propagation::jaeger::{parse_baggage_value, UberctxError};
/// assert_eq!(parse_baggage_value("caf%C3%A9+au%20lait").unwrap(), "café au lait");
/// assert_eq!(parse_baggage_value("100%"), Err(UberctxError::InvalidEscape { offset: 3 }));
/// assert_eq!(parse_baggage_value("a%FF"), Err(UberctxError::InvalidUtf8 { offset: 1 }));
/// ```
pub fn parse_baggage_value(s: &str) -> Result<String, UberctxError> {
    let b = s.as_bytes();
    if b.len() > MAX_BAGGAGE_BYTES {
        return Err(UberctxError::TooLong { len: b.len() });
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hi = b.get(i + 1).copied().and_then(hex_digit);
                let lo = b.get(i + 2).copied().and_then(hex_digit);
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(UberctxError::InvalidEscape { offset: i });
                };
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|e| UberctxError::InvalidUtf8 {
        offset: input_offset(b, e.utf8_error().valid_up_to()),
    })
}

/// The input offset of decoded byte `decoded` (only escapes change widths).
fn input_offset(b: &[u8], decoded: usize) -> usize {
    let mut i = 0;
    for _ in 0..decoded {
        i += if b[i] == b'%' { 3 } else { 1 };
    }
    i
}

/// Percent-encodes a value: every byte but the RFC 3986 unreserved ones
/// (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` (uppercase hex; a space is `%20`),
/// which both Jaeger clients and percent-decoders read back.
/// [`parse_baggage_value`] returns the input unchanged when the encoded form
/// fits in [`MAX_BAGGAGE_BYTES`].
///
/// ```
/// use baton::propagation::jaeger::format_baggage_value;
/// assert_eq!(format_baggage_value("café au+lait"), "caf%C3%A9%20au%2Blait");
/// ```
pub fn format_baggage_value(v: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// What one extract or inject skipped, for a single diagnostic.
#[derive(Debug, Default)]
pub(super) struct Skipped {
    /// Fields rejected as invalid, and the first reason.
    pub(super) invalid: usize,
    pub(super) first: Option<UberctxError>,
    /// Fields dropped by [`MAX_BAGGAGE_MEMBERS`] or [`MAX_BAGGAGE_BYTES`], or
    /// repeated (the first value of a key wins).
    pub(super) dropped: usize,
}

impl Skipped {
    fn invalid(&mut self, e: UberctxError) {
        self.invalid += 1;
        self.first.get_or_insert(e);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.invalid == 0 && self.dropped == 0
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = self.first {
            write!(
                f,
                "{} invalid uberctx- field(s) skipped (first: {e})",
                self.invalid
            )?;
            if self.dropped > 0 {
                f.write_str("; ")?;
            }
        }
        if self.dropped > 0 {
            write!(
                f,
                "{} uberctx- field(s) dropped (repeated, or past {MAX_BAGGAGE_MEMBERS} fields or {MAX_BAGGAGE_BYTES} bytes)",
                self.dropped
            )?;
        }
        Ok(())
    }
}

/// `existing` plus the carrier's `uberctx-*` entries (which replace entries
/// of the same key), or `None` when the carrier has none. One bad field is
/// skipped and never affects the others.
///
/// Bounded for hostile carriers: values are read for at most
/// [`MAX_BAGGAGE_MEMBERS`] distinct fields and [`MAX_BAGGAGE_BYTES`] bytes;
/// any further field costs only a prefix check and is counted as dropped.
pub(super) fn extract(
    existing: &Baggage,
    carrier: &dyn Extractor,
    skipped: &mut Skipped,
) -> Option<Baggage> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut read = 0;
    let mut bytes = 0;
    carrier.keys(&mut |name| {
        if !has_prefix(name) {
            return;
        }
        let key = &name[BAGGAGE_PREFIX.len()..];
        if let Err(e) = check_key(key, false) {
            skipped.invalid(e);
            return;
        }
        if read >= MAX_BAGGAGE_MEMBERS || found.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            skipped.dropped += 1;
            return;
        }
        read += 1;
        // Later values of a repeated field are counted when `keys` yields
        // their names again.
        let mut first = true;
        carrier.get_all(name, &mut |value| {
            if !std::mem::take(&mut first) {
                return;
            }
            if bytes + key.len() + value.len() > MAX_BAGGAGE_BYTES {
                skipped.dropped += 1;
                return;
            }
            match parse_baggage_value(value) {
                Ok(v) => {
                    bytes += key.len() + value.len();
                    found.push((key.to_ascii_lowercase(), v));
                }
                Err(e) => skipped.invalid(e),
            }
        });
    });
    if found.is_empty() {
        return None;
    }
    let mut fields = crate::baggage::Builder::default();
    for (key, value) in &found {
        fields.push(key, value, "");
    }
    // A field replaces an existing entry's value and properties.
    let (merged, no_room) = existing.merged(&fields.build());
    skipped.dropped += no_room;
    Some(merged)
}

/// Writes `baggage` as `uberctx-{key}` fields. Keys that cannot be lowercase
/// header names are skipped, as are entries past [`MAX_BAGGAGE_BYTES`], and
/// counted in `skipped`. Properties have no place in this format.
pub(super) fn inject(baggage: &Baggage, carrier: &mut dyn super::Injector, skipped: &mut Skipped) {
    let mut bytes = 0;
    let mut name = String::new();
    for (key, value, _) in baggage.iter() {
        if let Err(e) = check_key(key, true) {
            skipped.invalid(e);
            continue;
        }
        // Encoding never shrinks a value, so an oversized one is not encoded.
        let fits = |len: usize| bytes + key.len() + len <= MAX_BAGGAGE_BYTES;
        let value = fits(value.len()).then(|| format_baggage_value(value));
        let Some(value) = value.filter(|v| fits(v.len())) else {
            skipped.dropped += 1;
            continue;
        };
        bytes += key.len() + value.len();
        name.clear();
        name.push_str(BAGGAGE_PREFIX);
        name.push_str(key);
        carrier.set(&name, value);
    }
}

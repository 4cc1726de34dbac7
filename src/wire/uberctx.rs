//! Jaeger baggage: one `uberctx-{key}` field per entry, values
//! percent-encoded.

use alloc::string::String;
use alloc::vec::Vec;

use crate::baggage::is_tchar;
use crate::wire::error::{Field, Reason, WireError};
use crate::wire::lexical::{form_decoded, form_decoded_in, percent_encode_into};

/// The prefix of every Jaeger baggage field name.
pub const BAGGAGE_PREFIX: &str = "uberctx-";

/// Whether `name` starts with [`BAGGAGE_PREFIX`], in any case.
pub fn has_prefix(name: &str) -> bool {
    // Every field name of a carrier is tested, so the eight bytes are
    // compared as one number: setting the case bit (0x20) of the seven
    // letters maps exactly `A-Z` onto `a-z` there (no other byte becomes a
    // lowercase letter), and the `-` must match as it is.
    const PREFIX: [u8; 8] = match BAGGAGE_PREFIX.as_bytes().first_chunk() {
        Some(prefix) => *prefix,
        None => panic!("the prefix is eight bytes"),
    };
    const LETTERS: u64 = 0x0020_2020_2020_2020;
    let Some(head) = name.as_bytes().first_chunk::<8>() else {
        return false;
    };
    u64::from_le_bytes(*head) | LETTERS == u64::from_le_bytes(PREFIX)
}

/// The baggage key a `uberctx-{key}` field name carries, lowercased.
///
/// Header names are case-insensitive (and HTTP/2 sends them lowercase), so
/// the original case cannot be known; Jaeger's own clients lowercase the key
/// too. The key must be a W3C baggage key (an RFC 7230 `token`). Offsets
/// count from the start of the field name.
///
/// ```
/// use baton::wire::{uberctx::parse_baggage_name, Field, Reason, WireError};
/// assert_eq!(parse_baggage_name("Uberctx-Session.ID").unwrap(), "session.id");
/// assert_eq!(
///     parse_baggage_name("uberctx-a b"),
///     Err(WireError::new(Field::UberctxName, 9, Reason::InvalidByte))
/// );
/// ```
pub fn parse_baggage_name(name: &str) -> Result<String, WireError> {
    if !has_prefix(name) {
        return Err(WireError::new(Field::UberctxName, 0, Reason::MissingPrefix));
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
/// use baton::wire::{uberctx::format_baggage_name, Field, Reason, WireError};
/// assert_eq!(format_baggage_name("session.id").unwrap(), "uberctx-session.id");
/// assert_eq!(
///     format_baggage_name("userId"),
///     Err(WireError::new(Field::UberctxName, 12, Reason::InvalidByte))
/// );
/// ```
pub fn format_baggage_name(key: &str) -> Result<String, WireError> {
    check_key(key, true)?;
    Ok([BAGGAGE_PREFIX, key].concat())
}

/// Checks a key; offsets count from the start of the field name.
pub(crate) fn check_key(key: &str, lowercase_only: bool) -> Result<(), WireError> {
    if key.is_empty() {
        return Err(WireError::new(
            Field::UberctxName,
            BAGGAGE_PREFIX.len(),
            Reason::Empty,
        ));
    }
    let bad = |b: u8| !is_tchar(b) || (lowercase_only && b.is_ascii_uppercase());
    match key.bytes().position(bad) {
        Some(i) => Err(WireError::new(
            Field::UberctxName,
            BAGGAGE_PREFIX.len() + i,
            Reason::InvalidByte,
        )),
        None => Ok(()),
    }
}

/// Decodes a `uberctx-*` value: `%XX` (either case) is the byte `XX`, and `+`
/// is a space, as in the `application/x-www-form-urlencoded` encoding Jaeger
/// clients write (Go `url.QueryEscape`, Java `URLEncoder`). The result must
/// be UTF-8. Values longer than [`Baggage::MAX_BYTES`](crate::Baggage::MAX_BYTES)
/// are rejected from their length alone.
///
/// ```
/// use baton::wire::{uberctx::parse_baggage_value, Field, Reason, WireError};
/// assert_eq!(parse_baggage_value("caf%C3%A9+au%20lait").unwrap(), "café au lait");
/// assert_eq!(
///     parse_baggage_value("100%"),
///     Err(WireError::new(Field::UberctxValue, 3, Reason::BadEscape))
/// );
/// assert_eq!(
///     parse_baggage_value("a%FF"),
///     Err(WireError::new(Field::UberctxValue, 1, Reason::NotUtf8))
/// );
/// ```
pub fn parse_baggage_value(s: &str) -> Result<String, WireError> {
    form_decoded(s, Field::UberctxValue)
}

/// [`parse_baggage_value`] into `out`, a buffer to reuse: a reader that
/// only compares values (a repeated field's with its first) allocates
/// nothing for each.
///
/// ```
/// use baton::wire::uberctx::parse_baggage_value_in;
/// let mut buffer = Vec::new();
/// assert_eq!(parse_baggage_value_in("a%20b", &mut buffer), Ok("a b"));
/// assert_eq!(parse_baggage_value_in("a+b", &mut buffer), Ok("a b"));
/// ```
pub fn parse_baggage_value_in<'b>(s: &str, out: &'b mut Vec<u8>) -> Result<&'b str, WireError> {
    form_decoded_in(s, Field::UberctxValue, out)
}

/// Percent-encodes a value: every byte but the RFC 3986 unreserved ones
/// (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` (uppercase hex; a space is `%20`),
/// which both Jaeger clients and percent-decoders read back.
/// [`parse_baggage_value`] returns the input unchanged when the encoded form
/// fits in [`Baggage::MAX_BYTES`](crate::Baggage::MAX_BYTES).
///
/// ```
/// use baton::wire::uberctx::format_baggage_value;
/// assert_eq!(format_baggage_value("café au+lait"), "caf%C3%A9%20au%2Blait");
/// ```
pub fn format_baggage_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    percent_encode_into(v, is_unreserved, &mut out);
    out
}

/// RFC 3986 `unreserved`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

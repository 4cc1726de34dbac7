//! The W3C `tracestate` list: vendor entries in order, shared cheaply, and
//! what one entry may hold.
//!
//! # Background
//! [W3C Trace Context Level 2, §3.3.1 "Header Field Values"](https://www.w3.org/TR/trace-context-2/#tracestate-header-field-values):
//!
//! ```abnf
//! key      = ( lcalpha / DIGIT ) 0*255 ( keychar )
//! keychar  = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"
//! lcalpha  = %x61-7A ; a-z
//! value    = 0*255(chr) nblk-chr
//! nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
//! chr      = %x20 / nblk-chr
//! ```
//!
//! The list around the members (commas, optional whitespace, several header
//! lines) is read by [`crate::wire::tracestate`]; this module owns what a
//! member is and how many a list holds.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::byte_words::{first_stop, splat, zero_lanes, HIGH};

/// Vendor-specific trace data as an ordered list of `key=value` members.
///
/// Cloning is one reference-count increment (or nothing for an empty list),
/// because every child span inherits its parent's tracestate. A list received
/// with a key twice keeps both members, as the spec allows
/// ([`TraceState::get`] returns the first).
///
/// # Example
/// ```
/// use baton::TraceState;
/// let ts = TraceState::default();
/// assert!(ts.is_empty());
/// assert_eq!(ts.get("congo"), None);
/// assert_eq!(TraceState::MAX_MEMBERS, 32);
/// ```
// The members are kept as their canonical wire text, `key=value` joined by
// `,`: one allocation per list, and injecting it is a copy. Valid keys never
// hold `=` or `,` and valid values never hold `,`, so the text splits back
// into the members unambiguously.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TraceState(Option<Arc<str>>);

/// Why a key or value cannot be a tracestate member. Offsets are into the
/// key or the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceStateError {
    /// The key's byte at `offset` is not allowed there (or the key is empty).
    InvalidKey {
        /// The offending byte.
        offset: usize,
    },
    /// The key is longer than [`TraceState::MAX_KEY_LEN`]; `offset` is the
    /// first byte past the limit.
    KeyTooLong {
        /// The first byte past the limit.
        offset: usize,
    },
    /// The value's byte at `offset` is not allowed (a control character,
    /// `,`, `=`, non-ASCII, or a trailing space).
    InvalidValue {
        /// The offending byte.
        offset: usize,
    },
    /// The value is empty.
    EmptyValue {
        /// Where the value would start.
        offset: usize,
    },
    /// The value is longer than [`TraceState::MAX_VALUE_LEN`]; `offset` is
    /// the first byte past the limit.
    ValueTooLong {
        /// The first byte past the limit.
        offset: usize,
    },
}

impl TraceStateError {
    /// The byte offset that failed.
    pub const fn offset(&self) -> usize {
        match *self {
            TraceStateError::InvalidKey { offset }
            | TraceStateError::KeyTooLong { offset }
            | TraceStateError::InvalidValue { offset }
            | TraceStateError::EmptyValue { offset }
            | TraceStateError::ValueTooLong { offset } => offset,
        }
    }

    /// Whether the key, rather than the value, is at fault.
    pub const fn is_key(&self) -> bool {
        matches!(
            self,
            TraceStateError::InvalidKey { .. } | TraceStateError::KeyTooLong { .. }
        )
    }
}

impl fmt::Display for TraceStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tracestate: ")?;
        match self {
            TraceStateError::InvalidKey { .. } => f.write_str("key byte is not allowed")?,
            TraceStateError::KeyTooLong { .. } => write!(
                f,
                "key is longer than {} characters",
                TraceState::MAX_KEY_LEN
            )?,
            TraceStateError::InvalidValue { .. } => f.write_str("value byte is not allowed")?,
            TraceStateError::EmptyValue { .. } => f.write_str("value is empty")?,
            TraceStateError::ValueTooLong { .. } => write!(
                f,
                "value is longer than {} characters",
                TraceState::MAX_VALUE_LEN
            )?,
        }
        write!(f, " (byte {})", self.offset())
    }
}

impl core::error::Error for TraceStateError {}

/// `keychar`: a byte a key may hold after its first.
const fn is_keychar(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/' | b'@')
}

/// `chr`: a byte a value may hold (it may not end in a space).
const fn is_value_char(b: u8) -> bool {
    matches!(b, 0x20..=0x7e) && b != b',' && b != b'='
}

/// [`CLASS`] bit: the byte is a `keychar`.
const KEYCHAR: u8 = 1;
/// [`CLASS`] bit: the byte is a `chr`.
const CHR: u8 = 2;

/// The classes of every byte, so a scan tests a byte with one load.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        // `b` < 256.
        let byte = b as u8;
        table[b] =
            if is_keychar(byte) { KEYCHAR } else { 0 } | if is_value_char(byte) { CHR } else { 0 };
        b += 1;
    }
    table
};

/// How many bytes from the start of `bytes` are in `class`.
#[inline(always)]
fn run(bytes: &[u8], class: u8) -> usize {
    bytes
        .iter()
        .position(|&b| CLASS[usize::from(b)] & class == 0)
        .unwrap_or(bytes.len())
}

/// How many bytes from the start of `bytes` are `chr`: [`run`] for
/// [`CHR`], eight bytes at a time while they last, since values are the
/// bulk of a tracestate.
#[inline(always)]
fn chr_run(bytes: &[u8]) -> usize {
    // Not `chr`: non-ASCII, below 0x20, 0x7f, `,` or `=`.
    let not_chr = |x: u64| {
        x & HIGH
            | (((x & !HIGH) + splat(0x60)) & HIGH ^ HIGH)
            | zero_lanes(x ^ splat(0x7f))
            | zero_lanes(x ^ splat(b','))
            | zero_lanes(x ^ splat(b'='))
    };
    match first_stop(bytes, not_chr) {
        Ok(at) => at,
        Err(at) => at + run(&bytes[at..], CHR),
    }
}

/// Reads the key `( lcalpha / DIGIT ) 0*255 ( keychar )` at the start of
/// `bytes` and returns its length: the key ends at the first byte that is
/// not a `keychar`, and the caller judges what follows. The one key grammar
/// of the crate: [`TraceState::insert`] and the `tracestate` parser both
/// read keys with it.
#[inline(always)]
pub(crate) fn scan_key(bytes: &[u8]) -> Result<usize, TraceStateError> {
    match bytes.first() {
        Some(b'a'..=b'z' | b'0'..=b'9') => {}
        _ => return Err(TraceStateError::InvalidKey { offset: 0 }),
    }
    let len = 1 + run(&bytes[1..], KEYCHAR);
    if len > TraceState::MAX_KEY_LEN {
        return Err(TraceStateError::KeyTooLong {
            offset: TraceState::MAX_KEY_LEN,
        });
    }
    Ok(len)
}

/// Reads the value `0*255(chr) nblk-chr` at the start of `bytes`: returns
/// its length (trailing spaces are not part of it) and the length of the run
/// of `chr` bytes it ends (with those spaces), where the caller judges what
/// follows. The one value grammar of the crate.
#[inline(always)]
pub(crate) fn scan_value(bytes: &[u8]) -> Result<(usize, usize), TraceStateError> {
    let chr = chr_run(bytes);
    // Trailing spaces are not part of the value; most values have none.
    let len = match bytes[..chr].last() {
        Some(b' ') => bytes[..chr]
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(0, |i| i + 1),
        _ => chr,
    };
    if len == 0 {
        return Err(TraceStateError::EmptyValue { offset: 0 });
    }
    if len > TraceState::MAX_VALUE_LEN {
        return Err(TraceStateError::ValueTooLong {
            offset: TraceState::MAX_VALUE_LEN,
        });
    }
    Ok((len, chr))
}

// Asked only by the span tests, which need `std`.
#[cfg(all(test, feature = "std"))]
impl TraceState {
    /// How many values share this tracestate's text; 0 when it is empty.
    pub(crate) fn shares(&self) -> usize {
        self.0.as_ref().map_or(0, Arc::strong_count)
    }
}

impl TraceState {
    /// The empty tracestate.
    pub const EMPTY: TraceState = TraceState(None);
    /// At most this many members ("list": `list-member 0*31( OWS "," OWS list-member )`).
    pub const MAX_MEMBERS: usize = 32;
    /// A key has at most this many characters.
    pub const MAX_KEY_LEN: usize = 256;
    /// A value has at most this many characters.
    pub const MAX_VALUE_LEN: usize = 256;

    /// Wraps canonical text (valid members joined by `,`, no spaces, no
    /// empty members, at most [`TraceState::MAX_MEMBERS`]) that the caller
    /// has checked.
    pub(crate) fn from_canonical(text: Arc<str>) -> TraceState {
        if text.is_empty() {
            TraceState(None)
        } else {
            TraceState(Some(text))
        }
    }

    /// The canonical text: the members joined by `,`, as the `tracestate`
    /// header carries them.
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// A copy with `key` set to `value` as the left-most member, as the W3C
    /// spec asks of a vendor updating its entry ("Mutating the tracestate
    /// Field"): every existing member with that key is removed, the order of
    /// the others is kept, and when that makes more than
    /// [`TraceState::MAX_MEMBERS`] the right-most member is dropped ("If
    /// adding an entry would cause the tracestate list to contain more than
    /// 32 list-members the right-most list-member should be removed").
    ///
    /// The key and value are checked against the W3C grammar; error offsets
    /// are into `key` or `value`.
    ///
    /// # Example
    /// ```
    /// use baton::{TraceState, TraceStateError};
    /// let ts = TraceState::default().insert("rojo", "1").unwrap().insert("congo", "2").unwrap();
    /// let ts = ts.insert("rojo", "3").unwrap();
    /// assert_eq!(ts.iter().collect::<Vec<_>>(), [("rojo", "3"), ("congo", "2")]);
    /// assert_eq!(ts.insert("Rojo", "1"), Err(TraceStateError::InvalidKey { offset: 0 }));
    /// assert_eq!(ts.insert("rojo", "a,b"), Err(TraceStateError::InvalidValue { offset: 1 }));
    /// assert!(ts.insert("tenant@vendor", "1").is_ok());
    /// ```
    pub fn insert(&self, key: &str, value: &str) -> Result<TraceState, TraceStateError> {
        let key_len = scan_key(key.as_bytes())?;
        if key_len != key.len() {
            return Err(TraceStateError::InvalidKey { offset: key_len });
        }
        let (value_len, chr) = scan_value(value.as_bytes())?;
        if value_len != value.len() {
            // A byte that is not a `chr` (after spaces, maybe: they are no
            // fault), or else a trailing space.
            let offset = if chr < value.len() { chr } else { value_len };
            return Err(TraceStateError::InvalidValue { offset });
        }
        let mut text = String::with_capacity(key.len() + 1 + value.len() + 1 + self.as_str().len());
        push_member(&mut text, key, value);
        let others = self.iter().filter(|(k, _)| *k != key);
        for (k, v) in others.take(TraceState::MAX_MEMBERS - 1) {
            push_member(&mut text, k, v);
        }
        Ok(TraceState::from_canonical(text.into()))
    }

    /// A copy without the members with `key`, the others in their order:
    /// the W3C "Delete a key/value pair" mutation, which the OpenTelemetry
    /// API's TraceState must offer. Every member with the key goes (a list
    /// may arrive with a key twice); a key that is not there, or could not
    /// be one, leaves the list as it is.
    ///
    /// ```
    /// use baton::wire::tracestate::parse;
    /// let ts = parse("rojo=1,congo=2,rojo=3").unwrap();
    /// assert_eq!(ts.without("rojo").as_str(), "congo=2");
    /// assert!(ts.without("rojo").without("congo").is_empty());
    /// ```
    #[must_use]
    pub fn without(&self, key: &str) -> TraceState {
        if self.get(key).is_none() {
            return self.clone();
        }
        let mut text = String::with_capacity(self.as_str().len());
        for (k, v) in self.iter().filter(|(k, _)| *k != key) {
            push_member(&mut text, k, v);
        }
        TraceState::from_canonical(text.into())
    }

    /// The members in order, left-most (most recently updated) first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        Members {
            rest: self.as_str(),
            remaining: self.len(),
        }
    }

    /// The value of the first member with `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        match &self.0 {
            None => 0,
            Some(text) => 1 + text.bytes().filter(|&b| b == b',').count(),
        }
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl fmt::Debug for TraceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TraceState")
            .field(&self.iter().collect::<Vec<_>>())
            .finish()
    }
}

/// Appends the member `key=value` to canonical text, after a `,` unless
/// it is the first.
fn push_member(text: &mut String, key: &str, value: &str) {
    if !text.is_empty() {
        text.push(',');
    }
    text.push_str(key);
    text.push('=');
    text.push_str(value);
}

/// The members of canonical text, split as they are read.
struct Members<'a> {
    rest: &'a str,
    remaining: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        self.remaining = self.remaining.checked_sub(1)?;
        let (member, rest) = self.rest.split_once(',').unwrap_or((self.rest, ""));
        self.rest = rest;
        // Every canonical member has an `=`, after its key.
        Some(member.split_once('=').unwrap_or((member, "")))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Members<'_> {}

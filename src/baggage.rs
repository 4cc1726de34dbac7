//! Baggage: application key/value pairs that travel with the trace, and
//! the limits W3C Baggage sets on them.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use crate::id::hex_digit;

/// An ordered map of key → (value, properties), shared cheaply.
///
/// Keys are W3C `token`s; values are any text (the propagator
/// percent-encodes them); properties are kept as their raw `;`-separated text,
/// e.g. `p1;p2=x`, and always fit the W3C grammar. Setting a key that exists replaces its value in place.
///
/// # Example
/// ```
/// use baton::{Baggage, BaggageError};
/// let b = Baggage::default().try_insert("user_id", "u 1", "").unwrap();
/// assert_eq!(b.get("user_id"), Some("u 1"));
/// assert_eq!(
///     Baggage::default().try_insert("bad key", "v", ""),
///     Err(BaggageError::InvalidKey { offset: 3 })
/// );
/// ```
#[derive(Clone, Default)]
pub struct Baggage(Option<Arc<Entries>>);

/// The key of the entry that carries a session id, which is also the
/// attribute that each span started in the session records.
#[cfg(feature = "std")]
pub(crate) const SESSION_KEY: &str = "session.id";

/// Every entry's key, value and properties in one buffer, so a baggage of
/// any size is three allocations.
#[derive(Debug)]
struct Entries {
    text: String,
    parts: Vec<Parts>,
    /// The place in `parts` of the first [`SESSION_KEY`] entry, if any:
    /// found once here, where the baggage is made, rather than by each
    /// span started in it, which records the session. Spans and sessions
    /// need `std`.
    #[cfg(feature = "std")]
    session: Option<usize>,
}

/// Where one entry is in [`Entries::text`]: its key is `start..key_end`,
/// its value `key_end..value_end`, its properties `value_end..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) start: usize,
    pub(crate) key_end: usize,
    pub(crate) value_end: usize,
    pub(crate) end: usize,
}

impl Parts {
    /// Whether this entry of `text` has the key `key`. Compared as bytes:
    /// most keys differ in length, which ends the comparison, where
    /// slicing each entry as `str`s checked each at both ends.
    fn key_is(&self, text: &str, key: &str) -> bool {
        text.as_bytes().get(self.start..self.key_end) == Some(key.as_bytes())
    }
}

/// Why a baggage entry could not be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaggageError {
    /// The key is empty.
    EmptyKey,
    /// The key's byte at `offset` is not a W3C `tchar`.
    InvalidKey {
        /// The offset of the offending byte.
        offset: usize,
    },
    /// The baggage already holds [`Baggage::MAX_MEMBERS`] entries.
    TooManyMembers,
    /// The properties' byte at `offset` does not fit the W3C `property`
    /// grammar (`key`, or `key=value`, joined by `;`).
    InvalidProperties {
        /// The offset of the offending byte in the properties.
        offset: usize,
    },
}

impl fmt::Display for BaggageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BaggageError::EmptyKey => f.write_str("baggage key is empty"),
            BaggageError::InvalidKey { offset } => {
                write!(f, "baggage key byte {offset} is not a token character")
            }
            BaggageError::TooManyMembers => {
                write!(f, "baggage already holds {} members", Baggage::MAX_MEMBERS)
            }
            BaggageError::InvalidProperties { offset } => write!(
                f,
                "baggage properties byte {offset} does not fit the W3C property grammar"
            ),
        }
    }
}

impl core::error::Error for BaggageError {}

/// RFC 9110 `tchar`: the characters a W3C baggage key (and a property key,
/// and an HTTP header name) may use. Public for tools that check header
/// names as baton does, so that none keeps a second copy of the class.
///
/// ```
/// use baton::wire::is_tchar;
/// assert!(b"X-B3-TraceId".iter().all(|&b| is_tchar(b)));
/// assert!(!is_tchar(b' ') && !is_tchar(b':') && !is_tchar(0x80));
/// ```
pub fn is_tchar(b: u8) -> bool {
    // Every byte of every key and property name is tested; one load each.
    const TCHAR: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            // `b` < 256.
            table[b] = matches!(b as u8,
                b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
                | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
            b += 1;
        }
        table
    };
    TCHAR[usize::from(b)]
}

/// `OWS = *( SP / HTAB )` ([RFC 9110 §5.6.3](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.3)):
/// property lists may hold it, so it lives with them; the header parsers
/// share it through `wire::lexical`.
pub(crate) const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `s` without leading and trailing OWS (only space and tab: not the
/// other whitespace `str::trim` takes, which is content here), as a header
/// value is read (RFC 9110 §5.5).
///
/// ```
/// use baton::wire::unpadded;
/// assert_eq!(unpadded(" \t00-ab \t"), "00-ab");
/// assert_eq!(unpadded("00-ab\u{a0}"), "00-ab\u{a0}");
/// ```
// Inline: made public for the command, it stopped being inlined into the
// crate's own parsers (baggage extract +38 instructions in the default
// profile, callgrind).
#[inline]
pub fn unpadded(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = skip_ows(bytes, 0);
    let end = bytes[start..]
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| start + i + 1);
    // OWS is ASCII: both ends are character boundaries.
    &s[start..end]
}

/// The index of the first byte at or after `i` that is not OWS.
pub(crate) fn skip_ows(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_ows(bytes[i]) {
        i += 1;
    }
    i
}

/// The byte the escape `%XX` at `bytes[at]` stands for, or `None` when two
/// hex digits (either case) do not follow the `%`.
pub(crate) fn escape_at(bytes: &[u8], at: usize) -> Option<u8> {
    let hi = hex_digit(*bytes.get(at + 1)?)?;
    let lo = hex_digit(*bytes.get(at + 2)?)?;
    Some(hi << 4 | lo)
}

/// W3C `baggage-octet`: what a value or a property value may hold unescaped
/// (US-ASCII without CTLs, whitespace, DQUOTE, comma, semicolon and
/// backslash).
pub(crate) const fn is_baggage_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

/// Checks a raw property list (the text after a member's first `;`) against
/// [W3C Baggage §3.3.1](https://www.w3.org/TR/baggage/#definition):
///
/// ```abnf
/// property = key OWS "=" OWS value
/// property =/ key OWS
/// ```
///
/// joined by `OWS ";" OWS`. A `%` in a value begins an escape: "If the
/// property value contains the percent code point (U+0025), it MUST be
/// percent-encoded", so one that does not is a `%` left unencoded. Returns
/// the offset of the first bad byte, relative to `props`.
pub(crate) fn check_properties(props: &str) -> Result<(), usize> {
    let bytes = props.as_bytes();
    let mut start = 0;
    for part in bytes.split(|&b| b == b';') {
        let end = start + part.len();
        let mut i = skip_ows(bytes, start);
        let key_start = i;
        while i < end && is_tchar(bytes[i]) {
            i += 1;
        }
        if i == key_start {
            return Err(i);
        }
        i = skip_ows(&bytes[..end], i);
        if i < end && bytes[i] == b'=' {
            i = skip_ows(&bytes[..end], i + 1);
            while i < end
                && is_baggage_octet(bytes[i])
                && (bytes[i] != b'%' || escape_at(&bytes[..end], i).is_some())
            {
                i += 1;
            }
            i = skip_ows(&bytes[..end], i);
        }
        if i != end {
            return Err(i);
        }
        start = end + 1;
    }
    Ok(())
}

/// Checks a baggage key against the `token` grammar.
pub(crate) fn check_key(key: &str) -> Result<(), BaggageError> {
    if key.is_empty() {
        return Err(BaggageError::EmptyKey);
    }
    match key.bytes().position(|b| !is_tchar(b)) {
        Some(offset) => Err(BaggageError::InvalidKey { offset }),
        None => Ok(()),
    }
}

impl Baggage {
    /// The empty baggage.
    pub const EMPTY: Baggage = Baggage(None);
    /// At most this many entries ([W3C Baggage, "Limits"](https://www.w3.org/TR/baggage/#limits):
    /// "a platform MUST propagate all list-members up to at least 64").
    pub const MAX_MEMBERS: usize = 64;
    /// At most this many bytes of `baggage` header, over all its lines,
    /// counted as [`crate::wire::baggage::format`] writes the entries
    /// ([W3C Baggage, "Limits"](https://www.w3.org/TR/baggage/#limits):
    /// "... up to at least 8192 bytes").
    pub const MAX_BYTES: usize = 8192;

    /// A copy with `key` set to `value` and its `properties`: raw text in
    /// the W3C grammar (`p1;p2=x`, optional whitespace around `;` and `=`),
    /// or empty. Properties that do not fit it are refused here, rather
    /// than left out of a header later. Whitespace before the first
    /// property or after the last is the member's, not theirs, and is not
    /// kept: a receiver never gets it, so the baggage arrives as it is set.
    ///
    /// A key that is not a W3C token, and a new key past
    /// [`Baggage::MAX_MEMBERS`], are refused too. [`Baggage::MAX_BYTES`]
    /// is not checked here: the baggage of a process may hold more, and an
    /// inject writes the entries that fit and reports the rest (see
    /// [`W3cBaggage`]).
    ///
    #[cfg_attr(
        feature = "std",
        doc = "[`W3cBaggage`]: crate::propagation::W3cBaggage"
    )]
    #[cfg_attr(not(feature = "std"), doc = "[`W3cBaggage`]: crate#features")]
    ///
    /// ```
    /// use baton::{Baggage, BaggageError};
    /// let b = Baggage::default().try_insert("k", "v", "p1;p2=x").unwrap();
    /// assert_eq!(b.iter().next(), Some(("k", "v", "p1;p2=x")));
    /// assert_eq!(
    ///     b.try_insert("k", "v", "p,evil=1"),
    ///     Err(BaggageError::InvalidProperties { offset: 1 })
    /// );
    /// assert_eq!(b.try_insert("a key", "v", ""), Err(BaggageError::InvalidKey { offset: 1 }));
    /// let full = (0..Baggage::MAX_MEMBERS).fold(Baggage::default(), |b, i| {
    ///     b.try_insert(&format!("k{i}"), "v", "").unwrap()
    /// });
    /// assert_eq!(full.try_insert("one.more", "v", ""), Err(BaggageError::TooManyMembers));
    /// assert!(full.try_insert("k0", "replaced", "").is_ok(), "a key it has is replaced");
    /// ```
    ///
    /// ```
    /// # #[cfg(feature = "std")] {
    /// # use baton::propagation::{Propagator, W3cBaggage};
    /// let big = "x".repeat(baton::Baggage::MAX_BYTES);
    /// let cx = baton::Context::default()
    ///     .with_baggage_replaced(baton::Baggage::default().try_insert("big", &big, "").unwrap())
    ///     .with_baggage("small", "1");
    /// let mut headers = std::collections::HashMap::new();
    /// W3cBaggage.inject(&cx, &mut headers);
    /// assert_eq!(headers["baggage"], "small=1");
    /// assert_eq!(baton::diagnostic_count(baton::DiagnosticKind::LimitExceeded), 1);
    /// # }
    /// ```
    pub fn try_insert(
        &self,
        key: &str,
        value: &str,
        properties: &str,
    ) -> Result<Baggage, BaggageError> {
        check_key(key)?;
        if !properties.is_empty() {
            check_properties(properties)
                .map_err(|offset| BaggageError::InvalidProperties { offset })?;
        }
        let properties = unpadded(properties);
        let exists = self.iter().any(|(k, _, _)| k == key);
        if !exists && self.len() >= Baggage::MAX_MEMBERS {
            return Err(BaggageError::TooManyMembers);
        }
        let mut out = Builder::default();
        for (k, v, p) in self.iter() {
            if k == key {
                out.push(key, value, properties);
            } else {
                out.push(k, v, p);
            }
        }
        if !exists {
            out.push(key, value, properties);
        }
        Ok(out.build())
    }

    /// A copy without `key`.
    #[must_use]
    pub fn without(&self, key: &str) -> Baggage {
        let mut out = Builder::default();
        for (k, v, p) in self.iter().filter(|(k, _, _)| *k != key) {
            out.push(k, v, p);
        }
        out.build()
    }

    /// Baggage from the entries of `text` that `parts` describes, each key a
    /// valid token and at most [`Baggage::MAX_MEMBERS`] of them, as the
    /// caller has checked.
    pub(crate) fn from_parts(text: String, parts: Vec<Parts>) -> Baggage {
        if parts.is_empty() {
            Baggage(None)
        } else {
            #[cfg(feature = "std")]
            let session = parts.iter().position(|p| p.key_is(&text, SESSION_KEY));
            Baggage(Some(Arc::new(Entries {
                text,
                parts,
                #[cfg(feature = "std")]
                session,
            })))
        }
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let e = self.0.as_deref()?;
        // Only the match's value is sliced as a `str` (see `Parts::key_is`).
        let p = e.parts.iter().find(|p| p.key_is(&e.text, key))?;
        e.text.get(p.key_end..p.value_end)
    }

    /// The session id it carries (the value of its first [`SESSION_KEY`]
    /// entry, as [`get`](Baggage::get) gives it), unless that is empty:
    /// an empty id is no session.
    #[cfg(feature = "std")]
    #[inline]
    pub(crate) fn session_id(&self) -> Option<&str> {
        let e = self.0.as_deref()?;
        let p = e.parts.get(e.session?)?;
        e.text
            .get(p.key_end..p.value_end)
            .filter(|id| !id.is_empty())
    }

    /// The entries in order as (key, value, properties).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str, &str)> + '_ {
        let (text, parts) = match self.0.as_deref() {
            Some(e) => (e.text.as_str(), e.parts.as_slice()),
            None => ("", &[][..]),
        };
        parts.iter().map(move |p| {
            (
                &text[p.start..p.key_end],
                &text[p.key_end..p.value_end],
                &text[p.value_end..p.end],
            )
        })
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.as_deref().map_or(0, |e| e.parts.len())
    }

    /// Whether there are no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// Equal when the entries are, in any order and however each buffer is
/// laid out: OpenTelemetry's Baggage API says "the order of name/value
/// pairs MUST NOT be significant" (an extract or a composite may give the
/// same entries in another order than they were set).
///
/// ```
/// use baton::Baggage;
/// let ab = Baggage::default().try_insert("a", "1", "").unwrap().try_insert("b", "2", "").unwrap();
/// let ba = Baggage::default().try_insert("b", "2", "").unwrap().try_insert("a", "1", "").unwrap();
/// assert_eq!(ab, ba);
/// ```
impl PartialEq for Baggage {
    fn eq(&self, other: &Baggage) -> bool {
        // Both ways, which needs no assumption on repeated keys; at most
        // `MAX_MEMBERS` entries each, so the quadratic search stays small.
        let within = |a: &Baggage, b: &Baggage| a.iter().all(|e| b.iter().any(|f| e == f));
        self.len() == other.len()
            && (self.iter().eq(other.iter()) || (within(self, other) && within(other, self)))
    }
}

impl Eq for Baggage {}

impl fmt::Debug for Baggage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Baggage")
            .field(&self.iter().collect::<Vec<_>>())
            .finish()
    }
}

/// Builds baggage entry by entry, for callers that have checked the keys
/// and the number of entries.
#[derive(Default)]
pub(crate) struct Builder {
    text: String,
    parts: Vec<Parts>,
}

impl Builder {
    /// Appends an entry.
    pub(crate) fn push(&mut self, key: &str, value: &str, properties: &str) {
        let start = self.text.len();
        self.text.push_str(key);
        let key_end = self.text.len();
        self.text.push_str(value);
        let value_end = self.text.len();
        self.text.push_str(properties);
        self.parts.push(Parts {
            start,
            key_end,
            value_end,
            end: self.text.len(),
        });
    }

    pub(crate) fn build(self) -> Baggage {
        Baggage::from_parts(self.text, self.parts)
    }
}

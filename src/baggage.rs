//! Baggage: application key/value pairs that travel with the trace.

use std::fmt;
use std::sync::Arc;

/// At most this many baggage entries (W3C Baggage, "Limits").
pub const MAX_BAGGAGE_MEMBERS: usize = 64;

/// An ordered map of key → (value, properties), shared cheaply.
///
/// Keys are W3C `token`s; values are any text (the propagator
/// percent-encodes them); properties are kept as their raw `;`-separated text,
/// e.g. `p1;p2=x`. Setting a key that exists replaces its value in place.
///
/// # Example
/// ```
/// use baton::Baggage;
/// let b = Baggage::default().try_insert("user_id", "u 1", "").unwrap();
/// assert_eq!(b.get("user_id"), Some("u 1"));
/// assert!(Baggage::default().try_insert("bad key", "v", "").is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baggage(Option<Arc<Vec<BaggageEntry>>>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct BaggageEntry {
    key: String,
    value: String,
    properties: String,
}

/// Why a baggage entry could not be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BaggageError {
    /// The key is empty.
    EmptyKey,
    /// The key's byte at `index` is not a W3C `tchar`.
    InvalidKey {
        /// The offset of the offending byte.
        index: usize,
    },
    /// The baggage already holds [`MAX_BAGGAGE_MEMBERS`] entries.
    TooManyMembers,
}

impl fmt::Display for BaggageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BaggageError::EmptyKey => f.write_str("baggage key is empty"),
            BaggageError::InvalidKey { index } => {
                write!(f, "baggage key byte {index} is not a token character")
            }
            BaggageError::TooManyMembers => {
                write!(f, "baggage already holds {MAX_BAGGAGE_MEMBERS} members")
            }
        }
    }
}

impl std::error::Error for BaggageError {}

/// RFC 7230 `tchar`: the characters a W3C baggage key may use.
pub(crate) fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Checks a baggage key against the `token` grammar.
pub(crate) fn check_key(key: &str) -> Result<(), BaggageError> {
    if key.is_empty() {
        return Err(BaggageError::EmptyKey);
    }
    match key.bytes().position(|b| !is_tchar(b)) {
        Some(index) => Err(BaggageError::InvalidKey { index }),
        None => Ok(()),
    }
}

impl Baggage {
    /// The empty baggage.
    pub const EMPTY: Baggage = Baggage(None);

    /// A copy with `key` set to `value` and its `properties` (raw text, may be empty).
    pub fn try_insert(
        &self,
        key: &str,
        value: &str,
        properties: &str,
    ) -> Result<Baggage, BaggageError> {
        check_key(key)?;
        let mut entries: Vec<BaggageEntry> = self.entries().to_vec();
        let entry = BaggageEntry {
            key: key.to_owned(),
            value: value.to_owned(),
            properties: properties.to_owned(),
        };
        match entries.iter().position(|e| e.key == key) {
            Some(i) => entries[i] = entry,
            None if entries.len() >= MAX_BAGGAGE_MEMBERS => {
                return Err(BaggageError::TooManyMembers)
            }
            None => entries.push(entry),
        }
        Ok(Baggage(Some(Arc::new(entries))))
    }

    /// A copy without `key`.
    #[must_use]
    pub fn without(&self, key: &str) -> Baggage {
        let entries: Vec<BaggageEntry> = self
            .entries()
            .iter()
            .filter(|e| e.key != key)
            .cloned()
            .collect();
        Baggage::from_entries(entries)
    }

    fn from_entries(entries: Vec<BaggageEntry>) -> Baggage {
        if entries.is_empty() {
            Baggage(None)
        } else {
            Baggage(Some(Arc::new(entries)))
        }
    }

    /// Builds baggage from members the caller has already validated and bounded.
    pub(crate) fn from_validated(members: Vec<(String, String, String)>) -> Baggage {
        Baggage::from_entries(
            members
                .into_iter()
                .map(|(key, value, properties)| BaggageEntry {
                    key,
                    value,
                    properties,
                })
                .collect(),
        )
    }

    /// A copy with every entry of `newer` set on top of these, as repeated
    /// [`Baggage::try_insert`] calls would do, and how many new keys did not
    /// fit [`MAX_BAGGAGE_MEMBERS`].
    pub(crate) fn merged(&self, newer: &Baggage) -> (Baggage, usize) {
        if self.is_empty() {
            return (newer.clone(), 0);
        }
        let mut entries = self.entries().to_vec();
        let mut dropped = 0;
        for entry in newer.entries() {
            match entries.iter().position(|e| e.key == entry.key) {
                Some(i) => entries[i] = entry.clone(),
                None if entries.len() < MAX_BAGGAGE_MEMBERS => entries.push(entry.clone()),
                None => dropped += 1,
            }
        }
        (Baggage::from_entries(entries), dropped)
    }

    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries()
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }

    /// The entries in order as (key, value, properties).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str, &str)> + '_ {
        self.entries()
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.properties.as_str()))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn entries(&self) -> &[BaggageEntry] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

/// Sets a baggage entry for the current scope: everything started after it
/// until the guard drops (children, wrapped closures, futures, injected
/// headers) sees it. Snapshots taken before are unchanged.
///
/// An invalid key is reported as a diagnostic and sets nothing; see
/// [`Context::with_baggage`](crate::Context::with_baggage).
///
/// # Example
/// ```
/// let before = baton::Context::current();
/// let _g = baton::set_baggage("user_id", "u1");
/// assert_eq!(baton::baggage("user_id").as_deref(), Some("u1"));
/// assert_eq!(before.baggage().get("user_id"), None);
/// ```
#[track_caller]
pub fn set_baggage(key: &str, value: &str) -> crate::ContextGuard {
    crate::Context::current().with_baggage(key, value).attach()
}

/// The value of baggage entry `key` in the current context.
pub fn baggage(key: &str) -> Option<String> {
    crate::Context::current()
        .baggage()
        .get(key)
        .map(str::to_owned)
}

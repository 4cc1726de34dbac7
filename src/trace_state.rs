//! The W3C `tracestate` list: vendor entries in order, shared cheaply.

use std::fmt;
use std::sync::Arc;

use crate::propagation::tracestate::{check_key, check_value, TraceStateError, MAX_MEMBERS};

/// Vendor-specific trace data as an ordered list of `key=value` members.
///
/// Cloning is one reference-count increment (or nothing for an empty list),
/// because every child span inherits its parent's tracestate.
/// The wire grammar and limits live in [`crate::propagation::tracestate`].
///
/// # Example
/// ```
/// use baton::TraceState;
/// let ts = TraceState::default();
/// assert!(ts.is_empty());
/// assert_eq!(ts.get("congo"), None);
/// ```
// The members are kept as their canonical wire text, `key=value` joined by
// `,`: one allocation per list, and injecting it is a copy. Valid keys never
// hold `=` or `,` and valid values never hold `,`, so the text splits back
// into the members unambiguously.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TraceState(Option<Arc<str>>);

impl TraceState {
    /// The empty tracestate.
    pub const EMPTY: TraceState = TraceState(None);

    /// Wraps canonical text (valid members joined by `,`, no spaces, no
    /// empty members, at most [`MAX_MEMBERS`]) that the caller has checked.
    pub(crate) fn from_canonical(text: Arc<str>) -> TraceState {
        if text.is_empty() {
            TraceState(None)
        } else {
            TraceState(Some(text))
        }
    }

    /// The canonical text: the members joined by `,`.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// A copy with `key` set to `value` as the left-most member, as the W3C
    /// spec asks of a vendor updating its entry ("Mutating the tracestate
    /// Field"): an existing member with that key is removed, the order of the
    /// others is kept, and when that makes more than
    /// [`MAX_MEMBERS`](crate::propagation::tracestate::MAX_MEMBERS) the
    /// right-most member is dropped (and reported as a
    /// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind)).
    ///
    /// The key and value are checked against the W3C grammar; error offsets
    /// are into `key` or `value`.
    ///
    /// # Example
    /// ```
    /// use baton::TraceState;
    /// use baton::propagation::tracestate::TraceStateError;
    /// let ts = TraceState::default().insert("rojo", "1").unwrap().insert("congo", "2").unwrap();
    /// let ts = ts.insert("rojo", "3").unwrap();
    /// assert_eq!(ts.iter().collect::<Vec<_>>(), [("rojo", "3"), ("congo", "2")]);
    /// assert_eq!(ts.insert("Rojo", "1"), Err(TraceStateError::InvalidKey { offset: 0 }));
    /// assert_eq!(ts.insert("rojo", "a,b"), Err(TraceStateError::InvalidValue { offset: 1 }));
    /// ```
    pub fn insert(&self, key: &str, value: &str) -> Result<TraceState, TraceStateError> {
        check_key(key)?;
        check_value(value)?;
        let mut text = String::with_capacity(key.len() + 1 + value.len() + 1 + self.as_str().len());
        text.push_str(key);
        text.push('=');
        text.push_str(value);
        let mut others = self.iter().filter(|(k, _)| *k != key);
        for (k, v) in others.by_ref().take(MAX_MEMBERS - 1) {
            text.push(',');
            text.push_str(k);
            text.push('=');
            text.push_str(v);
        }
        if let Some((dropped, _)) = others.next() {
            crate::diagnostic::report(
                crate::DiagnosticKind::LimitExceeded,
                &format_args!(
                    "tracestate holds {MAX_MEMBERS} members; dropped the right-most, {dropped:?}"
                ),
                None,
            );
        }
        Ok(TraceState::from_canonical(text.into()))
    }

    /// The members in order, left-most (most recently updated) first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        Members {
            rest: self.as_str(),
            remaining: self.len(),
        }
    }

    /// The value for `key`, if present.
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

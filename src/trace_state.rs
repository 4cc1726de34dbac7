//! The W3C `tracestate` list: vendor entries in order, shared cheaply.

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceState(Option<Arc<[(String, String)]>>);

impl TraceState {
    /// The empty tracestate.
    pub const EMPTY: TraceState = TraceState(None);

    /// Wraps members that the caller has already validated.
    pub(crate) fn from_validated(members: Vec<(String, String)>) -> TraceState {
        if members.is_empty() {
            TraceState(None)
        } else {
            TraceState(Some(members.into()))
        }
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
        let mut members = Vec::with_capacity((self.len() + 1).min(MAX_MEMBERS));
        members.push((key.to_owned(), value.to_owned()));
        let mut others = self.members().iter().filter(|(k, _)| k != key);
        members.extend(others.by_ref().take(MAX_MEMBERS - 1).cloned());
        if let Some((dropped, _)) = others.next() {
            crate::diagnostic::report(
                crate::DiagnosticKind::LimitExceeded,
                &format_args!(
                    "tracestate holds {MAX_MEMBERS} members; dropped the right-most, {dropped:?}"
                ),
                None,
            );
        }
        Ok(TraceState::from_validated(members))
    }

    /// The members in order, left-most (most recently updated) first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.members().iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value for `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.members().len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn members(&self) -> &[(String, String)] {
        self.0.as_deref().unwrap_or(&[])
    }
}

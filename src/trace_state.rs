//! The W3C `tracestate` list: vendor entries in order, shared cheaply.

use std::sync::Arc;

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

//! Setting and reading baggage in the current scope.

use crate::context::Context;
use crate::stack::{with_current, ContextGuard};

/// Sets a baggage entry for the current scope: everything started after it
/// until the guard drops (children, wrapped closures, futures, injected
/// headers) sees it. Snapshots taken before are unchanged.
///
/// An invalid key, or a new key when the baggage already holds
/// [`Baggage::MAX_MEMBERS`](crate::Baggage::MAX_MEMBERS) entries, is
/// reported as a diagnostic and sets nothing; see
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
pub fn set_baggage(key: &str, value: &str) -> ContextGuard {
    Context::current().with_baggage(key, value).attach()
}

/// The value of baggage entry `key` in the current context.
pub fn baggage(key: &str) -> Option<String> {
    with_current(|cx| cx.baggage().get(key).map(str::to_owned))
}

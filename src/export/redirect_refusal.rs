//! Why a 307 or 308 redirection was not followed, carried by
//! [`ExportError::RedirectRefused`].
//!
//! [`ExportError::RedirectRefused`]: crate::export::ExportError::RedirectRefused

use std::fmt;

/// Why the OTLP exporter did not follow a 307 or 308 redirection, which it
/// otherwise follows with the same `POST`.
///
/// # Example: telling a redirection loop from a `Location` baton cannot use
/// ```
/// use baton::export::{ExportError, RedirectRefusal};
/// fn advice(error: &ExportError) -> &'static str {
///     match error {
///         ExportError::RedirectRefused { reason: RedirectRefusal::TooMany, .. } => "a loop?",
///         ExportError::RedirectRefused { reason: RedirectRefusal::Location(_), .. } => "https?",
///         _ => "",
///     }
/// }
/// assert_eq!(advice(&ExportError::Panicked), "");
/// assert_eq!(
///     RedirectRefusal::Location("expected an http:// URL").to_string(),
///     "expected an http:// URL"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectRefusal {
    /// The answer gave no `Location`: there is nowhere to go.
    NoLocation,
    /// The request had been redirected
    /// [`MAX_REDIRECTS`](crate::export::MAX_REDIRECTS) times already: a
    /// loop, or a chain longer than a client follows.
    TooMany,
    /// The `Location` is not a URL the exporter sends to: why, in the
    /// endpoint grammar's words (`https`, since baton has no TLS; another
    /// scheme; user information; an invalid host or port; spaces or control
    /// characters).
    Location(&'static str),
}

impl fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectRefusal::NoLocation => f.write_str("there is nowhere to go"),
            RedirectRefusal::TooMany => f.write_str(
                "the request was redirected MAX_REDIRECTS times already; set the endpoint to \
                 where the collector is",
            ),
            RedirectRefusal::Location(why) => f.write_str(why),
        }
    }
}

//! Why a host name was not looked up, carried by
//! [`ExportError::LookupRefused`].
//!
//! [`ExportError::LookupRefused`]: crate::export::ExportError::LookupRefused

use std::fmt;
use std::io;

/// Why the OTLP exporter did not look up a collector's host name: too many
/// lookups that took no timeout are still pending, so the name service may
/// not be answering (see
/// [`MAX_PENDING_LOOKUPS_PER_HOST`](crate::export::MAX_PENDING_LOOKUPS_PER_HOST)
/// and [`MAX_PENDING_LOOKUPS`](crate::export::MAX_PENDING_LOOKUPS)). The
/// export fails at once, without waiting for its deadline, and is not
/// retried; the next export tries again.
///
/// # Example: telling one hung name from a name service that hangs for all
/// ```
/// use baton::export::{ExportError, LookupRefusal};
/// fn advice(error: &ExportError) -> &'static str {
///     match error {
///         ExportError::LookupRefused { reason: LookupRefusal::NamePending, .. } => "that name",
///         ExportError::LookupRefused { reason: LookupRefusal::ProcessPending, .. } => "every name",
///         _ => "",
///     }
/// }
/// assert_eq!(advice(&ExportError::Panicked), "");
/// assert!(LookupRefusal::NamePending.to_string().contains("MAX_PENDING_LOOKUPS_PER_HOST"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LookupRefusal {
    /// [`MAX_PENDING_LOOKUPS_PER_HOST`](crate::export::MAX_PENDING_LOOKUPS_PER_HOST)
    /// lookups of this name (in any case) are pending already: the name
    /// service is not answering for it. Lookups of other names still go
    /// ahead.
    NamePending,
    /// [`MAX_PENDING_LOOKUPS`](crate::export::MAX_PENDING_LOOKUPS) lookups
    /// of any names are pending already in the process: the name service
    /// is not answering at all.
    ProcessPending,
}

impl fmt::Display for LookupRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupRefusal::NamePending => f.write_str(
                "MAX_PENDING_LOOKUPS_PER_HOST lookups of this name are still pending, so the \
                 name service may not be answering for it",
            ),
            LookupRefusal::ProcessPending => f.write_str(
                "MAX_PENDING_LOOKUPS host name lookups are still pending in the process, so \
                 the name service may not be answering",
            ),
        }
    }
}

/// Carried inside the `io::Error` of a refused connect, so that the HTTP
/// client can tell it from a failure of the network and type it.
impl std::error::Error for LookupRefusal {}

impl LookupRefusal {
    /// The refusal `error` carries, if it is one.
    pub(crate) fn carried_by(error: &io::Error) -> Option<LookupRefusal> {
        error.get_ref()?.downcast_ref::<LookupRefusal>().copied()
    }
}

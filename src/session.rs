//! Sessions: an id that groups many traces.

use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use crate::baggage::Baggage;
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::stack::{self, ContextGuard};

/// An id grouping many traces (a user's conversation, a job run).
///
/// It travels as the baggage entry `session.id`, so it crosses threads,
/// futures and processes like any baggage, and every span started inside it
/// gets the attribute `session.id`. An id is never empty: an empty
/// `session.id` entry (say, from a received `baggage` header) is no
/// session, as a session id must be a non-empty string for the backends
/// that group by it (Arize, Mirascope).
///
/// # Example
/// ```
/// let _s = baton::session("user-session-123");
/// assert_eq!(baton::current_session().unwrap().id(), "user-session-123");
/// assert_eq!(baton::baggage("session.id").as_deref(), Some("user-session-123"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Session {
    id: Arc<str>,
}

impl Session {
    /// The baggage key (and span attribute) that carries the session id.
    pub const BAGGAGE_KEY: &'static str = "session.id";

    pub(crate) fn new(id: &str) -> Session {
        Session { id: id.into() }
    }

    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The session id `baggage` carries, if it carries a non-empty one.
    pub(crate) fn id_in(baggage: &Baggage) -> Option<&str> {
        baggage
            .get(Session::BAGGAGE_KEY)
            .filter(|id| !id.is_empty())
    }
}

impl Context {
    /// The session, carried as the baggage entry `session.id`.
    pub fn session(&self) -> Option<Session> {
        Session::id_in(self.baggage()).map(Session::new)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Session({:?})", self.id)
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// Starts a session for the current scope; see [`Session`].
///
/// An empty `id` is reported as a
/// [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind) and leaves the
/// session as it was, like an invalid key given to
/// [`set_baggage`](crate::set_baggage).
///
/// The session is the application's own, so it is set even when the
/// baggage already holds [`Baggage::MAX_MEMBERS`] members (a client can
/// send that many): its last member is left out of the scope to make room,
/// and reported as a
/// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind) naming it.
///
/// ```
/// let _outer = baton::session("chat-42");
/// let _g = baton::session(""); // reported; the session is unchanged
/// assert_eq!(baton::current_session().unwrap().id(), "chat-42");
/// ```
#[track_caller]
pub fn session(id: &str) -> ContextGuard {
    let current = Context::current();
    if id.is_empty() {
        report(
            DiagnosticKind::InvalidArgument,
            &"session id is empty; the session is unchanged",
            Some(Location::caller()),
        );
        return current.attach();
    }
    let baggage = current.baggage();
    let full = baggage.len() >= Baggage::MAX_MEMBERS && baggage.get(Session::BAGGAGE_KEY).is_none();
    let last = full.then(|| baggage.iter().last()).flatten();
    let room = match last {
        Some((last, _, _)) => {
            report(
                DiagnosticKind::LimitExceeded,
                &format_args!(
                    "baggage member {last:?} left out of the session's scope to make room \
                     for session.id: the baggage held the {} members W3C allows",
                    Baggage::MAX_MEMBERS
                ),
                Some(Location::caller()),
            );
            current.with_baggage_replaced(baggage.without(last))
        }
        _ => current,
    };
    room.with_baggage(Session::BAGGAGE_KEY, id).attach()
}

/// The session of the current context.
pub fn current_session() -> Option<Session> {
    stack::with_current(|c| Session::id_in(c.baggage()).map(Session::new))
}

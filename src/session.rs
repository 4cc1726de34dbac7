//! Sessions: an id that groups many traces.

use std::fmt;
use std::sync::Arc;

use crate::context::Context;
use crate::stack::{self, ContextGuard};

/// An id grouping many traces (a user's conversation, a job run).
///
/// It travels as the baggage entry `session.id`, so it crosses threads,
/// futures and processes like any baggage, and every span started inside it
/// gets the attribute `session.id`.
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
}

impl Context {
    /// The session, carried as the baggage entry `session.id`.
    pub fn session(&self) -> Option<Session> {
        self.baggage().get(Session::BAGGAGE_KEY).map(Session::new)
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
#[track_caller]
pub fn session(id: &str) -> ContextGuard {
    Context::current()
        .with_baggage(Session::BAGGAGE_KEY, id)
        .attach()
}

/// The session of the current context.
pub fn current_session() -> Option<Session> {
    stack::with_current(|c| c.baggage().get(Session::BAGGAGE_KEY).map(Session::new))
}

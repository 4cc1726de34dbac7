//! Sessions: an id that groups many traces.

use std::fmt;
use std::panic::Location;
use std::sync::Arc;

use crate::baggage::Baggage;
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::stack::{self, ContextGuard};
use crate::wire::baggage::entry_size;

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
    pub const BAGGAGE_KEY: &'static str = crate::baggage::SESSION_KEY;

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
        self.baggage().session_id().map(Session::new)
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
/// baggage is full: a client can send [`Baggage::MAX_MEMBERS`] members, or
/// [`Baggage::MAX_BYTES`] bytes of them. The members the `baggage` header
/// would send in the session's place (the last it writes) are left out of
/// the scope, so that the next service gets the session, and reported as a
/// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind) naming the
/// first of them. A member the header skips anyway (one too long to fit)
/// stays, while the baggage has a member to spare for it. A session id too
/// long for the byte limit even alone makes room only for the member
/// limit: it is current here, and left out of the `baggage` header.
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
    let room = match room_for(current.baggage(), id) {
        Some(baggage) => current.with_baggage_replaced(baggage),
        None => current,
    };
    room.with_baggage(Session::BAGGAGE_KEY, id).attach()
}

/// `baggage` without the members that keep `session.id` = `id` from
/// fitting the W3C limits, counted as the `baggage` header counts them
/// ([`entry_size`]); `None` when it fits already.
#[track_caller]
fn room_for(baggage: &Baggage, id: &str) -> Option<Baggage> {
    let session = entry_size(Session::BAGGAGE_KEY, id, "");
    // A session too long for the byte limit even alone is left out of the
    // header whatever is left out here: only the member limit makes room.
    let counted = session <= Baggage::MAX_BYTES;
    // The others as the header writes them (`wire::baggage::format`): in
    // order, each that fits beside those written before it, the others
    // skipped. A member written only in the session's place is left out;
    // one the header skips anyway stays, since it costs the session
    // nothing, but the baggage itself holds at most `MAX_MEMBERS`.
    let (mut kept, mut written, mut bytes) = (0, 0, 0);
    let mut left_out: Vec<&str> = Vec::new();
    for (k, v, p) in baggage
        .iter()
        .filter(|(k, _, _)| *k != Session::BAGGAGE_KEY)
    {
        let with = bytes + usize::from(written > 0) + entry_size(k, v, p);
        let leave_out = if kept + 1 >= Baggage::MAX_MEMBERS {
            true
        } else if !counted || with + 1 + session <= Baggage::MAX_BYTES {
            written += 1;
            bytes = with;
            false
        } else {
            with <= Baggage::MAX_BYTES
        };
        if leave_out {
            left_out.push(k);
        } else {
            kept += 1;
        }
    }
    let first = *left_out.first()?;
    report(
        DiagnosticKind::LimitExceeded,
        &format_args!(
            "{} baggage member(s), the first {first:?}, left out of the session's scope to make \
             room for session.id: W3C allows {} members and {} bytes",
            left_out.len(),
            Baggage::MAX_MEMBERS,
            Baggage::MAX_BYTES,
        ),
        Some(Location::caller()),
    );
    Some(left_out.iter().fold(baggage.clone(), |b, k| b.without(k)))
}

/// The session of the current context.
pub fn current_session() -> Option<Session> {
    stack::with_current(|c| c.baggage().session_id().map(Session::new))
}

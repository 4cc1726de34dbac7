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
/// baggage is full: a client can send [`Baggage::MAX_MEMBERS`] members, or
/// [`Baggage::MAX_BYTES`] bytes of them. Its last members are left out of
/// the scope until `session.id` fits both limits, so that the next service
/// gets the session, and reported as a
/// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind) naming the
/// first of them. A session id too long for the byte limit even alone
/// makes room only for the member limit: it is current here, and left out
/// of the `baggage` header.
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

/// `baggage` without the last members that keep `session.id` = `id` from
/// fitting the W3C limits, counted as the `baggage` header counts them
/// ([`entry_size`]); `None` when it fits already.
#[track_caller]
fn room_for(baggage: &Baggage, id: &str) -> Option<Baggage> {
    let session = entry_size(Session::BAGGAGE_KEY, id, "");
    // A session too long for the byte limit even alone is left out of the
    // header whatever is left out here: only the member limit makes room.
    let counted = session <= Baggage::MAX_BYTES;
    // Whether `members` other entries of `bytes` (with their commas) leave
    // room for the session's.
    let fits = |members: usize, bytes: usize| {
        members < Baggage::MAX_MEMBERS
            && (!counted || bytes + usize::from(members > 0) + session <= Baggage::MAX_BYTES)
    };
    let others = || {
        baggage
            .iter()
            .filter(|(k, _, _)| *k != Session::BAGGAGE_KEY)
    };
    let (mut members, mut bytes, mut kept) = (0, 0, 0);
    for (k, v, p) in others() {
        members += 1;
        bytes += entry_size(k, v, p) + usize::from(members > 1);
        if fits(members, bytes) {
            kept = members;
        }
    }
    if kept == members {
        return None;
    }
    let left_out: Vec<&str> = others().skip(kept).map(|(k, _, _)| k).collect();
    report(
        DiagnosticKind::LimitExceeded,
        &format_args!(
            "{} baggage member(s) from {:?} on left out of the session's scope to make room \
             for session.id: W3C allows {} members and {} bytes",
            left_out.len(),
            left_out[0],
            Baggage::MAX_MEMBERS,
            Baggage::MAX_BYTES,
        ),
        Some(Location::caller()),
    );
    Some(left_out.iter().fold(baggage.clone(), |b, k| b.without(k)))
}

/// The session of the current context.
pub fn current_session() -> Option<Session> {
    stack::with_current(|c| Session::id_in(c.baggage()).map(Session::new))
}

//! `SessionHeader`: the session id in a header of its own, so it crosses a
//! hop whatever the trace format. Named `session` in `OTEL_PROPAGATORS`.
//!
//! Inside the process a session is the baggage entry `session.id`
//! ([`Session::BAGGAGE_KEY`]), so only the `baggage` and `jaeger`
//! (`uberctx-session.id`) formats carry it otherwise. This propagator writes
//! the id alone in one header — `baton-session-id` by default, or any name,
//! such as Mirascope's `Mirascope-Session-Id` — and reads it back into the
//! same baggage entry.

use core::fmt;

use super::b3::B3;
use super::baggage_merge::add_baggage;
use super::env::env_name;
use super::field_name::{intern, Names};
use super::jaeger::{Jaeger, CLIENT_ONLY_HEADERS};
use super::trace_context::TraceContext;
use super::w3c_baggage::W3cBaggage;
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::baggage::unpadded;
use crate::baggage::{is_tchar, Builder};
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::session::Session;
use crate::wire::uberctx::BAGGAGE_PREFIX;
use crate::wire::{Field, Reason, WireError};

/// The header [`SessionHeader::default`] uses. Prefixed, so it cannot be
/// mistaken for an application's own `session-id` header (often a login
/// session that must not end up in every span).
pub const DEFAULT_SESSION_HEADER: &str = "baton-session-id";

/// The environment variable naming the header for the `session` entry of
/// `OTEL_PROPAGATORS`, e.g. `BATON_SESSION_HEADER=Mirascope-Session-Id`.
/// Unset or empty means [`DEFAULT_SESSION_HEADER`].
pub const BATON_SESSION_HEADER: &str = "BATON_SESSION_HEADER";

/// The longest session id the header carries, in bytes. Longer ids are not
/// injected and not extracted (either way reported as a
/// [`DiagnosticKind::LimitExceeded`]).
pub const MAX_SESSION_ID_LEN: usize = 256;

/// The longest session header name [`SessionHeader::new`] takes, in bytes:
/// far past any header name in use.
pub const MAX_SESSION_HEADER_LEN: usize = 256;

/// How many distinct session header names a process may name. Each is kept
/// for the process's life (a propagator hands out its fields as `'static`
/// names), so a program building names at run time cannot grow that list
/// without bound; a name named before is always taken again.
pub const MAX_SESSION_HEADERS: usize = 64;

/// Why a session header name or id cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionError {
    /// The header name is empty.
    EmptyHeaderName,
    /// The header name is `len` bytes, over [`MAX_SESSION_HEADER_LEN`].
    HeaderNameTooLong {
        /// The name's length in bytes.
        len: usize,
    },
    /// The process has named [`MAX_SESSION_HEADERS`] other session header
    /// names already.
    TooManyHeaderNames,
    /// The header name's byte at `offset` is not an RFC 9110 `tchar`.
    InvalidHeaderName {
        /// The offset of the offending byte.
        offset: usize,
    },
    /// The header name is a field another propagator reads or writes
    /// (`traceparent`, `b3`, `x-b3-*`, `uberctx-*`, ...): one of the two
    /// would overwrite the other's header.
    HeaderNameTaken {
        /// The field, lowercase; [`BAGGAGE_PREFIX`] for a `uberctx-*` name
        /// or one whose variable is `UBERCTX_*`.
        field: &'static str,
    },
    /// The header name is, as the environment carrier names it for a
    /// child process, a configuration variable (`OTEL_*`, or `BATON_*`
    /// but the default session header's own) or a dynamic loader's
    /// (`LD_*`, `DYLD_*`): the session id would change that process's
    /// configuration (`otel-sdk-disabled`), the header it reads the session
    /// from (`baton-session-header`), or the libraries it loads before its
    /// `main` (`ld-preload`).
    ConfiguresAChild {
        /// The variables' prefix: `OTEL_`, `BATON_`, `LD_` or `DYLD_`.
        prefix: &'static str,
    },
    /// The session id is empty.
    EmptyId,
    /// The session id is `len` bytes, over [`MAX_SESSION_ID_LEN`].
    IdTooLong {
        /// The id's length in bytes.
        len: usize,
    },
    /// The session id's byte at `offset` is not visible ASCII (`%x21-7E`).
    InvalidId {
        /// The offset of the offending byte.
        offset: usize,
    },
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SessionError::EmptyHeaderName => f.write_str("session header name is empty"),
            SessionError::HeaderNameTooLong { len } => write!(
                f,
                "session header name is {len} bytes, over the limit of {MAX_SESSION_HEADER_LEN}"
            ),
            SessionError::TooManyHeaderNames => write!(
                f,
                "the process has named {MAX_SESSION_HEADERS} session header names already, \
                 the most it keeps"
            ),
            SessionError::InvalidHeaderName { offset } => write!(
                f,
                "session header name byte {offset} is not a token character"
            ),
            SessionError::HeaderNameTaken { field } => write!(
                f,
                "session header name is {field}, a field another propagator reads or writes"
            ),
            SessionError::ConfiguresAChild { prefix } => write!(
                f,
                "session header name is a {prefix}* variable in a child process's environment, \
                 which configures that process"
            ),
            SessionError::EmptyId => f.write_str("session id is empty"),
            SessionError::IdTooLong { len } => write!(
                f,
                "session id is {len} bytes, over the limit of {MAX_SESSION_ID_LEN}"
            ),
            SessionError::InvalidId { offset } => {
                write!(f, "session id byte {offset} is not visible ASCII")
            }
        }
    }
}

impl std::error::Error for SessionError {}

/// Checks a session id for the header: 1 to [`MAX_SESSION_ID_LEN`] bytes of
/// visible ASCII (`VCHAR`, `%x21-7E`: no spaces, no control characters), so
/// any HTTP stack and any environment passes it unchanged.
///
/// ```
/// use baton::propagation::{check_session_id, SessionError};
/// assert_eq!(check_session_id("0b6f6c1e-chat-42"), Ok(()));
/// assert_eq!(check_session_id("a b"), Err(SessionError::InvalidId { offset: 1 }));
/// assert_eq!(check_session_id(&"x".repeat(257)), Err(SessionError::IdTooLong { len: 257 }));
/// ```
pub fn check_session_id(id: &str) -> Result<(), SessionError> {
    if id.is_empty() {
        return Err(SessionError::EmptyId);
    }
    if id.len() > MAX_SESSION_ID_LEN {
        return Err(SessionError::IdTooLong { len: id.len() });
    }
    match id.bytes().position(|b| !b.is_ascii_graphic()) {
        Some(offset) => Err(SessionError::InvalidId { offset }),
        None => Ok(()),
    }
}

/// The session id in its own header, so it crosses a hop whatever the
/// trace format; `session` in `OTEL_PROPAGATORS`.
///
/// Inside the process a session is the baggage entry `session.id`
/// ([`Session::BAGGAGE_KEY`](crate::Session::BAGGAGE_KEY)); without this
/// propagator only the `baggage` and `jaeger` formats carry it.
///
/// - **Inject** writes the session of the context (the baggage entry
///   `session.id`), if any, under the header name in lowercase. An id that
///   fails [`check_session_id`] is not written, and reported.
/// - **Extract** reads the header (any case; in an
///   [`EnvCarrier`](super::EnvCarrier) the variable
///   [`env_name`](super::env_name) gives, `BATON_SESSION_ID` by default) and
///   sets the session. A value failing [`check_session_id`], or the header
///   repeated, is ignored and reported as one diagnostic.
///
/// # Example: talk sessions with Mirascope
/// ```
/// use std::collections::HashMap;
/// use baton::propagation::{Propagator, SessionHeader};
///
/// let mirascope = SessionHeader::new("Mirascope-Session-Id").unwrap();
/// // What a Mirascope service sends us:
/// let incoming = HashMap::from([("Mirascope-Session-Id".to_string(), "chat-42".to_string())]);
/// let cx = mirascope.extract(&baton::Context::default(), &incoming);
/// assert_eq!(cx.session().unwrap().id(), "chat-42");
///
/// let mut outgoing = HashMap::new();
/// mirascope.inject(&cx, &mut outgoing);
/// assert_eq!(outgoing["mirascope-session-id"], "chat-42");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionHeader {
    field: [&'static str; 1],
}

impl SessionHeader {
    /// The session in header `name` (an RFC 9110 token, matched without
    /// regard to case, written in lowercase). A field another propagator
    /// reads or writes is refused: `traceparent`, `tracestate`, `baggage`,
    /// `b3`, the five `x-b3-*` fields, `uber-trace-id`, `uberctx-*`,
    /// `jaeger-baggage`, and the `jaeger-debug-id` header Jaeger's clients read, and
    /// any name the environment carrier gives the same variable
    /// (`x_b3_sampled` is `X_B3_SAMPLED`, as `x-b3-sampled` is). So is a
    /// name that variable would configure a child process with (`OTEL_*`,
    /// `BATON_*` but [`DEFAULT_SESSION_HEADER`]'s own).
    ///
    /// ```
    /// use baton::propagation::{SessionError, SessionHeader};
    /// assert_eq!(SessionHeader::new("X-Session").unwrap().header(), "x-session");
    /// assert_eq!(SessionHeader::new("bad name").err(), Some(SessionError::InvalidHeaderName { offset: 3 }));
    /// assert_eq!(
    ///     SessionHeader::new("X-B3-TraceId").err(),
    ///     Some(SessionError::HeaderNameTaken { field: "x-b3-traceid" }),
    /// );
    /// // No propagator reads this one: only the five B3 fields are taken.
    /// assert_eq!(SessionHeader::new("X-B3-Session").unwrap().header(), "x-b3-session");
    /// // In a child's environment it would be OTEL_SDK_DISABLED.
    /// assert_eq!(
    ///     SessionHeader::new("otel-sdk-disabled").err(),
    ///     Some(SessionError::ConfiguresAChild { prefix: "OTEL_" }),
    /// );
    /// ```
    pub fn new(name: &str) -> Result<SessionHeader, SessionError> {
        if name.is_empty() {
            return Err(SessionError::EmptyHeaderName);
        }
        if name.len() > MAX_SESSION_HEADER_LEN {
            return Err(SessionError::HeaderNameTooLong { len: name.len() });
        }
        if let Some(offset) = name.bytes().position(|b| !is_tchar(b)) {
            return Err(SessionError::InvalidHeaderName { offset });
        }
        if let Some(field) = taken_by(name) {
            return Err(SessionError::HeaderNameTaken { field });
        }
        let variable = env_name(name);
        if let Some(prefix) = CONFIGURATION_PREFIXES
            .into_iter()
            .find(|prefix| variable.starts_with(prefix))
            .filter(|_| variable != env_name(DEFAULT_SESSION_HEADER))
        {
            return Err(SessionError::ConfiguresAChild { prefix });
        }
        if name.eq_ignore_ascii_case(DEFAULT_SESSION_HEADER) {
            return Ok(SessionHeader::default());
        }
        static NAMED: Names = Names::new();
        let field = NAMED
            .intern(&name.to_ascii_lowercase(), MAX_SESSION_HEADERS)
            .ok_or(SessionError::TooManyHeaderNames)?;
        Ok(SessionHeader { field: [field] })
    }

    /// The header named by [`BATON_SESSION_HEADER`] as `lookup` returns it
    /// (tests pass a closure instead of touching the environment); unset or
    /// blank means [`DEFAULT_SESSION_HEADER`].
    ///
    /// ```
    /// use baton::propagation::SessionHeader;
    /// let named = SessionHeader::from_lookup(|_| Some(" X-Mirascope-Session-Id ".into())).unwrap();
    /// assert_eq!(named.header(), "x-mirascope-session-id");
    /// assert_eq!(SessionHeader::from_lookup(|_| None).unwrap(), SessionHeader::default());
    /// ```
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<SessionHeader, SessionError> {
        match lookup(BATON_SESSION_HEADER) {
            Some(name) if !name.trim().is_empty() => SessionHeader::new(name.trim()),
            _ => Ok(SessionHeader::default()),
        }
    }

    /// The header named by the process's [`BATON_SESSION_HEADER`]: what the
    /// `session` entry of `OTEL_PROPAGATORS` uses, however the rest of the
    /// list was read (to choose the header without the environment, build
    /// the composite with [`SessionHeader::from_lookup`] or
    /// [`SessionHeader::new`]). An invalid name (or one that is not
    /// Unicode) is configuration, reported as a
    /// [`DiagnosticKind::InvalidConfig`] as an invalid `OTEL_*` value is,
    /// and the default is used, so a typo never stops propagation.
    pub fn from_env() -> SessionHeader {
        SessionHeader::from_process_env().unwrap_or_else(|e| {
            report_invalid_header(e);
            SessionHeader::default()
        })
    }

    /// The header named by the process's [`BATON_SESSION_HEADER`], or why
    /// it cannot be used; reports nothing.
    pub(crate) fn from_process_env() -> Result<SessionHeader, SessionError> {
        let lookup = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        SessionHeader::from_lookup(lookup)
    }

    /// The header name, lowercase.
    pub fn header(&self) -> &'static str {
        self.field[0]
    }
}

/// The header [`DEFAULT_SESSION_HEADER`].
impl Default for SessionHeader {
    fn default() -> SessionHeader {
        SessionHeader {
            field: [DEFAULT_SESSION_HEADER],
        }
    }
}

/// The prefixes of the environment variables that configure a process:
/// the OpenTelemetry SDK's, baton's own, and the dynamic loaders' (glibc,
/// musl and the BSDs read `LD_PRELOAD`, `LD_LIBRARY_PATH`, ...; macOS
/// `DYLD_INSERT_LIBRARIES`, ...) before the process's `main` runs.
const CONFIGURATION_PREFIXES: [&str; 4] = ["OTEL_", "BATON_", "LD_", "DYLD_"];

/// The field of another propagator that `name` is, in any case or as the
/// environment carrier names it for a child process ([`env_name`]: `-`
/// and `_` are one there): a field one of the other formats reads (and so
/// writes), a `uberctx-*` name, or a header only Jaeger's clients read.
fn taken_by(name: &str) -> Option<&'static str> {
    let variable = env_name(name);
    // Not only `uberctx-*` names: Jaeger's inject clears those from an
    // environment carrier as every `UBERCTX_*` variable, so a session
    // written to one (`uberctx_session`) would be removed there.
    if variable.starts_with(&env_name(BAGGAGE_PREFIX)) {
        return Some(BAGGAGE_PREFIX);
    }
    let formats: [&dyn Propagator; 4] = [&TraceContext, &W3cBaggage, &B3::single(), &Jaeger];
    // `extract_fields` lends its names for the propagator's life; `intern`
    // gives the one found the `'static` life the error needs.
    let is_name = |field: &str| field.eq_ignore_ascii_case(name) || env_name(field) == variable;
    formats
        .iter()
        .flat_map(|p| p.extract_fields())
        .find(|field| is_name(field))
        .map(|field| intern(field))
        .or_else(|| CLIENT_ONLY_HEADERS.into_iter().find(|field| is_name(field)))
}

/// The diagnostic kind for a session id that failed [`check_session_id`].
fn kind_of(e: SessionError) -> DiagnosticKind {
    match e {
        SessionError::IdTooLong { .. } => DiagnosticKind::LimitExceeded,
        _ => DiagnosticKind::InvalidHeader,
    }
}

/// Reports that the process's [`BATON_SESSION_HEADER`] names a header
/// that cannot be used (`e`), so the default is.
pub(crate) fn report_invalid_header(e: SessionError) {
    report(
        DiagnosticKind::InvalidConfig,
        &format_args!("{BATON_SESSION_HEADER}: {e}; using {DEFAULT_SESSION_HEADER}"),
        None,
    );
}

impl Propagator for SessionHeader {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        // An empty `session.id` entry (a received `baggage: session.id=`)
        // is no session: nothing to write, and nothing wrong to report.
        let Some(id) = cx.baggage().session_id() else {
            carrier.remove_field(self.header());
            return;
        };
        match check_session_id(id) {
            Ok(()) => carrier.set(self.header(), id.to_owned()),
            Err(e) => {
                carrier.remove_field(self.header());
                report(
                    kind_of(e),
                    &format_args!("session not injected into {}: {e}", self.header()),
                    None,
                );
            }
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        reported(self.extract_with_problems(cx, carrier))
    }

    /// A header that cannot be used is one [`Problem::Partial`] for the
    /// header: its values counted as `invalid` (repeated, or failing
    /// [`check_session_id`]) or as `dropped` at a limit (over
    /// [`MAX_SESSION_ID_LEN`], or no room left in the baggage: the sum
    /// with the baggage `cx` has keeps
    /// [`Baggage::MAX_MEMBERS`](crate::Baggage::MAX_MEMBERS) and
    /// [`Baggage::MAX_BYTES`](crate::Baggage::MAX_BYTES), as every
    /// extract onto baggage does).
    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        let mut value: Option<String> = None;
        let mut values = 0;
        carrier.get_all(self.header(), &mut |v| {
            values += 1;
            value.get_or_insert_with(|| unpadded(v).to_owned());
        });
        let Some(id) = value else {
            return (cx.clone(), Problems::default());
        };
        let skipped = |invalid, dropped, offset, reason| {
            let mut problems = Problems::default();
            problems.push(Problem::Partial {
                field: self.header(),
                invalid,
                dropped,
                first: Some(WireError::new(Field::SessionId, offset, reason)),
            });
            (cx.clone(), problems)
        };
        if values > 1 {
            return skipped(values, 0, 0, Reason::Repeated);
        }
        if let Err(e) = check_session_id(&id) {
            let limit = kind_of(e) == DiagnosticKind::LimitExceeded;
            let (offset, reason) = match e {
                SessionError::IdTooLong { .. } => (
                    MAX_SESSION_ID_LEN,
                    Reason::TooLong {
                        max: MAX_SESSION_ID_LEN,
                    },
                ),
                SessionError::InvalidId { offset } => (offset, Reason::InvalidByte),
                // `EmptyId`; the header name's errors come only from
                // `SessionHeader::new`.
                _ => (0, Reason::Empty),
            };
            return skipped(usize::from(!limit), usize::from(limit), offset, reason);
        }
        let mut entry = Builder::default();
        entry.push(Session::BAGGAGE_KEY, &id, "");
        // Within both W3C limits for the sum, as every extract onto
        // baggage keeps them.
        let added = add_baggage(cx.baggage(), &entry.build(), &mut Vec::new());
        match added.first {
            None => (cx.with_baggage_replaced(added.baggage), Problems::default()),
            Some(e) => skipped(0, 1, 0, e.reason()),
        }
    }

    fn fields(&self) -> &[&str] {
        &self.field
    }
}

//! The process-wide propagator behind `inject_context` and `extract_context`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::session::{report_invalid_header, SessionError, SessionHeader};
use super::{Composite, Extractor, Injector, Propagator, PropagatorsError, OTEL_PROPAGATORS};
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::stack::ContextGuard;

static GLOBAL: OnceLock<Composite> = OnceLock::new();

/// The propagator a configuration read from its lookup's `OTEL_PROPAGATORS`,
/// left by [`init`](crate::init) for the global propagator's first read,
/// which takes it instead of reading the process environment.
static CONFIGURED: Mutex<Configured> = Mutex::new(Configured {
    propagator: None,
    read: false,
});

struct Configured {
    /// The propagator, and the `OTEL_PROPAGATORS` value it was built from.
    propagator: Option<(Composite, String)>,
    /// The global propagator's first read has begun: a propagator left now
    /// would never be taken.
    read: bool,
}

fn configured() -> std::sync::MutexGuard<'static, Configured> {
    CONFIGURED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Leaves `propagator`, built from `OTEL_PROPAGATORS=list` as a
/// configuration's lookup gave it, for the global propagator, unless that
/// was fixed already (by [`set_global_propagator`] or a first
/// [`inject_context`] or [`extract_context`]); then, if what runs differs,
/// says so as a [`DiagnosticKind::InvalidConfig`]: the setting has no
/// effect.
pub(crate) fn configure_global_propagator(propagator: Composite, list: &str) {
    {
        let mut configured = configured();
        if !configured.read && GLOBAL.get().is_none() {
            configured.propagator = Some((propagator, list.to_owned()));
            return;
        }
    }
    // Unlocked: a first read in progress elsewhere holds the lock until it
    // is done, and this waits for it.
    report_without_effect(
        &propagator,
        list,
        "the global propagator was fixed before init (by set_global_propagator, or a \
         first inject or extract)",
    );
}

/// Says that the propagator `OTEL_PROPAGATORS=list` names does not run,
/// because of `why`, if it differs from the global propagator.
fn report_without_effect(propagator: &Composite, list: &str, why: &str) {
    let runs = global_propagator().fields();
    if runs != propagator.fields() {
        report(
            DiagnosticKind::InvalidConfig,
            &format_args!("{OTEL_PROPAGATORS}={list:?} has no effect: {why} and writes {runs:?}"),
            None,
        );
    }
}

/// Whether the problems of the process's `OTEL_PROPAGATORS` (with the
/// `BATON_SESSION_HEADER` its `session` entry reads) were reported, by the
/// first read of the global propagator or by
/// [`Config::from_env`](crate::Config::from_env), which checks the same
/// values: whichever comes first reports them, so each is reported once.
static ENV_PROBLEMS_REPORTED: AtomicBool = AtomicBool::new(false);

/// True the first time only: the caller reports the problems of the
/// process's `OTEL_PROPAGATORS`.
pub(crate) fn first_report_of_env_propagators() -> bool {
    !ENV_PROBLEMS_REPORTED.swap(true, Ordering::Relaxed)
}

/// The global propagator was already chosen.
#[derive(Debug)]
pub struct AlreadySet(());

impl fmt::Display for AlreadySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the global propagator is already set")
    }
}

impl std::error::Error for AlreadySet {}

/// Installs the process-wide propagator, once, before the first call to
/// [`inject_context`], [`extract_context`] or [`global_propagator`] (the
/// first of those fixes it from `OTEL_PROPAGATORS`). Set in code, it wins
/// over the `OTEL_PROPAGATORS` of a configuration given to
/// [`init`](crate::init), earlier or later; if that list names other
/// formats, a [`DiagnosticKind::InvalidConfig`] says it has no effect.
///
/// # Example: speak B3 to the world
/// ```
/// use baton::propagation::{set_global_propagator, Composite, Propagator};
/// set_global_propagator(Composite::from_list("b3multi").unwrap()).unwrap();
/// assert!(set_global_propagator(Composite::from_list("b3").unwrap()).is_err());
/// assert_eq!(baton::propagation::global_propagator().fields()[0], "x-b3-traceid");
/// ```
pub fn set_global_propagator(propagator: Composite) -> Result<(), AlreadySet> {
    GLOBAL.set(propagator).map_err(|_| AlreadySet(()))?;
    // A configuration's list that `init` left for the first read, which
    // now never takes it: said as `init` says it in the other order.
    let left = configured().propagator.take();
    if let Some((configured, list)) = left {
        report_without_effect(&configured, &list, "set_global_propagator replaced it");
    }
    Ok(())
}

/// The process-wide propagator: the one installed with
/// [`set_global_propagator`], or else the one `OTEL_PROPAGATORS` names in
/// the configuration [`init`](crate::init) was given (read by
/// [`Config::from_lookup`](crate::Config::from_lookup) or
/// [`Config::from_env`](crate::Config::from_env)), or else the one the
/// process's `OTEL_PROPAGATORS` names (default `tracecontext,baggage`),
/// read once, as
/// [`Config::from_lookup`](crate::Config::from_lookup) reads it: an
/// unknown name is left out of the list and the known ones run; `none`
/// with other names (or a value that is not Unicode) is ignored as if
/// unset, so the default runs. Each problem is reported as a
/// [`DiagnosticKind::InvalidConfig`], unless
/// [`Config::from_env`](crate::Config::from_env) reported it already.
pub fn global_propagator() -> &'static Composite {
    // Reported once the propagator is set: a diagnostic handler may inject
    // or extract, which would wait for it.
    let mut deferred = Vec::new();
    let global = GLOBAL.get_or_init(|| {
        let left = {
            let mut configured = configured();
            configured.read = true;
            configured.propagator.take()
        };
        if let Some((propagator, _)) = left {
            return propagator;
        }
        let mut ignored = Vec::new();
        let list = std::env::var(OTEL_PROPAGATORS).unwrap_or_else(|e| {
            if let std::env::VarError::NotUnicode(_) = e {
                ignored.push(PropagatorsError::NotUnicode {
                    variable: OTEL_PROPAGATORS,
                });
            }
            String::new()
        });
        let (usable, problems) = usable_propagators(&list);
        ignored.extend(problems);
        let mut bad_session = None;
        let session = || {
            Ok(SessionHeader::from_process_env().unwrap_or_else(|e| {
                bad_session = Some(e);
                SessionHeader::default()
            }))
        };
        // `usable` names known propagators only, `none` alone or nothing,
        // and the session header cannot fail.
        let propagator = Composite::with_session(&usable, session).unwrap_or_default();
        // The session header is read for the list's `session` entry, as
        // `Config::from_env` reads it: one of the list's problems.
        if (!ignored.is_empty() || bad_session.is_some()) && first_report_of_env_propagators() {
            deferred.extend(ignored.into_iter().map(Deferred::Propagators));
            deferred.extend(bad_session.map(Deferred::SessionHeader));
        }
        propagator
    });
    for report in deferred {
        match report {
            Deferred::Propagators(problem) => report_ignored(&problem),
            Deferred::SessionHeader(e) => report_invalid_header(e),
        }
    }
    global
}

/// A problem the global propagator's first read found, reported after it.
enum Deferred {
    Propagators(PropagatorsError),
    SessionHeader(SessionError),
}

fn report_ignored(problem: &PropagatorsError) {
    let what = match problem {
        PropagatorsError::UnknownPropagator { .. } => "left out of the list",
        _ => "the setting is ignored, as if unset",
    };
    report(
        DiagnosticKind::InvalidConfig,
        &format_args!("{problem}; {what}"),
        None,
    );
}

impl Composite {
    /// The list a baton process given `list` as its `OTEL_PROPAGATORS` runs,
    /// as [`global_propagator`] and
    /// [`Config::from_lookup`](crate::Config::from_lookup) read it: an
    /// unknown name is left out and the known ones run; a list naming no
    /// known propagator, or `none` with others, is ignored as if unset (the
    /// default runs). Returns the list to pass to [`Composite::from_list`]
    /// (which accepts it) and the problems, each of which such a process
    /// reports as a [`DiagnosticKind::InvalidConfig`]. Reports nothing
    /// itself: for tools that show how a process would run.
    ///
    /// # Example: `b3,xray` runs `b3`
    /// ```
    /// use baton::propagation::{Composite, PropagatorsError, Propagator};
    /// let (runs, ignored) = Composite::usable_list("b3,xray");
    /// assert_eq!(runs, "b3");
    /// assert_eq!(ignored, [PropagatorsError::UnknownPropagator { name: "xray".into() }]);
    /// assert_eq!(Composite::from_list(&runs).unwrap().fields(), ["b3"]);
    ///
    /// let (runs, ignored) = Composite::usable_list("none,b3");
    /// assert_eq!((runs.as_str(), ignored), ("", vec![PropagatorsError::NoneWithOthers]));
    /// ```
    pub fn usable_list(list: &str) -> (String, Vec<PropagatorsError>) {
        usable_propagators(list)
    }
}

/// What to build from an `OTEL_PROPAGATORS` value, read as the
/// OpenTelemetry environment spec asks of an enum ("generate a warning and
/// gracefully ignore the setting") and as its Go and JavaScript SDKs read a
/// list: an unknown name is left out and the known ones run (so `b3,xray`
/// still speaks B3); a list naming no known propagator is unset (the
/// default); `none` with others, which cannot be read one way or the other,
/// makes the whole setting ignored (the default). Returns the list to pass
/// to [`Composite::from_list`] and the problems, each ignored, for the
/// caller to report or keep. Builds no propagator, so it reads no other
/// variable.
pub(crate) fn usable_propagators(list: &str) -> (String, Vec<PropagatorsError>) {
    let mut ignored = Vec::new();
    // A name never holds a comma, so each item is read alone by the one
    // grammar, `Composite::names_in`.
    let known = list
        .split(',')
        .filter(|item| match Composite::names_in(item) {
            Err(e @ PropagatorsError::UnknownPropagator { .. }) => {
                ignored.push(e);
                false
            }
            _ => true,
        })
        .collect::<Vec<_>>()
        .join(",");
    match Composite::names_in(&known) {
        // `none` with unknown names is `none` with others all the same:
        // left alone once they were left out, it turned propagation off.
        // The whole setting is ignored, which says all.
        Ok(names) if names == ["none"] && !ignored.is_empty() => {
            (String::new(), vec![PropagatorsError::NoneWithOthers])
        }
        Ok(_) => (known, ignored),
        Err(e) => {
            ignored.push(e);
            // Unset.
            (String::new(), ignored)
        }
    }
}

/// Writes the current context into `carrier` with the global propagator.
///
/// # Example: outgoing request headers
/// ```
/// let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
/// let _span = baton::span("call").enter();
/// let _s = baton::session("s-42");
/// let mut headers = std::collections::HashMap::new();
/// baton::inject_context(&mut headers);
/// let trace_id = baton::current_trace_id().unwrap().to_string();
/// assert!(headers["traceparent"].contains(&trace_id));
/// assert_eq!(headers["baggage"], "session.id=s-42");
/// ```
pub fn inject_context(carrier: &mut dyn Injector) {
    global_propagator().inject(&Context::current(), carrier);
}

/// The current context plus what `carrier` holds, read with the global
/// propagator.
///
/// Never fails: an invalid header is skipped and the rest is kept, each
/// problem reported once as a diagnostic (see [`Problems`](super::Problems)).
/// What the current context already has (baggage, session, and the span
/// when the carrier has none) is the base.
///
/// # Example: incoming request headers
/// ```
/// use std::collections::HashMap;
/// let headers = HashMap::from([
///     ("Traceparent".to_string(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string()),
///     ("baggage".to_string(), "session.id=s-42".to_string()),
/// ]);
/// let cx = baton::extract_context(&headers);
/// assert_eq!(cx.span_context().unwrap().trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(cx.session().unwrap().id(), "s-42");
///
/// let bad = HashMap::from([("traceparent".to_string(), "garbage".to_string())]);
/// assert!(baton::extract_context(&bad).span_context().is_none());
/// ```
pub fn extract_context(carrier: &dyn Extractor) -> Context {
    global_propagator().extract(&Context::current(), carrier)
}

/// Extracts the context from `carrier` (see [`extract_context`]) and makes
/// it current until the guard drops.
///
/// # Example: a server handler
/// ```
/// # let _pipeline = baton::init(baton::Config::new()).unwrap();
/// use std::collections::HashMap;
/// let headers = HashMap::from([(
///     "traceparent".to_string(),
///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
/// )]);
/// let _cx = baton::propagated_context(&headers);
/// let span = baton::span("handle").start();
/// assert_eq!(span.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(span.parent_span_id().unwrap().to_string(), "00f067aa0ba902b7");
/// ```
#[track_caller]
pub fn propagated_context(carrier: &dyn Extractor) -> ContextGuard {
    extract_context(carrier).attach()
}

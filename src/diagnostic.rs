//! One channel for misuse and discarded input.
//!
//! baton never panics on bad input or misuse; it reports it here instead. Each
//! report is a [`Diagnostic`] handed to the handler installed with
//! [`set_diagnostic_handler`], and counted per [`DiagnosticKind`] so tests and
//! health checks can read [`diagnostic_count`]. Without a handler, the first
//! report of each kind is written to stderr, then at most one line per kind
//! every [`STDERR_INTERVAL_SECS`] seconds; every `invalid-config` report is
//! written, one per setting a configuration read ignored.

use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use crate::line_escape::breaks_a_line;
use crate::panic_hook::catch_callback;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A context or span guard was dropped while a newer one on the same
    /// thread was live, or after its frame had left the stack (held across
    /// `.await`, or left live by a wrapped job); or a job wrapped by
    /// [`copy_context_to_thread`](crate::copy_context_to_thread) or
    /// [`copy_context_to_fn`](crate::copy_context_to_fn) returned with
    /// guards still live, which were taken off and their spans ended.
    GuardDroppedOutOfOrder,
    /// A future polled in a context returned with a guard it made still
    /// live (a guard held across `.await`); its frames were set aside until
    /// the future's next poll, so no other future saw them.
    GuardHeldAcrossAwait,
    /// Attaching would exceed [`crate::MAX_CONTEXT_DEPTH`]; the attach did
    /// nothing. Also frames a future set aside that found no room on the
    /// stack at its next poll: they stay aside for that poll.
    ContextDepthExceeded,
    /// A header or environment carrier value (`TRACEPARENT`, `BAGGAGE`, ...)
    /// was invalid and was ignored.
    InvalidHeader,
    /// Input went past a documented limit and was truncated or dropped.
    LimitExceeded,
    /// Two propagation formats (or B3's two encodings, `b3` and `X-B3-*`)
    /// carried different trace ids, different parent span ids or sampling
    /// decisions for one trace, or different values for one baggage key
    /// (by two formats, or by one `baggage` header giving the key again);
    /// or a field one format reads once (`uber-trace-id`, `x-b3-sampled`,
    /// ...) came again with another value. The first was kept (the last,
    /// for a baggage key given again in one header).
    ConflictingContext,
    /// A finished span was dropped before an exporter took it: a full
    /// queue, a pipeline or processor already shut down, or a span a
    /// simple processor could not take (ended inside its own export); or
    /// the console exporter lost spans it held for their root.
    SpanDropped,
    /// An exporter or processor failed, panicked or timed out; or a
    /// batch processor could not start its thread, or a pipeline dropped
    /// without [`shutdown`](crate::PipelineGuard::shutdown) failed to shut
    /// down.
    ExportFailed,
    /// A value passed to the API was invalid and was ignored, or replaced
    /// with the nearest valid one (a ratio, size or timeout out of range
    /// clamped, an end time before the start taken as the start); or, for
    /// a tracer's empty name, kept as given, as the OpenTelemetry API asks
    /// (see [`tracer`](crate::tracer)).
    InvalidArgument,
    /// A receiver took every span but warned (an OTLP partial success that
    /// rejected nothing), or answered success with a body it could not decode.
    ExportWarning,
    /// A context was attached, a span entered, or a wrapped job or future
    /// run, in a thread-local's destructor after this thread's context
    /// stack was destroyed: the code ran outside that context, and spans it
    /// started were roots of new traces.
    ThreadExiting,
    /// A span was changed (an attribute, event, link, status, error, name
    /// or end) after it had ended, and the change was discarded, as the
    /// OpenTelemetry API says. Not reported for a span that never recorded
    /// (not sampled, or no pipeline): discarding is what that span is for.
    SpanAlreadyEnded,
    /// A sampler was used where the OpenTelemetry spec warns that its
    /// decisions may change and may not match other SDKs': a
    /// [`TraceIdRatio`](crate::sampling::TraceIdRatio) deciding for a span
    /// with a parent, as a child sampler, instead of as the root sampler
    /// of a [`ParentBased`](crate::sampling::ParentBased). Reported once
    /// per process.
    SamplerCompatibility,
    /// A configuration setting (an `OTEL_*` environment variable, or one
    /// entry of a list such as `OTEL_PROPAGATORS`) was invalid and was
    /// ignored, as the OpenTelemetry environment spec says: the setting
    /// behaves as if unset and its default applies. Reported by
    /// [`Config::from_lookup`](crate::Config::from_lookup) (which keeps each
    /// in [`Config::ignored`](crate::Config::ignored)), by the global
    /// propagator when it reads `OTEL_PROPAGATORS`, and by
    /// [`SessionHeader::from_env`](crate::propagation::SessionHeader::from_env)
    /// for `BATON_SESSION_HEADER`. Without a handler, each is written to
    /// stderr (not one per [`STDERR_INTERVAL_SECS`]).
    InvalidConfig,
    /// The application's sampler or id generator panicked while its thread
    /// unwound another panic (a span started in a drop on the way), where
    /// a second panic escaping the drop would abort the process. The panic
    /// was caught: the span records nothing, as if the sampler had dropped
    /// it, or gets an id of baton's own for the generator's. Outside
    /// unwinding, such a panic reaches the code that started the span.
    CallbackPanicked,
}

impl DiagnosticKind {
    /// Every kind, in declaration order.
    pub const ALL: [DiagnosticKind; 15] = [
        DiagnosticKind::GuardDroppedOutOfOrder,
        DiagnosticKind::GuardHeldAcrossAwait,
        DiagnosticKind::ContextDepthExceeded,
        DiagnosticKind::InvalidHeader,
        DiagnosticKind::LimitExceeded,
        DiagnosticKind::ConflictingContext,
        DiagnosticKind::SpanDropped,
        DiagnosticKind::ExportFailed,
        DiagnosticKind::InvalidArgument,
        DiagnosticKind::ExportWarning,
        DiagnosticKind::ThreadExiting,
        DiagnosticKind::SpanAlreadyEnded,
        DiagnosticKind::SamplerCompatibility,
        DiagnosticKind::InvalidConfig,
        DiagnosticKind::CallbackPanicked,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// A short stable name, as printed on stderr.
    pub const fn as_str(self) -> &'static str {
        match self {
            DiagnosticKind::GuardDroppedOutOfOrder => "guard-dropped-out-of-order",
            DiagnosticKind::GuardHeldAcrossAwait => "guard-held-across-await",
            DiagnosticKind::ContextDepthExceeded => "context-depth-exceeded",
            DiagnosticKind::InvalidHeader => "invalid-header",
            DiagnosticKind::LimitExceeded => "limit-exceeded",
            DiagnosticKind::ConflictingContext => "conflicting-context",
            DiagnosticKind::SpanDropped => "span-dropped",
            DiagnosticKind::ExportFailed => "export-failed",
            DiagnosticKind::InvalidArgument => "invalid-argument",
            DiagnosticKind::ExportWarning => "export-warning",
            DiagnosticKind::ThreadExiting => "thread-exiting",
            DiagnosticKind::SpanAlreadyEnded => "span-already-ended",
            DiagnosticKind::SamplerCompatibility => "sampler-compatibility",
            DiagnosticKind::InvalidConfig => "invalid-config",
            DiagnosticKind::CallbackPanicked => "callback-panicked",
        }
    }
}

/// One report.
#[derive(Clone, Copy)]
pub struct Diagnostic<'a> {
    /// What went wrong.
    pub kind: DiagnosticKind,
    /// A human-readable explanation.
    pub message: &'a dyn fmt::Display,
    /// Where the offending guard or call was created, when known.
    pub location: Option<&'static Location<'static>>,
}

impl fmt::Debug for Diagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("kind", &self.kind)
            .field("message", &self.message.to_string())
            .field("location", &self.location)
            .finish()
    }
}

impl fmt::Display for Diagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baton: {}: {}", self.kind.as_str(), self.message)?;
        if let Some(loc) = self.location {
            write!(f, " (at {loc})")?;
        }
        Ok(())
    }
}

/// A diagnostic handler: called on the thread that hit the problem. It may
/// call any baton API (record spans, flush), and it may panic: the panic is
/// caught. A diagnostic raised while the handler runs on the same thread is
/// counted but not handed to it again, so a handler that records spans
/// cannot recurse (say, after shutdown, where its span is dropped and that
/// drop is itself a diagnostic). It must not block for long.
///
/// One exception: a diagnostic raised inside the pipeline (by a processor
/// or exporter, or on the export thread: a failed export, a span dropped
/// at a full queue) reaches the handler while that thread runs pipeline
/// code. Spans started there are not recorded, as no span of the pipeline's
/// own work ever is, and a flush there returns `ExportError::Reentrant`
/// rather than wait on itself. Count or log such diagnostics; record spans
/// about them from application code.
pub type DiagnosticHandler = Box<dyn Fn(&Diagnostic<'_>) + Send + Sync>;

/// The handler was already installed.
#[derive(Debug)]
pub struct HandlerAlreadySet(());

impl fmt::Display for HandlerAlreadySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a diagnostic handler is already installed")
    }
}

impl std::error::Error for HandlerAlreadySet {}

/// Without a handler, one stderr line per kind at most this often.
pub const STDERR_INTERVAL_SECS: u64 = 10;

static HANDLER: OnceLock<DiagnosticHandler> = OnceLock::new();
static COUNTS: [AtomicU64; DiagnosticKind::ALL.len()] =
    [const { AtomicU64::new(0) }; DiagnosticKind::ALL.len()];
static LAST_PRINTED: [AtomicU64; DiagnosticKind::ALL.len()] =
    [const { AtomicU64::new(0) }; DiagnosticKind::ALL.len()];

/// Installs the process-wide handler, once.
///
/// # Example: count invalid headers
/// ```
/// use std::collections::HashMap;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use baton::DiagnosticKind;
/// static SEEN: AtomicUsize = AtomicUsize::new(0);
/// baton::set_diagnostic_handler(Box::new(|d| {
///     if d.kind == DiagnosticKind::InvalidHeader {
///         SEEN.fetch_add(1, Ordering::Relaxed);
///     }
/// }))
/// .unwrap();
/// assert!(baton::set_diagnostic_handler(Box::new(|_| {})).is_err());
///
/// let received = HashMap::from([("traceparent".to_string(), "00-garbled".to_string())]);
/// assert!(baton::extract_context(&received).span_context().is_none());
/// assert_eq!(SEEN.load(Ordering::Relaxed), 1);
/// assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidHeader), 1);
/// ```
pub fn set_diagnostic_handler(handler: DiagnosticHandler) -> Result<(), HandlerAlreadySet> {
    HANDLER.set(handler).map_err(|_| HandlerAlreadySet(()))
}

/// How many diagnostics of `kind` this process has reported.
pub fn diagnostic_count(kind: DiagnosticKind) -> u64 {
    COUNTS[kind.index()].load(Ordering::Relaxed)
}

thread_local! {
    /// Set while this thread runs the handler.
    static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as running the handler until dropped, also when the
/// handler panics.
struct HandlerRunning;

impl HandlerRunning {
    /// `None` when this thread already runs the handler (or is being torn
    /// down, where the answer cannot be known: the handler is skipped).
    fn enter() -> Option<HandlerRunning> {
        let was = IN_HANDLER.try_with(|h| h.replace(true)).unwrap_or(true);
        (!was).then_some(HandlerRunning)
    }
}

impl Drop for HandlerRunning {
    fn drop(&mut self) {
        let _ = IN_HANDLER.try_with(|h| h.set(false));
    }
}

/// Reports a problem: counts it, then hands it to the handler or to stderr.
pub(crate) fn report(
    kind: DiagnosticKind,
    message: &dyn fmt::Display,
    location: Option<&'static Location<'static>>,
) {
    COUNTS[kind.index()].fetch_add(1, Ordering::Relaxed);
    let diagnostic = Diagnostic {
        kind,
        message,
        location,
    };
    match HANDLER.get() {
        Some(handler) => {
            // Re-entered from inside the handler: counted above, not handed on.
            let Some(_running) = HandlerRunning::enter() else {
                return;
            };
            // A panicking handler must not unwind into baton (which may be
            // dropping a guard): it loses this one report.
            let _ = catch_callback(|| handler(&diagnostic));
        }
        None => {
            let now = crate::clock::now_unix_nanos() / 1_000_000_000;
            let last = &LAST_PRINTED[kind.index()];
            let prev = last.load(Ordering::Relaxed);
            let due = (prev == 0 || now >= prev + STDERR_INTERVAL_SECS)
                && last
                    .compare_exchange(prev, now.max(1), Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok();
            // A configuration read reports each setting it ignores once:
            // all are printed, or a second typo would hide behind the first.
            if due || kind == DiagnosticKind::InvalidConfig {
                // Never `eprintln!`: it panics when stderr is closed. One
                // write, so reports from two threads do not interleave.
                let _ = std::io::stderr().write_all(stderr_line(&diagnostic).as_bytes());
            }
        }
    }
}

/// `diagnostic` as one stderr line: a line break (or another character
/// that breaks a line or disguises it) in its message, which may be an
/// exporter's own error text, is escaped, or the text after it would read
/// as a report of its own.
fn stderr_line(diagnostic: &Diagnostic<'_>) -> String {
    let mut line = String::new();
    for c in diagnostic.to_string().chars() {
        if breaks_a_line(c) {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line.push('\n');
    line
}

//! The global pipeline: sampler, processor and limits; installed, shut down,
//! and installed again.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::config::Config;
use crate::export::deadline::deadline_after;
use crate::export::exporter::ExportError;
use crate::export::processor::SpanProcessor;
use crate::sampling::{AlwaysOn, ParentBased, Sampler};
use crate::span::Span;
use crate::span_data::SpanData;
use crate::span_limits::SpanLimits;

/// How long dropping a [`PipelineGuard`] waits for the final flush.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) struct Pipeline {
    sampler: Box<dyn Sampler>,
    processor: Box<dyn SpanProcessor>,
    pub(crate) limits: SpanLimits,
    shut_down: AtomicBool,
}

/// The first pipeline installed: while it is the one in force (the usual
/// case), reading it is one atomic load.
static FIRST: OnceLock<Pipeline> = OnceLock::new();
/// Set once a pipeline replaced the first: from then on [`LATER`] says which
/// is in force.
static REPLACED: AtomicBool = AtomicBool::new(false);
/// The pipeline in force after a replacement, and the lock that serialises
/// [`init`]. Each replacement is leaked (a few hundred bytes: the sampler
/// and the processor handle; shutdown releases the exporter, threads and
/// buffers), so that the span path can hold it as `&'static` without a
/// reference count.
static LATER: RwLock<Option<&'static Pipeline>> = RwLock::new(None);
/// Bumped by each replacement, so a thread re-reads [`LATER`] only when it
/// changed.
static GENERATION: AtomicU64 = AtomicU64::new(0);
static DEFAULT_SAMPLER: ParentBased<AlwaysOn> = ParentBased::new(AlwaysOn);
/// Spans lost because the pipeline could not take them.
static DROPPED: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SUPPRESSED: Cell<bool> = const { Cell::new(false) };
    /// The pipeline this thread last read, with the generation it read.
    static SEEN: Cell<(u64, Option<&'static Pipeline>)> = const { Cell::new((0, None)) };
}

/// The installed pipeline, if any (also one that is shut down, until it is
/// replaced: its spans are counted as dropped).
///
/// Two atomic loads while the first pipeline is in force; after a
/// replacement, an atomic load and a thread-local read, and the lock only
/// when the pipeline changed.
#[inline]
pub(crate) fn installed() -> Option<&'static Pipeline> {
    if !REPLACED.load(Ordering::Acquire) {
        return FIRST.get();
    }
    replacement()
}

#[inline(never)]
fn replacement() -> Option<&'static Pipeline> {
    let generation = GENERATION.load(Ordering::Acquire);
    SEEN.try_with(|seen| match seen.get() {
        (g, p) if g == generation => p,
        _ => {
            let p = read_later();
            seen.set((generation, p));
            p
        }
    })
    .unwrap_or_else(|_| read_later())
}

#[cold]
fn read_later() -> Option<&'static Pipeline> {
    *LATER.read().unwrap_or_else(PoisonError::into_inner)
}

/// The sampler in force: the pipeline's, or parent-based always-on, so that
/// a process without a pipeline still propagates sensible flags.
pub(crate) fn sampler(installed: Option<&'static Pipeline>) -> &'static dyn Sampler {
    match installed {
        Some(p) => &*p.sampler,
        None => &DEFAULT_SAMPLER,
    }
}

/// Whether this thread is running pipeline code (a processor or exporter);
/// spans started there are not recorded.
pub fn suppressed() -> bool {
    SUPPRESSED.try_with(Cell::get).unwrap_or(true)
}

/// Runs `f` as pipeline code: spans it starts are not recorded, and waiting
/// calls into the pipeline return [`ExportError::Reentrant`].
pub(crate) fn while_suppressed<R>(f: impl FnOnce() -> R) -> R {
    let _suppressed = Suppressed::enter();
    f()
}

/// Marks this thread as running pipeline code until dropped; a guard rather
/// than a closure, so a span record is not moved into one on its way out.
struct Suppressed(bool);

impl Suppressed {
    fn enter() -> Suppressed {
        Suppressed(SUPPRESSED.try_with(|s| s.replace(true)).unwrap_or(true))
    }
}

impl Drop for Suppressed {
    fn drop(&mut self) {
        let _ = SUPPRESSED.try_with(|s| s.set(self.0));
    }
}

/// Counts spans the pipeline lost, without a report (the caller reports
/// once, or in total, itself).
pub(crate) fn count_dropped(count: u64) {
    DROPPED.fetch_add(count, Ordering::Relaxed);
}

/// Counts spans the pipeline lost and reports them.
pub(crate) fn report_dropped(count: u64, why: &dyn fmt::Display) {
    count_dropped(count);
    report(
        DiagnosticKind::SpanDropped,
        &format_args!("{count} span(s) dropped: {why}"),
        None,
    );
}

/// How many finished spans this process lost (full queue, failed export,
/// ended after shutdown).
pub fn dropped_spans() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

impl Pipeline {
    pub(crate) fn on_start(&self, span: &Span) {
        while_suppressed(|| self.processor.on_start(span));
    }
}

/// Hands a finished span to the installed processor.
///
/// Inlined so that the record goes from the span's drop to the processor
/// without another copy on the way.
#[inline]
pub(crate) fn on_end(data: SpanData) {
    let Some(p) = installed() else { return };
    if p.shut_down.load(Ordering::Acquire) {
        drop_after_shutdown(data);
        return;
    }
    let _suppressed = Suppressed::enter();
    p.processor.on_end(data);
}

#[cold]
fn drop_after_shutdown(data: SpanData) {
    drop(data);
    report_dropped(1, &"the pipeline is shut down");
}

/// Why [`init`] did not install the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitError {
    /// A pipeline was already installed in this process.
    AlreadyInstalled,
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::AlreadyInstalled => f.write_str("a baton pipeline is already installed"),
        }
    }
}

impl std::error::Error for InitError {}

/// Whether `p` is a pipeline not shut down.
fn live(p: Option<&Pipeline>) -> bool {
    p.is_some_and(|p| !p.shut_down.load(Ordering::Acquire))
}

/// Installs the global pipeline.
///
/// Returns a guard that flushes and shuts the pipeline down when dropped
/// (waiting at most [`SHUTDOWN_TIMEOUT`](crate::export::SHUTDOWN_TIMEOUT)).
/// While a pipeline is installed and not shut down, `init` is an error;
/// once it is shut down (by [`PipelineGuard::shutdown`] or by dropping its
/// guard), `init` installs a new one, and every span that ends from then on
/// goes to the new pipeline. Until then, spans ending after the shutdown are
/// counted in [`dropped_spans`].
///
/// Each pipeline installed keeps a few hundred bytes (the sampler and the
/// processor handle) for the rest of the process, so that starting a span
/// reads the pipeline without a reference count; the exporter, threads and
/// buffers are released at shutdown.
///
/// # Example: install, shut down, install again
/// ```
/// use std::time::Duration;
/// let first = baton::InMemoryExporter::default();
/// let guard = baton::init(baton::Config::new().exporter(first.clone())).unwrap();
/// assert!(baton::init(baton::Config::new()).is_err(), "one live pipeline at a time");
/// baton::in_span("one", || {});
/// guard.shutdown(Duration::from_secs(5)).unwrap();
///
/// let second = baton::InMemoryExporter::default();
/// let _guard = baton::init(baton::Config::new().exporter(second.clone())).unwrap();
/// baton::in_span("two", || {});
/// assert_eq!(first.finished_spans()[0].name, "one");
/// assert_eq!(second.finished_spans()[0].name, "two");
/// ```
pub fn init(config: Config) -> Result<PipelineGuard, InitError> {
    if live(installed()) {
        return Err(InitError::AlreadyInstalled);
    }
    let parts = config.into_parts();
    let processor = parts.processor.unwrap_or_else(|| Box::new(NoProcessor));
    let pipeline = Pipeline {
        sampler: parts.sampler,
        processor,
        limits: parts.limits,
        shut_down: AtomicBool::new(false),
    };
    let mut later = LATER.write().unwrap_or_else(PoisonError::into_inner);
    if live(installed()) {
        // Another thread installed one meanwhile; ours is dropped, outside the lock.
        drop(later);
        drop(pipeline);
        return Err(InitError::AlreadyInstalled);
    }
    let pipeline: &'static Pipeline = match FIRST.get() {
        None => FIRST.get_or_init(|| pipeline),
        Some(_) => {
            let pipeline: &'static Pipeline = Box::leak(Box::new(pipeline));
            *later = Some(pipeline);
            GENERATION.fetch_add(1, Ordering::AcqRel);
            REPLACED.store(true, Ordering::Release);
            pipeline
        }
    };
    Ok(PipelineGuard { pipeline })
}

struct NoProcessor;

impl SpanProcessor for NoProcessor {
    fn on_end(&self, _span: SpanData) {}

    fn force_flush(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Exports everything ended so far, waiting at most `timeout`
/// (`Duration::MAX`: no deadline).
///
/// An error says what was not delivered: see [`ExportError::Undelivered`].
pub fn force_flush(timeout: Duration) -> Result<(), ExportError> {
    match installed() {
        Some(p) => p.force_flush(timeout),
        None => Ok(()),
    }
}

/// Shuts its pipeline down when dropped; see [`init`].
#[must_use = "dropping the guard shuts the pipeline down"]
pub struct PipelineGuard {
    pipeline: &'static Pipeline,
}

impl fmt::Debug for PipelineGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelineGuard")
            .field(
                "shut_down",
                &self.pipeline.shut_down.load(Ordering::Relaxed),
            )
            .finish()
    }
}

impl PipelineGuard {
    /// Flushes and shuts down now, waiting at most `timeout`
    /// (`Duration::MAX`: no deadline); a new pipeline may be installed
    /// afterwards.
    ///
    /// An error says what was not delivered: any span lost (dropped at a
    /// full queue, refused or failed by the exporter) or still held when
    /// the deadline passed makes it [`ExportError::Undelivered`], with the
    /// counts.
    pub fn shutdown(self, timeout: Duration) -> Result<(), ExportError> {
        let result = self.pipeline.shutdown(timeout);
        std::mem::forget(self);
        result
    }

    /// Exports everything ended so far, waiting at most `timeout`.
    pub fn force_flush(&self, timeout: Duration) -> Result<(), ExportError> {
        self.pipeline.force_flush(timeout)
    }
}

impl Pipeline {
    fn force_flush(&self, timeout: Duration) -> Result<(), ExportError> {
        if self.shut_down.load(Ordering::Acquire) {
            return Err(ExportError::AlreadyShutDown);
        }
        self.processor.force_flush(deadline_after(timeout))
    }

    fn shutdown(&self, timeout: Duration) -> Result<(), ExportError> {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return Err(ExportError::AlreadyShutDown);
        }
        self.processor.shutdown(deadline_after(timeout))
    }
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        if let Err(e) = self.pipeline.shutdown(SHUTDOWN_TIMEOUT) {
            report(
                DiagnosticKind::ExportFailed,
                &format_args!("shutdown: {e}"),
                None,
            );
        }
    }
}

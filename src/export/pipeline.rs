//! The global pipeline: sampler, processor and limits, installed once.

use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::{Config, ExportError, SpanProcessor};
use crate::sampling::{AlwaysOn, ParentBased, Sampler};
use crate::span_limits::SpanLimits;
use crate::{Span, SpanData};

/// How long dropping a [`PipelineGuard`] waits for the final flush.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) struct Pipeline {
    sampler: Box<dyn Sampler>,
    processor: Box<dyn SpanProcessor>,
    pub(crate) limits: SpanLimits,
    shut_down: AtomicBool,
}

static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
static DEFAULT_SAMPLER: ParentBased<AlwaysOn> = ParentBased::new(AlwaysOn);
/// Spans lost because the pipeline could not take them.
static DROPPED: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SUPPRESSED: Cell<bool> = const { Cell::new(false) };
}

/// The installed pipeline, if any.
pub(crate) fn installed() -> Option<&'static Pipeline> {
    PIPELINE.get()
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
pub(crate) fn on_end(data: SpanData) {
    let Some(p) = installed() else { return };
    if p.shut_down.load(Ordering::Acquire) {
        report_dropped(1, &"the pipeline is shut down");
        return;
    }
    let _suppressed = Suppressed::enter();
    p.processor.on_end(data);
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

/// Installs the global pipeline, once per process.
///
/// Returns a guard that flushes and shuts the pipeline down when dropped
/// (waiting at most [`SHUTDOWN_TIMEOUT`](crate::export::SHUTDOWN_TIMEOUT)); a second call is an error.
pub fn init(config: Config) -> Result<PipelineGuard, InitError> {
    if PIPELINE.get().is_some() {
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
    PIPELINE
        .set(pipeline)
        .map_err(|_| InitError::AlreadyInstalled)?;
    Ok(PipelineGuard { _private: () })
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

/// Exports everything ended so far, waiting at most `timeout`.
pub fn force_flush(timeout: Duration) -> Result<(), ExportError> {
    match installed() {
        Some(p) => p.processor.force_flush(Instant::now() + timeout),
        None => Ok(()),
    }
}

/// Shuts the pipeline down when dropped; see [`init`].
#[must_use = "dropping the guard shuts the pipeline down"]
#[derive(Debug)]
pub struct PipelineGuard {
    _private: (),
}

impl PipelineGuard {
    /// Flushes and shuts down now, waiting at most `timeout`.
    pub fn shutdown(self, timeout: Duration) -> Result<(), ExportError> {
        let result = shutdown(timeout);
        std::mem::forget(self);
        result
    }

    /// Exports everything ended so far, waiting at most `timeout`.
    pub fn force_flush(&self, timeout: Duration) -> Result<(), ExportError> {
        force_flush(timeout)
    }
}

fn shutdown(timeout: Duration) -> Result<(), ExportError> {
    let Some(p) = installed() else { return Ok(()) };
    if p.shut_down.swap(true, Ordering::AcqRel) {
        return Err(ExportError::AlreadyShutDown);
    }
    p.processor.shutdown(Instant::now() + timeout)
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        if let Err(e) = shutdown(SHUTDOWN_TIMEOUT) {
            report(
                DiagnosticKind::ExportFailed,
                &format_args!("shutdown: {e}"),
                None,
            );
        }
    }
}

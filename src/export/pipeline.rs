//! The global pipeline: sampler, processor and limits; installed, shut down,
//! and installed again.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::{EndedSpan, PlainParts};
use crate::export::batch::{on_ended_batch, on_ended_plain, BatchProcessor};
use crate::export::batch_queue::Shared;
use crate::export::config::Config;
use crate::export::deadline::deadline_after;
use crate::export::exporter::ExportError;
use crate::export::fan_out::FanOut;
use crate::export::processor::SpanProcessor;
use crate::export::stats::BatchStats;
use crate::export::tally::unreported;
use crate::propagation::global::configure_global_propagator;
use crate::recorder::{self, Recorder, Sink};
use crate::sampling::{known_decision, ParentSampling};
use crate::span::Span;
use crate::span_data::SpanData;
use crate::stack;

/// How long dropping a [`PipelineGuard`] waits for the final flush.
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// What the recorder hands spans to: the configured processor.
struct Installed {
    processor: Box<dyn SpanProcessor>,
    /// The processor's shared state, if it is a batch processor: found
    /// once, here, not by a downcast per span.
    batch: Option<Arc<Shared>>,
}

impl Installed {
    fn new(processor: Box<dyn SpanProcessor>) -> Installed {
        let batch = batch_processor(&*processor).map(|b| Arc::clone(b.shared()));
        Installed { processor, batch }
    }
}

impl Sink for Installed {
    fn on_start(&self, span: &dyn Any, parent: &Context) {
        if let Some(span) = span.downcast_ref::<Span>() {
            self.processor.on_start(span, parent);
        }
    }

    fn on_end(&self, span: EndedSpan) {
        self.processor.on_ended(span);
    }

    fn on_end_plain(&self, span: &PlainParts<'_>) -> bool {
        self.batch
            .as_ref()
            .is_some_and(|shared| on_ended_plain(shared, span))
    }

    fn on_end_batch(&self, spans: &mut Vec<EndedSpan>, exiting: bool) {
        match &self.batch {
            Some(shared) => on_ended_batch(shared, spans, exiting),
            None => spans
                .drain(..)
                .for_each(|span| self.processor.on_ended(span)),
        }
    }

    fn has_processor(&self) -> bool {
        let processor = &*self.processor;
        !(processor as &dyn Any).is::<NoProcessor>() && !FanOut::reaches_none(processor)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
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

/// Installs the global pipeline.
///
/// Returns a guard that flushes and shuts the pipeline down when dropped
/// (waiting at most [`SHUTDOWN_TIMEOUT`](crate::export::SHUTDOWN_TIMEOUT)).
/// While a pipeline is installed and not shut down, `init` is an error;
/// once it is shut down (by [`PipelineGuard::shutdown`] or by dropping its
/// guard), `init` installs a new one, and every span that ends from then on
/// goes to the new pipeline. Until then, spans ending after the shutdown are
/// counted in [`dropped_spans`](crate::export::dropped_spans).
///
/// Each pipeline installed keeps a few hundred bytes (the sampler and the
/// processor handle; about a kilobyte with a batch processor, whose
/// counters, queue and wake-up channel stay with it) for the rest of the
/// process, so that starting a span reads the pipeline without a reference
/// count; the exporter, threads and buffers are released at shutdown
/// (`tests/long_running_pipeline_reinstalls.rs`: 200 reinstalls keep 1.2
/// KiB each).
///
/// # Process exit
/// Rust runs no destructors at `std::process::exit`, nor for a guard
/// leaked or kept in a `static`: shut the pipeline down (or drop its guard)
/// before the process exits, or the spans still queued or held by the
/// exporter are lost without a count. Spans other threads end after that
/// are counted as dropped; those a thread still runs when `main` returns
/// are lost with it.
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
    if recorder::live(recorder::installed()) {
        return Err(InitError::AlreadyInstalled);
    }
    let parts = config.into_parts();
    let processor = parts.processor.unwrap_or_else(|| {
        Box::new(NoProcessor {
            disabled: parts.disabled,
        })
    });
    // Ids of the application's are made where the sampler is called: no
    // decision is then known without it.
    let known = |parent| match parts.ids {
        None => known_decision(&*parts.sampler, parent),
        Some(_) => None,
    };
    let children =
        |remote| [false, true].map(|sampled| known(Some(ParentSampling { remote, sampled })));
    let local_children = children(false);
    let observes_start = processor.observes_start();
    let recorder = Recorder {
        general_children: local_children == [None, None] || observes_start || parts.disabled,
        general_start: observes_start || parts.disabled,
        children: Recorder::children_table(local_children, children(true)),
        known_root: known(None),
        sampler: parts.sampler,
        limits: parts.limits,
        local_batch: batch_processor(&*processor).map_or(0, BatchProcessor::thread_chunk),
        sink: Box::new(Installed::new(processor)),
        shut_down: AtomicBool::new(false),
        disabled: parts.disabled,
        ids: parts.ids,
        waiting: Box::default(),
    };
    match recorder::install(recorder) {
        Ok(recorder) => {
            if let Some((propagator, list)) = parts.propagators {
                configure_global_propagator(propagator, &list);
            }
            Ok(PipelineGuard { recorder })
        }
        // Dropped outside the recorder's lock.
        Err(_) => Err(InitError::AlreadyInstalled),
    }
}

/// The processor, if it is the batch processor: the only one that takes
/// the spans a thread gathered as one batch.
fn batch_processor(processor: &dyn SpanProcessor) -> Option<&BatchProcessor> {
    (processor as &dyn Any).downcast_ref()
}

/// A pipeline's processor when it was given none.
struct NoProcessor {
    /// The SDK is disabled (`OTEL_SDK_DISABLED`): it records no span of its
    /// own, so a span ending here was recorded under the pipeline before,
    /// which is shut down, and is lost with a count as any span ending
    /// after a shutdown is. Without a processor otherwise, spans go nowhere
    /// as configured, and are not counted.
    disabled: bool,
}

impl SpanProcessor for NoProcessor {
    fn observes_start(&self) -> bool {
        false
    }

    /// Drops the span without building a [`SpanData`] that nothing reads.
    fn on_ended(&self, span: EndedSpan) {
        drop(span);
        if self.disabled {
            recorder::report_dropped(
                1,
                &"it ended under a disabled SDK, after the pipeline it was recorded under shut down",
            );
        }
    }

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
/// With the batch processor, spans that another thread ended inside a span
/// still open on that thread are not included: they reach the processor
/// with that span (see [`BatchProcessor`](crate::export::BatchProcessor)).
/// This thread's are.
///
/// An error says what was not delivered: see [`ExportError::Undelivered`].
pub fn force_flush(timeout: Duration) -> Result<(), ExportError> {
    match recorder::installed() {
        Some(r) => force_flush_of(r, timeout),
        None => Ok(()),
    }
}

/// The counters of the installed pipeline's processor (see
/// [`BatchStats`]), for a health check or a metric: its
/// [`SpanProcessor::counters`]. A [`BatchProcessor`] or
/// [`SimpleProcessor`](crate::export::SimpleProcessor) gives its own,
/// however it was installed ([`Config::processor`](crate::Config::processor),
/// [`Config::exporter`](crate::Config::exporter),
/// [`Config::batch_exporter`](crate::Config::batch_exporter) or
/// `OTEL_TRACES_EXPORTER`); a [`FanOut`](crate::export::FanOut), as
/// `OTEL_TRACES_EXPORTER=otlp,console` builds, the sum of its processors',
/// each of which counts every span. `None` with no pipeline, or when its
/// processor keeps no counters: one of the application's that does not
/// forward those of the processor it wraps, or a fan-out with such a
/// processor in it. The process-wide count of spans lost, whatever the
/// processor, is [`dropped_spans`](crate::export::dropped_spans).
///
/// # Example: the counters of a batch pipeline
/// ```
/// use std::time::Duration;
/// let spans = baton::InMemoryExporter::default();
/// let pipeline = baton::init(baton::Config::new().batch_exporter(spans.clone())).unwrap();
/// baton::in_span("work", || {});
/// pipeline.force_flush(Duration::from_secs(5)).unwrap();
/// let s = baton::export::stats().unwrap();
/// assert_eq!((s.produced, s.exported, s.dropped, s.in_flight), (1, 1, 0, 0));
/// assert_eq!(pipeline.stats(), Some(s));
/// ```
pub fn stats() -> Option<BatchStats> {
    recorder::installed().and_then(stats_of)
}

/// Shuts its pipeline down when dropped, waiting at most
/// [`SHUTDOWN_TIMEOUT`] for the spans still queued to be exported; see
/// [`init`]. [`PipelineGuard::shutdown`] does the same with a deadline of
/// your choice, and says what was not delivered. Dropped, the guard
/// reports (as [`DiagnosticKind::ExportFailed`]) what its shutdown's answer
/// would say and no diagnostic said before: the spans lost without one (see
/// [`BatchStats::reported`]) and those still in flight, so that a failed
/// export is reported once, as with `shutdown`.
///
/// # Example: dropping the guard delivers what is queued
/// ```
/// let spans = baton::InMemoryExporter::default();
/// let pipeline = baton::init(baton::Config::new().batch_exporter(spans.clone())).unwrap();
/// baton::in_span("work", || {});
/// drop(pipeline); // flushes the batch queue, then shuts down
/// assert_eq!(spans.finished_spans()[0].name, "work");
/// assert!(baton::init(baton::Config::new()).is_ok(), "a new pipeline may be installed");
/// ```
#[must_use = "dropping the guard shuts the pipeline down"]
pub struct PipelineGuard {
    recorder: &'static Recorder,
}

impl fmt::Debug for PipelineGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipelineGuard")
            .field(
                "shut_down",
                &self.recorder.shut_down.load(Ordering::Relaxed),
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
    /// counts. Otherwise, spans another thread ended inside a span still
    /// open there, which wait for it, make it [`ExportError::ParentsOpen`].
    pub fn shutdown(self, timeout: Duration) -> Result<(), ExportError> {
        let result = shutdown_of(self.recorder, timeout);
        std::mem::forget(self);
        result
    }

    /// Exports everything ended so far, waiting at most `timeout`
    /// (`Duration::MAX`: no deadline), as [`force_flush`] does for the
    /// installed pipeline.
    pub fn force_flush(&self, timeout: Duration) -> Result<(), ExportError> {
        force_flush_of(self.recorder, timeout)
    }

    /// The counters of this pipeline's processor, its
    /// [`SpanProcessor::counters`]; see [`stats`].
    pub fn stats(&self) -> Option<BatchStats> {
        stats_of(self.recorder)
    }
}

fn stats_of(r: &Recorder) -> Option<BatchStats> {
    processor(r)?.counters()
}

/// The processor a recorder installed by [`init`] hands spans to.
fn processor(r: &Recorder) -> Option<&dyn SpanProcessor> {
    r.sink
        .as_any()
        .downcast_ref::<Installed>()
        .map(|i| &*i.processor)
}

fn force_flush_of(r: &Recorder, timeout: Duration) -> Result<(), ExportError> {
    if r.shut_down.load(Ordering::Acquire) {
        return Err(ExportError::AlreadyShutDown);
    }
    stack::hand_over_ended();
    processor(r).map_or(Ok(()), |p| p.force_flush(deadline_after(timeout)))
}

fn shutdown_of(r: &Recorder, timeout: Duration) -> Result<(), ExportError> {
    // Before the pipeline closes, which would drop them.
    stack::hand_over_ended();
    // Read before it closes: a batch handed over after this was counted,
    // and one handed over after the close is dropped.
    let waiting = r.waiting.threads();
    if r.shut_down.swap(true, Ordering::AcqRel) {
        return Err(ExportError::AlreadyShutDown);
    }
    match processor(r).map_or(Ok(()), |p| p.shutdown(deadline_after(timeout))) {
        Ok(()) if waiting > 0 => Err(ExportError::ParentsOpen { threads: waiting }),
        shut => shut,
    }
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        // While the thread unwinds, a second panic escaping this drop
        // would abort the process: the processor's is caught and said.
        let shut = if std::thread::panicking() {
            crate::panic_hook::catch_callback(|| shutdown_of(self.recorder, SHUTDOWN_TIMEOUT))
                .unwrap_or_else(|_| {
                    Err(ExportError::Failed(
                        "the span processor panicked in shutdown while the thread unwound another panic; caught".into(),
                    ))
                })
        } else {
            shutdown_of(self.recorder, SHUTDOWN_TIMEOUT)
        };
        // The answer nobody receives: the losses it counts were said as
        // they happened, but for those only a flush or shutdown answers for.
        if let Some(summary) = shut.err().as_ref().and_then(unreported) {
            report(
                DiagnosticKind::ExportFailed,
                &format_args!("shutdown: {summary}"),
                None,
            );
        }
    }
}

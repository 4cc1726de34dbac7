//! The `SpanProcessor` trait and the simple, synchronous processor.

use std::any::Any;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::EndedSpan;
use crate::export::exporter::{ExportError, SpanExporter};
use crate::export::stats::BatchStats;
use crate::export::tally::{Reported, Tally};
use crate::panic_hook::catch_callback;
use crate::recorder;
use crate::span::Span;
use crate::span_context::SpanContext;
use crate::span_data::SpanData;

/// Receives spans as they start and end.
///
/// Every method may be called from any thread, also from inside a
/// single-threaded executor or a `Drop`; none may block the caller on the
/// hot path (`on_start`, `on_end`).
// `Any` (every `'static` type is) lets the pipeline tell the batch
// processor apart, which takes a thread's spans in batches.
pub trait SpanProcessor: Any + Send + Sync {
    /// A recording span started. `parent` is the context the span was
    /// started in, as the OpenTelemetry SDK specification's `OnStart`
    /// receives it: the one given with [`SpanBuilder::parent`], the
    /// current context, or for a [`root`](crate::SpanBuilder::root) span the
    /// context of the current baggage alone. Its span, if it has one, is
    /// the new span's parent (none for a root, an invalid parent or an
    /// empty context). It is made for every start a processor observes,
    /// read or not: a parent entered on this thread then shares its
    /// context, as it would for `Context::current()`.
    ///
    /// # Example: the current baggage as span attributes
    /// ```
    /// use std::time::{Duration, Instant};
    /// use baton::export::{ExportError, SimpleProcessor, SpanProcessor};
    /// use baton::{Context, InMemoryExporter, Span, SpanData};
    ///
    /// /// Copies every baggage entry of the parent context onto the span.
    /// struct BaggageToAttributes(SimpleProcessor);
    ///
    /// impl SpanProcessor for BaggageToAttributes {
    ///     fn on_start(&self, span: &Span, parent: &Context) {
    ///         for (key, value, _) in parent.baggage().iter() {
    ///             span.set_attribute(format!("baggage.{key}"), value.to_owned());
    ///         }
    ///     }
    ///     fn on_end(&self, span: SpanData) { self.0.on_end(span) }
    ///     fn force_flush(&self, d: Instant) -> Result<(), ExportError> { self.0.force_flush(d) }
    ///     fn shutdown(&self, d: Instant) -> Result<(), ExportError> { self.0.shutdown(d) }
    /// }
    ///
    /// let spans = InMemoryExporter::default();
    /// let processor = BaggageToAttributes(SimpleProcessor::new(spans.clone()));
    /// let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    /// {
    ///     let _tenant = baton::set_baggage("tenant", "acme");
    ///     baton::in_span("request", || {});
    /// }
    /// pipeline.shutdown(Duration::from_secs(1)).unwrap();
    /// let request = &spans.finished_spans()[0];
    /// assert!(request.attributes.iter().any(|kv| kv.key == "baggage.tenant"));
    /// ```
    ///
    /// [`SpanBuilder::parent`]: crate::SpanBuilder::parent
    fn on_start(&self, _span: &Span, _parent: &Context) {}

    /// Whether [`on_start`](SpanProcessor::on_start) does anything; read
    /// once, when the pipeline is installed. `false` lets an entered span
    /// skip building the [`Span`] that `on_start` would be handed (about a
    /// fifth of an entered span's cost). The default, `true`, is right for
    /// any processor that overrides `on_start`.
    fn observes_start(&self) -> bool {
        true
    }

    /// A recording span ended.
    fn on_end(&self, span: SpanData);

    /// A recording span ended, before its conversion to [`SpanData`]: what
    /// baton's span path calls. The default converts it and calls
    /// [`on_end`](SpanProcessor::on_end); a processor that hands spans to
    /// another thread overrides it to convert there (the batch processor
    /// does), or to skip the conversion for spans it does not keep.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use std::time::{Duration, Instant};
    /// use baton::export::{ExportError, SpanProcessor};
    /// use baton::{EndedSpan, SpanData};
    ///
    /// static NAMES: Mutex<Vec<String>> = Mutex::new(Vec::new());
    ///
    /// /// Keeps the names only, so it never builds a `SpanData`.
    /// struct Names;
    ///
    /// impl SpanProcessor for Names {
    ///     fn on_ended(&self, span: EndedSpan) {
    ///         NAMES.lock().unwrap().push(span.name().to_owned());
    ///     }
    ///     fn on_end(&self, span: SpanData) {
    ///         self.on_ended(span.into());
    ///     }
    ///     fn force_flush(&self, _: Instant) -> Result<(), ExportError> { Ok(()) }
    ///     fn shutdown(&self, _: Instant) -> Result<(), ExportError> { Ok(()) }
    /// }
    ///
    /// let pipeline = baton::init(baton::Config::new().processor(Names)).unwrap();
    /// baton::in_span("job", || {});
    /// pipeline.shutdown(Duration::from_secs(1)).unwrap();
    /// assert_eq!(*NAMES.lock().unwrap(), ["job"]);
    /// ```
    fn on_ended(&self, span: EndedSpan) {
        self.on_end(span.into_data());
    }

    /// Exports everything received so far, waiting at most until `deadline`
    /// (the pipeline passes the latest instant the clock can hold for
    /// `Duration::MAX`). A span lost that no flush or shutdown had reported
    /// when it began makes it [`ExportError::Undelivered`]: calls running
    /// side by side each report it.
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError>;

    /// Flushes, then stops; later spans are dropped and counted (a
    /// pipeline that [`init`](crate::init) installed drops them before
    /// they reach the processor: see [`BatchStats::dropped`]). Returns
    /// [`ExportError::Undelivered`] like `force_flush`, and also when spans
    /// are still held at the deadline.
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError>;

    /// The processor's counters, if it keeps any: what
    /// [`export::stats`](crate::export::stats) and
    /// [`PipelineGuard::stats`](crate::PipelineGuard::stats) read of the
    /// installed processor, for a health check. [`BatchProcessor`] and
    /// [`SimpleProcessor`] give their own, a [`FanOut`] the sum of its
    /// processors'. The default, `None`, is for a processor that keeps
    /// none; one of the application's that wraps one of baton's forwards
    /// the counters of the processor it wraps, or its lost spans are
    /// nowhere to be read.
    ///
    /// # Example: a wrapper forwards the counters of the processor it wraps
    /// ```
    /// use std::time::{Duration, Instant};
    /// use baton::export::{BatchStats, ExportError, SimpleProcessor, SpanProcessor};
    /// use baton::{InMemoryExporter, SpanData};
    ///
    /// /// Leaves out the load balancer's health checks.
    /// struct NoHealthChecks(SimpleProcessor);
    ///
    /// impl SpanProcessor for NoHealthChecks {
    ///     fn on_end(&self, span: SpanData) {
    ///         if span.name != "health" {
    ///             self.0.on_end(span);
    ///         }
    ///     }
    ///     fn force_flush(&self, d: Instant) -> Result<(), ExportError> { self.0.force_flush(d) }
    ///     fn shutdown(&self, d: Instant) -> Result<(), ExportError> { self.0.shutdown(d) }
    ///     fn counters(&self) -> Option<BatchStats> { self.0.counters() }
    /// }
    ///
    /// let processor = NoHealthChecks(SimpleProcessor::new(InMemoryExporter::default()));
    /// let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    /// baton::in_span("health", || {});
    /// baton::in_span("checkout", || {});
    /// let s = baton::export::stats().unwrap();
    /// assert_eq!((s.produced, s.exported, s.in_flight), (1, 1, 0));
    /// # pipeline.shutdown(Duration::from_secs(1)).unwrap();
    /// ```
    ///
    /// [`BatchProcessor`]: crate::export::BatchProcessor
    /// [`FanOut`]: crate::export::FanOut
    fn counters(&self) -> Option<BatchStats> {
        None
    }
}

/// Exports each sampled span as it ends, on the thread that ended it (one
/// a sampler recorded without sampling is not for exporters, as the
/// OpenTelemetry SDK spec says, and is not counted).
///
/// Simple and exact, but the traced code waits for the exporter: use it for
/// tests and for exporters that only append to memory.
///
/// Spans the exporter still holds ([`SpanExporter::held_spans`]) when its
/// shutdown returns, failed or panicked, are lost with it, as it is
/// dropped then: counted failed and reported as
/// [`DiagnosticKind::ExportFailed`]
/// (`tests/spans_an_exporter_still_holds_when_shut_down_are_lost_with_it.rs`).
///
/// # Shutdown that cannot wait
/// A [`shutdown`](SpanProcessor::shutdown) that cannot take the exporter
/// (called from inside it, say from a diagnostic handler it triggered,
/// which returns [`ExportError::Reentrant`]; or past its deadline while an
/// export hangs, which returns `Timeout` or [`ExportError::Undelivered`])
/// is not abandoned: the exporter is shut down as soon as the export that
/// holds it returns, on that thread. That export's spans are counted as
/// exported or failed then, later spans as dropped, and a failed exporter
/// shutdown is reported as [`DiagnosticKind::ExportFailed`].
///
/// # Example: a shutdown from inside the exporter completes when it returns
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::time::{Duration, Instant};
/// use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
/// use baton::SpanData;
///
/// static PROCESSOR: std::sync::OnceLock<SimpleProcessor> = std::sync::OnceLock::new();
/// static SHUT: AtomicBool = AtomicBool::new(false);
///
/// struct StopAfterOne;
/// impl SpanExporter for StopAfterOne {
///     fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
///         let later = Instant::now() + Duration::from_secs(1);
///         assert_eq!(PROCESSOR.get().unwrap().shutdown(later), Err(ExportError::Reentrant));
///         Ok(())
///     }
///     fn shutdown(&mut self) -> Result<(), ExportError> {
///         SHUT.store(true, Ordering::SeqCst);
///         Ok(())
///     }
/// }
///
/// let processor = PROCESSOR.get_or_init(|| SimpleProcessor::new(StopAfterOne));
/// # let memory = baton::InMemoryExporter::default();
/// # let _p = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
/// # baton::in_span("one", || {});
/// processor.on_end(memory.take().remove(0));
/// assert!(SHUT.load(Ordering::SeqCst));
/// let s = processor.stats();
/// assert_eq!((s.exported, s.in_flight), (1, 0));
/// ```
pub struct SimpleProcessor {
    exporter: Mutex<Slot>,
    /// Set by a shutdown that could not take the exporter; whoever holds it
    /// next shuts it down once its own call returns.
    shutdown_requested: AtomicBool,
    /// Spans handed to the exporter or waiting for it, and [`SHUT`] once
    /// the exporter is taken to be shut down.
    produced: AtomicU64,
    tally: Tally,
}

/// Set in [`SimpleProcessor`]'s `produced` as its exporter is taken: a
/// span is counted produced or refused in one step that reads it, so one
/// handed over later is never counted produced before it is dropped (read
/// between the two counts, it was in flight).
const SHUT: u64 = 1 << 63;

/// What [`SimpleProcessor`]'s lock guards.
struct Slot {
    /// `None` once taken to be shut down.
    exporter: Option<Box<dyn SpanExporter>>,
    /// Spans counted produced that got here while the exporter was: the
    /// others counted produced when it is taken are waiting for the lock,
    /// and are counted dropped then, in the step that takes it (counted by
    /// each as it found the exporter gone, one was read in flight in
    /// between, with nothing holding it).
    reached: u64,
}

type SlotGuard<'a> = MutexGuard<'a, Slot>;

/// Whether the built-in processors hand a span to their exporter: only if
/// it is sampled. A span a sampler records without sampling (`RecordOnly`)
/// reaches the processor, but in the OpenTelemetry SDK spec's
/// [table](https://opentelemetry.io/docs/specs/otel/trace/sdk/#recording-sampled-reaction-table)
/// "Span Exporter receives Span?" is false for it.
#[inline]
pub(crate) fn exports(span_context: &SpanContext) -> bool {
    span_context.flags().is_sampled()
}

thread_local! {
    /// The processor (by address) exporting on this thread, if any: a span
    /// ended or a flush asked for inside its exporter must not wait for the
    /// lock this thread already holds.
    static EXPORTING: Cell<usize> = const { Cell::new(0) };
}

impl SimpleProcessor {
    /// A processor that exports through `exporter`.
    pub fn new(exporter: impl SpanExporter) -> Self {
        SimpleProcessor {
            exporter: Mutex::new(Slot {
                exporter: Some(Box::new(exporter)),
                reached: 0,
            }),
            shutdown_requested: AtomicBool::new(false),
            produced: AtomicU64::new(0),
            tally: Tally::default(),
        }
    }

    /// The counters now: after `on_end` returns, only spans the exporter
    /// holds ([`SpanExporter::held_spans`]) are in flight.
    pub fn stats(&self) -> BatchStats {
        self.tally
            .stats(|| self.produced.load(Ordering::SeqCst) & !SHUT)
    }

    /// The answer of a flush or shutdown that began with `since`: the
    /// exporter's `result`, unless a span was lost that no answer had
    /// reported when it began, or `deadline` passed (`Timeout`) with a span
    /// still in another thread's export.
    fn outcome(
        &self,
        since: Reported,
        result: Result<(), ExportError>,
        deadline: Instant,
        last: bool,
    ) -> Result<(), ExportError> {
        if result == Err(ExportError::Reentrant) {
            return result;
        }
        // Before the deadline, a timeout is the exporter's own (a request
        // to its collector), returned as it came.
        let deadline_passed =
            matches!(result, Err(ExportError::Timeout(_))) && Instant::now() >= deadline;
        self.tally
            .outcome(since, self.stats(), result, deadline_passed, last)
    }

    /// The exporter's lock, waited for until `deadline` at most (`None`: as
    /// long as it takes); `Timeout` when another thread's export holds it
    /// past the deadline.
    fn lock_until(&self, deadline: Option<Instant>) -> Result<SlotGuard<'_>, ExportError> {
        /// How often a flush or shutdown looks again: `Mutex` has no timed lock.
        const RETRY: Duration = Duration::from_millis(1);
        let Some(deadline) = deadline else {
            return Ok(self.exporter.lock().unwrap_or_else(PoisonError::into_inner));
        };
        loop {
            match self.exporter.try_lock() {
                Ok(slot) => return Ok(slot),
                Err(TryLockError::Poisoned(e)) => return Ok(e.into_inner()),
                Err(TryLockError::WouldBlock) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(ExportError::deadline_exceeded());
                    }
                    std::thread::sleep(left.min(RETRY));
                }
            }
        }
    }

    /// Runs `f` on the exporter for `spans` spans counted produced,
    /// waiting for it until `deadline` at most (see
    /// [`lock_until`](Self::lock_until)). The caller has checked that this
    /// thread is [not inside the exporter](Self::not_exporting), where the
    /// wait would never end: `on_end` checks before it counts the span.
    fn with_exporter(
        &self,
        deadline: Option<Instant>,
        spans: u64,
        f: impl FnOnce(&mut dyn SpanExporter) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let mut slot = self.lock_until(deadline)?;
        let Slot { exporter, reached } = &mut *slot;
        let exporter = exporter
            .as_deref_mut()
            .ok_or(ExportError::AlreadyShutDown)?;
        *reached += spans;
        let result = self.run(exporter, f);
        drop(slot);
        // Read after the lock is released: see `request_shutdown`.
        if self.shutdown_requested.load(Ordering::SeqCst) {
            self.finish_requested_shutdown();
        }
        result
    }

    /// Leaves the exporter to be shut down by whoever holds it, for a
    /// shutdown that could not take it (`why`). The lock is tried once more
    /// after the request is set: a holder that released it before could
    /// have missed the request, but then the lock is free (or taken by a
    /// later holder, which sees the request).
    fn request_shutdown(&self, why: ExportError) -> Result<SlotGuard<'_>, ExportError> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        // Never blocks, also where this thread holds the lock (`Reentrant`).
        match self.exporter.try_lock() {
            Ok(slot) => Ok(slot),
            Err(TryLockError::Poisoned(e)) => Ok(e.into_inner()),
            Err(TryLockError::WouldBlock) => Err(why),
        }
    }

    /// Takes the exporter from `slot`, the exporter's lock held, to shut
    /// it down: a span handed over from now on is refused (see [`SHUT`]),
    /// and one counted produced that has not reached it yet is dropped now
    /// (see [`Slot::reached`]); it reports itself as it finds it gone.
    fn take_exporter(&self, mut slot: SlotGuard<'_>) -> Option<Box<dyn SpanExporter>> {
        let produced = self.produced.fetch_or(SHUT, Ordering::SeqCst) & !SHUT;
        let exporter = slot.exporter.take();
        if exporter.is_some() {
            let waiting = produced.saturating_sub(slot.reached);
            self.tally.dropped(waiting);
            self.tally.said(waiting);
        }
        exporter
    }

    /// Shuts the exporter down for a shutdown that could not take it, if
    /// nobody has yet.
    fn finish_requested_shutdown(&self) {
        let taken =
            self.take_exporter(self.exporter.lock().unwrap_or_else(PoisonError::into_inner));
        if let Some(mut exporter) = taken {
            let (result, lost) = self.shut_down_exporter(&mut *exporter);
            drop_exporter(exporter);
            // A failure that lost spans was reported as it was settled; one
            // that lost nothing has no caller to return to.
            if let (Err(e), 0) = (result, lost) {
                report(
                    DiagnosticKind::ExportFailed,
                    &format_args!(
                        "simple processor: the exporter, shut down once the export that held it returned, failed: {e}"
                    ),
                    None,
                );
            }
        }
    }

    /// Shuts `exporter` down, which the caller then drops (see
    /// [`Tally::settle_shutdown`]); returns the result and how many spans
    /// were lost (reported already).
    fn shut_down_exporter(
        &self,
        exporter: &mut dyn SpanExporter,
    ) -> (Result<(), ExportError>, u64) {
        let mut lost = 0;
        let result = self.run(exporter, |x| {
            let (result, settled_lost) = self.tally.settle_shutdown(x);
            lost = settled_lost;
            result
        });
        (result, lost)
    }

    /// `Reentrant` when this thread is inside this processor's exporter,
    /// holding its lock already: waiting would deadlock. During thread
    /// teardown, assume the same.
    fn not_exporting(&self) -> Result<(), ExportError> {
        let me = self as *const SimpleProcessor as usize;
        match EXPORTING.try_with(Cell::get).unwrap_or(me) == me {
            true => Err(ExportError::Reentrant),
            false => Ok(()),
        }
    }

    /// Runs `f` on `exporter` as pipeline code (see
    /// [`recorder::suppressed`]), a panic caught.
    fn run(
        &self,
        exporter: &mut dyn SpanExporter,
        f: impl FnOnce(&mut dyn SpanExporter) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let me = self as *const SimpleProcessor as usize;
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = EXPORTING.try_with(|e| e.set(self.0));
            }
        }
        let _restore = Restore(EXPORTING.try_with(|e| e.replace(me)).unwrap_or(0));
        recorder::while_suppressed(|| {
            catch_callback(|| f(exporter)).unwrap_or(Err(ExportError::Panicked))
        })
    }
}

/// Drops an exporter that was shut down, a panic in its `Drop` caught and
/// reported like one in any of its calls: it must not unwind into the
/// caller (a shutdown's, or a span's end that finished a shutdown that
/// had to wait). Not run as pipeline code: its `Drop` may call back into
/// baton.
fn drop_exporter(exporter: Box<dyn SpanExporter>) {
    if catch_callback(|| drop(exporter)).is_err() {
        report(
            DiagnosticKind::ExportFailed,
            &"simple processor: the exporter panicked when dropped after its shutdown; caught",
            None,
        );
    }
}

impl SpanProcessor for SimpleProcessor {
    fn observes_start(&self) -> bool {
        false
    }

    /// Exports `span` if `exports` says so.
    fn on_end(&self, span: SpanData) {
        if !exports(&span.span_context) {
            return;
        }
        // Counted produced before the exporter's lock is waited for: a
        // span waiting for another thread's export is in flight. One that
        // will not wait (inside this exporter, `Reentrant`; or once the
        // exporter is taken) is refused: produced and dropped in one
        // count. One counted produced that finds the exporter taken was
        // counted dropped as it was taken (see `take_exporter`).
        let admitted = self.not_exporting().and_then(|()| {
            self.produced
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                    (n & SHUT == 0).then_some(n + 1)
                })
                .map(drop)
                .map_err(|_| ExportError::AlreadyShutDown)
        });
        let batch = std::slice::from_ref(&span);
        // As the batch processor reports them: a span never handed to the
        // exporter is dropped; what the exporter did with it,
        // `Tally::settle` counts and reports.
        let refused = admitted.is_err();
        let handed = admitted.and_then(|()| {
            self.with_exporter(None, 1, |x| {
                let _ = self.tally.settle(x, 1, |x| x.export(batch));
                Ok(())
            })
        });
        if let Err(e) = handed {
            if refused {
                self.tally.refused(1);
            }
            report(
                DiagnosticKind::SpanDropped,
                &format_args!("1 span(s) dropped: {e}"),
                None,
            );
        }
    }

    /// Waits for an export running on another thread until `deadline` at
    /// most; the exporter's own flush is not interrupted. A deadline that
    /// passes while another thread holds the exporter is
    /// [`ExportError::Undelivered`] if a span is still held then, and no
    /// failure if every span was delivered, as for the batch processor.
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        let since = self.tally.reported();
        let flushed = Cell::new(false);
        let result = self.not_exporting().and_then(|()| {
            self.with_exporter(Some(deadline), 0, |x| {
                flushed.set(true);
                self.tally.settle(x, 0, |x| x.force_flush()).0
            })
        });
        // The exporter's lock waited for until the deadline (not a timeout
        // of the exporter's own): what counts is whether a span is held.
        if !flushed.get() && matches!(result, Err(ExportError::Timeout(_))) {
            return self.tally.outcome(since, self.stats(), Ok(()), true, false);
        }
        self.outcome(since, result, deadline, false)
    }

    /// Waits for an export running on another thread until `deadline` at
    /// most; past it, or called from inside the exporter, it returns at once
    /// and the exporter is shut down when that export returns (see
    /// [`SimpleProcessor`]). The exporter's own shutdown is not interrupted.
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        let since = self.tally.reported();
        let taken = self
            .not_exporting()
            .and_then(|()| self.lock_until(Some(deadline)))
            .or_else(|e| self.request_shutdown(e))
            .map(|slot| self.take_exporter(slot));
        // Shut down and dropped outside the lock: a span ended meanwhile
        // is dropped at once, and the exporter's Drop may call back into
        // baton.
        let result = match taken {
            Ok(Some(mut exporter)) => {
                let result = self.shut_down_exporter(&mut *exporter).0;
                drop_exporter(exporter);
                result
            }
            Ok(None) => Err(ExportError::AlreadyShutDown),
            Err(e) => Err(e),
        };
        self.outcome(since, result, deadline, true)
    }

    fn counters(&self) -> Option<BatchStats> {
        Some(self.stats())
    }
}

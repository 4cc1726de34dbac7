//! The batch processor: spans gather per thread, reach a bounded queue in
//! chunks, and a worker thread exports them in batches, so traced code never
//! waits for an exporter.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::{EndedSpan, PlainParts};
use crate::export::batch_config::BatchConfig;
use crate::export::batch_event::{Ack, Event};
use crate::export::batch_queue::{lock, Shared};
use crate::export::batch_stage::{stage, stage_batch, stage_plain};
use crate::export::batch_worker::{start, Job};
use crate::export::deadline::later;
use crate::export::exporter::{ExportError, SpanExporter};
use crate::export::processor::{exports, SpanProcessor};
use crate::export::stats::BatchStats;
use crate::recorder;
use crate::span_data::SpanData;

/// Sends finished spans to an exporter in batches from a worker thread.
///
/// `on_end` never blocks on another thread and takes no lock but the
/// calling thread's own, uncontended one: each thread gathers its spans in a
/// slot of its own and hands them to the queue in chunks of up to
/// [`THREAD_CHUNK_SIZE`](crate::export::THREAD_CHUNK_SIZE) (sooner when it
/// ends spans slowly, see
/// [`THREAD_CHUNK_LINGER`](crate::export::THREAD_CHUNK_LINGER)). The queue
/// holds up to `max_queue_size` spans, whatever the number of threads; a
/// chunk that finds it full loses the spans that do not fit, and each is
/// counted. The worker exports when the queue is half full, or holds eight
/// batches if that is less (or one batch, if that is more), whenever it is
/// awake and a full batch is queued, when a thread exits (its spans are
/// handed over from its thread-local's destructor), and each schedule
/// delay, when it also collects what idle threads gathered. Each
/// export runs on a thread of its own, so an exporter that hangs holds up
/// exports but never a producer, a flush's or a shutdown's deadline.
///
/// Installed as the pipeline's processor ([`Config::processor`](crate::Config::processor)),
/// it takes spans that end inside a span still open on their thread (an
/// entered span's children, the span of a future that completes inside it)
/// in batches, which that thread gathers without
/// any lock: a batch is handed over when the last span open on the thread
/// ends (or a future's poll ends), when it holds a chunk, when a span ends
/// [`THREAD_CHUNK_LINGER`](crate::export::THREAD_CHUNK_LINGER) after its
/// first, when `force_flush` or a shutdown is called on that thread, and
/// when the thread exits. A flush called on another thread meanwhile does
/// not reach them: they are the descendants of a span not yet ended, which
/// is not exported either, and they reach the queue with it.
///
/// Installed as the pipeline's processor, it also takes the plain spans
/// that end with no span open on their thread (a static name, an empty
/// tracestate, nothing but ids, kind and times: a request's root span
/// without attributes) without even that lock: the thread writes each as
/// seven atomic words into its slot's lane, and whoever reads the slot
/// (the thread when a chunk is due, the worker when it collects, a flush
/// from any thread) moves them to the queue as they are; the export
/// thread turns them into [`SpanData`]. The lane holds a chunk; span names
/// are numbered in a process-wide list of at most
/// [`MAX_LANE_NAMES`](crate::export::MAX_LANE_NAMES) names, and a span
/// whose name does not fit takes the lock.
///
/// Memory is bounded by the queue, two export batches and, per live thread
/// that has ended spans, two chunk buffers (its slot's and its batch's,
/// freed when it exits) and a slot with its lane (about 3.6 KiB). A
/// thread holds its slot without a reference count, so the slot outlives
/// the thread: it is kept for the next thread, and the process keeps as
/// many as the most threads that ended spans here at once.
///
/// Only sampled spans are exported: one a sampler recorded without
/// sampling (`RecordOnly`) is not for exporters, as the OpenTelemetry SDK
/// spec says, and is not counted.
///
/// # Accounting
/// [`stats`](BatchProcessor::stats) always satisfies `produced == exported +
/// dropped + failed + in_flight`. [`force_flush`](SpanProcessor::force_flush)
/// and [`shutdown`](SpanProcessor::shutdown) export every span ended before
/// them on any thread and wait at most until their deadline (a deadline the
/// clock cannot hold, from `Duration::MAX`, means none). They return
/// [`ExportError::Undelivered`], with the counts, when a span was lost that
/// no call had reported when they began (calls running side by side each
/// report it), or when the deadline passed with spans still held; a
/// shutdown whose deadline passes drops (and counts) what is still queued,
/// so only spans inside an export that has not returned stay in flight. A
/// deadline that passes with every span delivered returns `Ok`, also for
/// `Duration::ZERO`. Called from pipeline code (an exporter, the worker), they request
/// the work and return [`ExportError::Reentrant`] at once instead of waiting
/// on themselves.
///
/// # Example: export through a batch processor
/// ```
/// use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};
/// use std::time::{Duration, Instant};
/// let spans = baton::InMemoryExporter::default();
/// let processor = BatchProcessor::new(spans.clone(), BatchConfig::default());
/// let stats = processor.stats_handle();
/// let _pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
/// baton::in_span("work", || {});
/// baton::export::force_flush(Duration::from_secs(5)).unwrap();
/// assert_eq!(spans.finished_spans()[0].name, "work");
/// let s = stats.get();
/// assert_eq!((s.produced, s.exported, s.in_flight), (1, 1, 0));
/// ```
pub struct BatchProcessor {
    shared: Arc<Shared>,
    /// `false` when the threads could not be started: every span is
    /// dropped.
    started: bool,
    /// Where flushes go: the export thread (see [`Job::Flush`]). Let go of
    /// when a shutdown begins: the processor outlives its pipeline (`init`
    /// keeps it), and a sender kept the channel's buffers alive with it,
    /// about 600 bytes a pipeline (`tests/long_running_pipeline_reinstalls.rs`).
    jobs: Mutex<Option<Sender<Vec<Job>>>>,
    shutdown_requested: AtomicBool,
}

/// A cheap handle to read a [`BatchProcessor`]'s counters after the
/// processor has been moved into the pipeline.
#[derive(Clone)]
pub struct BatchStatsHandle(Arc<Shared>);

impl BatchStatsHandle {
    /// The counters now.
    pub fn get(&self) -> BatchStats {
        self.0.stats()
    }
}

impl fmt::Debug for BatchStatsHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

/// How much of a shutdown budget is kept for the final bookkeeping, so the
/// counters are settled when the caller's deadline comes.
fn bookkeeping_margin(budget: Duration) -> Duration {
    (budget / 10).min(Duration::from_millis(50))
}

impl BatchProcessor {
    /// A processor exporting through `exporter` with `config` (fields out of
    /// range are clamped and reported as a diagnostic); `exporter` is told
    /// the export timeout first ([`SpanExporter::set_export_timeout`]; a
    /// panic there is caught and reported as a diagnostic).
    pub fn new(mut exporter: impl SpanExporter, config: BatchConfig) -> BatchProcessor {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let config = config.validated();
        // Caught like a panic in any other exporter call: it must not
        // unwind into the caller, and the exporter still gets the spans.
        let told = catch_unwind(AssertUnwindSafe(|| {
            exporter.set_export_timeout(config.export_timeout);
        }));
        if told.is_err() {
            report(
                DiagnosticKind::ExportFailed,
                &format_args!(
                    "batch processor: the exporter panicked when told the export timeout ({:?}); it exports without it",
                    config.export_timeout
                ),
                None,
            );
        }
        let (events, worker_events) = mpsc::channel();
        let shared = Arc::new(Shared::new(
            NEXT_ID.fetch_add(1, Ordering::Relaxed),
            config,
            events,
        ));
        let jobs = match start(Box::new(exporter), &shared, worker_events) {
            Ok(jobs) => Some(jobs),
            Err(e) => {
                shared.closed.store(true, Ordering::SeqCst);
                report(
                    DiagnosticKind::ExportFailed,
                    &format_args!(
                        "batch processor: could not start its threads ({e}); spans will be dropped"
                    ),
                    None,
                );
                None
            }
        };
        BatchProcessor {
            shared,
            started: jobs.is_some(),
            jobs: Mutex::new(jobs),
            shutdown_requested: AtomicBool::new(false),
        }
    }

    /// The counters now.
    pub fn stats(&self) -> BatchStats {
        self.shared.stats()
    }

    /// A handle to the counters that outlives moving the processor.
    pub fn stats_handle(&self) -> BatchStatsHandle {
        BatchStatsHandle(Arc::clone(&self.shared))
    }

    /// Posts a request with `post` (whether its thread took it), then waits
    /// for the answer until `deadline`, unless called from pipeline code,
    /// which must not wait on itself. Returns the answer and whether the
    /// deadline passed first.
    fn request(
        &self,
        post: impl FnOnce(Ack) -> bool,
        deadline: Instant,
    ) -> Result<(Result<(), ExportError>, bool), ExportError> {
        if !self.started {
            return Ok((Ok(()), false));
        }
        let (ack, answer) = mpsc::sync_channel(1);
        if !post(ack) {
            return Err(ExportError::AlreadyShutDown);
        }
        if recorder::suppressed() {
            return Err(ExportError::Reentrant);
        }
        Ok(
            match answer.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Err(RecvTimeoutError::Timeout) => (Ok(()), true),
                // The worker's answer to a shutdown it abandoned at this
                // deadline. Before it, a timeout is the exporter's own (a
                // request to its collector), returned as it came.
                Ok(Err(ExportError::Timeout(_))) if Instant::now() >= deadline => (Ok(()), true),
                Ok(result) => (result, false),
                // The thread stopped without answering: a shutdown came first.
                Err(RecvTimeoutError::Disconnected) => (Err(ExportError::AlreadyShutDown), false),
            },
        )
    }
}

impl fmt::Debug for BatchProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchProcessor")
            .field("config", &self.shared.config)
            .field("stats", &self.stats())
            .finish()
    }
}

impl BatchProcessor {
    /// Spans a thread gathers before it hands them over.
    pub(crate) fn thread_chunk(&self) -> usize {
        self.shared.chunk
    }

    /// What its producers, worker and callers share.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

/// Takes a plain span as its parts into the calling thread's lane of the
/// batch processor `shared` belongs to; whether it did (not once the
/// processor is shut down, nor where the thread's slot cannot be used).
#[inline]
pub(crate) fn on_ended_plain(shared: &Arc<Shared>, span: &PlainParts<'_>) -> bool {
    if !exports(span.span_context) {
        // Taken: there is nothing to export (see `exports`).
        return true;
    }
    !shared.closed.load(Ordering::Relaxed) && stage_plain(shared, span)
}

/// Takes spans that one thread gathered for the batch processor `shared`
/// belongs to, in the order they ended, all sampled (the thread gathers no
/// other). `exiting`: the thread is exiting, so the worker is woken at once.
pub(crate) fn on_ended_batch(shared: &Arc<Shared>, spans: &mut Vec<EndedSpan>, exiting: bool) {
    if shared.closed.load(Ordering::Relaxed) {
        let handed = shared.refuse_all(spans);
        shared.settle(handed);
        return;
    }
    stage_batch(shared, spans, exiting);
}

impl SpanProcessor for BatchProcessor {
    fn observes_start(&self) -> bool {
        false
    }

    fn on_end(&self, span: SpanData) {
        self.on_ended(span.into());
    }

    /// Keeps the span as it is: the export thread converts it.
    #[inline]
    fn on_ended(&self, span: EndedSpan) {
        if !exports(span.span_context()) {
            return;
        }
        let shared = &self.shared;
        if shared.closed.load(Ordering::Relaxed) {
            let handed = shared.refuse(span);
            shared.settle(handed);
            return;
        }
        stage(shared, span);
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        if self.shutdown_requested.load(Ordering::Acquire) {
            return Err(ExportError::AlreadyShutDown);
        }
        let since = self.shared.tally.reported();
        let post = |ack| {
            lock(&self.jobs)
                .as_ref()
                .is_some_and(|jobs| jobs.send(vec![Job::Flush(ack)]).is_ok())
        };
        let (result, deadline_passed) = self.request(post, deadline)?;
        let stats = self.stats();
        self.shared
            .tally
            .outcome(since, stats, result, deadline_passed, false)
    }

    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        if self.shutdown_requested.swap(true, Ordering::AcqRel) {
            return Err(ExportError::AlreadyShutDown);
        }
        // A flush from now on is refused, as one after the shutdown is; the
        // export thread keeps the worker's sender until its last job.
        drop(lock(&self.jobs).take());
        let since = self.shared.tally.reported();
        self.shared.closed.store(true, Ordering::SeqCst);
        let budget = deadline.saturating_duration_since(Instant::now());
        let deadline = deadline
            .checked_sub(bookkeeping_margin(budget))
            .unwrap_or(deadline);
        let post = |ack| {
            let shutdown = Event::Shutdown {
                deadline,
                ack: Some(ack),
            };
            self.shared.events.send(shutdown).is_ok()
        };
        let (result, deadline_passed) = self.request(post, deadline)?;
        if deadline_passed {
            // Whatever the worker is doing, what is still queued is lost now.
            self.shared.abandon();
        }
        let stats = self.stats();
        self.shared
            .tally
            .outcome(since, stats, result, deadline_passed, true)
    }

    fn counters(&self) -> Option<BatchStats> {
        Some(self.stats())
    }
}

impl Drop for BatchProcessor {
    fn drop(&mut self) {
        // Not shut down: the worker exports what is held on its own, within
        // one export timeout; nobody waits for it here.
        if !self.shutdown_requested.swap(true, Ordering::AcqRel) {
            self.shared.closed.store(true, Ordering::SeqCst);
            let deadline = later(Instant::now(), self.shared.config.export_timeout);
            let _ = self.shared.events.send(Event::Shutdown {
                deadline,
                ack: None,
            });
        }
    }
}

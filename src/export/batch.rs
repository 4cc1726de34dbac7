//! The batch processor: a bounded queue in front of a worker thread that
//! exports in batches, so traced code never waits for an exporter.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::config_error::Env;
use crate::export::{pipeline, ConfigError, ExportError, SpanExporter, SpanProcessor};
use crate::SpanData;

/// Spans the queue holds before new ones are dropped (`OTEL_BSP_MAX_QUEUE_SIZE`).
pub const DEFAULT_MAX_QUEUE_SIZE: usize = 2048;
/// Spans per export call at most (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`).
pub const DEFAULT_MAX_EXPORT_BATCH_SIZE: usize = 512;
/// The longest a span waits in the queue before an export (`OTEL_BSP_SCHEDULE_DELAY`).
pub const DEFAULT_SCHEDULE_DELAY: Duration = Duration::from_secs(5);
/// How long one export may take before it is abandoned (`OTEL_BSP_EXPORT_TIMEOUT`).
pub const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest queue accepted: the queue is allocated up front, so this
/// bounds the memory a configuration value can ask for.
pub const MAX_QUEUE_SIZE_LIMIT: usize = 1 << 20;

/// The batch processor's settings, with the OpenTelemetry defaults.
///
/// ```
/// use std::time::Duration;
/// let env = |k: &str| (k == "OTEL_BSP_SCHEDULE_DELAY").then(|| "250".to_owned());
/// let config = baton::export::BatchConfig::from_lookup(env).unwrap();
/// assert_eq!(config.scheduled_delay, Duration::from_millis(250));
/// assert_eq!(config.max_queue_size, baton::export::DEFAULT_MAX_QUEUE_SIZE);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Queue capacity, `1..=`[`MAX_QUEUE_SIZE_LIMIT`]. Defaults to [`DEFAULT_MAX_QUEUE_SIZE`].
    pub max_queue_size: usize,
    /// Spans per export, `1..=max_queue_size`. Defaults to [`DEFAULT_MAX_EXPORT_BATCH_SIZE`].
    pub max_export_batch_size: usize,
    /// Delay between scheduled exports. Defaults to [`DEFAULT_SCHEDULE_DELAY`].
    pub scheduled_delay: Duration,
    /// Time allowed per export. Defaults to [`DEFAULT_EXPORT_TIMEOUT`].
    pub export_timeout: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: DEFAULT_MAX_QUEUE_SIZE,
            max_export_batch_size: DEFAULT_MAX_EXPORT_BATCH_SIZE,
            scheduled_delay: DEFAULT_SCHEDULE_DELAY,
            export_timeout: DEFAULT_EXPORT_TIMEOUT,
        }
    }
}

impl BatchConfig {
    /// Reads `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`,
    /// `OTEL_BSP_SCHEDULE_DELAY` and `OTEL_BSP_EXPORT_TIMEOUT` (milliseconds)
    /// through `lookup`; unset or empty variables keep their defaults.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<BatchConfig, ConfigError> {
        const BATCH: &str = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
        let env = Env(lookup);
        let mut config = BatchConfig::default();
        if let Some(n) = env.number(
            "OTEL_BSP_MAX_QUEUE_SIZE",
            1,
            MAX_QUEUE_SIZE_LIMIT as u64,
            "expected a queue size from 1 to 1048576",
        )? {
            config.max_queue_size = n as usize;
        }
        if let Some(n) = env.number(
            BATCH,
            1,
            MAX_QUEUE_SIZE_LIMIT as u64,
            "expected a batch size from 1 to 1048576",
        )? {
            if n as usize > config.max_queue_size {
                return Err(ConfigError::new(
                    BATCH,
                    &n.to_string(),
                    "the batch size must not exceed OTEL_BSP_MAX_QUEUE_SIZE",
                ));
            }
            config.max_export_batch_size = n as usize;
        }
        config.max_export_batch_size = config.max_export_batch_size.min(config.max_queue_size);
        if let Some(d) = env.millis("OTEL_BSP_SCHEDULE_DELAY")? {
            config.scheduled_delay = d;
        }
        if let Some(d) = env.millis("OTEL_BSP_EXPORT_TIMEOUT")? {
            config.export_timeout = d;
        }
        Ok(config)
    }

    /// The settings with every field in range; a field that was not is
    /// reported as a diagnostic.
    fn validated(mut self) -> BatchConfig {
        let queue = self.max_queue_size.clamp(1, MAX_QUEUE_SIZE_LIMIT);
        let batch = self.max_export_batch_size.clamp(1, queue);
        if (queue, batch) != (self.max_queue_size, self.max_export_batch_size) {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!(
                    "batch processor: queue {} and batch {} out of range; using {queue} and {batch}",
                    self.max_queue_size, self.max_export_batch_size
                ),
                None,
            );
        }
        self.max_queue_size = queue;
        self.max_export_batch_size = batch;
        self
    }
}

/// What a batch processor did so far; after [`SpanProcessor::shutdown`]
/// returns, `exported + dropped` equals the spans it was given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchStats {
    /// Spans the exporter accepted.
    pub exported: u64,
    /// Spans lost: full queue, failed, panicked or timed-out export, or ended
    /// after shutdown.
    pub dropped: u64,
}

/// Sends finished spans to an exporter in batches from a worker thread.
///
/// `on_end` never blocks and never allocates: it puts the span in a bounded
/// lock-free queue (a `std::sync::mpsc::sync_channel`) or, when the queue is
/// full, drops it and counts it (the first drop is reported as a diagnostic,
/// the total at shutdown). The worker exports when a batch is full or the
/// schedule delay passes. Each export runs on a helper thread, so an exporter
/// that hangs is abandoned at the export timeout and one that panics loses
/// only its batch.
///
/// [`force_flush`](SpanProcessor::force_flush) and
/// [`shutdown`](SpanProcessor::shutdown) wait at most until their deadline
/// and may be called from any thread. Called from pipeline code (an exporter,
/// the worker), they request the work and return
/// [`ExportError::Reentrant`] at once instead of waiting on themselves.
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
/// assert_eq!(stats.get().exported, 1);
/// ```
pub struct BatchProcessor {
    shared: Arc<Shared>,
    /// `None` when the worker could not be started: every span is dropped.
    worker: Option<WorkerHandle>,
    shutdown_requested: AtomicBool,
}

struct WorkerHandle {
    spans: SyncSender<SpanData>,
    control: Sender<Control>,
    thread: Thread,
}

/// What producers and the worker share.
struct Shared {
    /// Bit 0: closed to new spans. The rest counts producers inside `on_end`
    /// (in steps of 2), so shutdown can wait for them before the last drain.
    gate: AtomicUsize,
    /// Spans in the queue, to wake the worker when a batch is ready.
    queued: AtomicUsize,
    exported: AtomicU64,
    dropped: AtomicU64,
    warned_full: AtomicBool,
    config: BatchConfig,
}

const CLOSED: usize = 1;
const PRODUCER: usize = 2;

impl Shared {
    fn drop_spans(&self, count: u64, why: &dyn fmt::Display) {
        self.dropped.fetch_add(count, Ordering::Relaxed);
        pipeline::count_dropped(count);
        // Load first: under a flood every drop comes here, and a swap would
        // make all producers fight over this cache line.
        if !self.warned_full.load(Ordering::Relaxed)
            && !self.warned_full.swap(true, Ordering::Relaxed)
        {
            report(
                DiagnosticKind::SpanDropped,
                &format_args!("{count} span(s) dropped: {why}; further drops are counted and reported at shutdown"),
                None,
            );
        }
    }

    fn stats(&self) -> BatchStats {
        BatchStats {
            exported: self.exported.load(Ordering::Acquire),
            dropped: self.dropped.load(Ordering::Acquire),
        }
    }
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

enum Control {
    Flush {
        ack: SyncSender<Result<(), ExportError>>,
    },
    Shutdown {
        deadline: Instant,
        ack: SyncSender<Result<(), ExportError>>,
    },
}

impl BatchProcessor {
    /// A processor exporting through `exporter` with `config` (fields out of
    /// range are clamped and reported as a diagnostic).
    pub fn new(exporter: impl SpanExporter, config: BatchConfig) -> BatchProcessor {
        let config = config.validated();
        let shared = Arc::new(Shared {
            gate: AtomicUsize::new(0),
            queued: AtomicUsize::new(0),
            exported: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            warned_full: AtomicBool::new(false),
            config,
        });
        let worker = match start(Box::new(exporter), &shared) {
            Ok(worker) => Some(worker),
            Err(e) => {
                shared.gate.store(CLOSED, Ordering::Release);
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
            worker,
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

    /// Posts `control` and waits for its answer until `deadline`, unless
    /// called from pipeline code, which must not wait on itself.
    fn request(
        &self,
        control: impl FnOnce(SyncSender<Result<(), ExportError>>) -> Control,
        deadline: Instant,
    ) -> Result<(), ExportError> {
        let worker = self.worker.as_ref().ok_or_else(|| {
            ExportError::Failed("the batch processor's worker never started".into())
        })?;
        let (ack, answer) = mpsc::sync_channel(1);
        worker
            .control
            .send(control(ack))
            .map_err(|_| ExportError::AlreadyShutDown)?;
        worker.thread.unpark();
        if pipeline::suppressed() {
            return Err(ExportError::Reentrant);
        }
        match answer.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(ExportError::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(ExportError::AlreadyShutDown),
        }
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

impl SpanProcessor for BatchProcessor {
    fn on_end(&self, span: SpanData) {
        let shared = &*self.shared;
        let gate = shared.gate.fetch_add(PRODUCER, Ordering::AcqRel);
        match &self.worker {
            Some(worker) if gate & CLOSED == 0 => {
                let before = shared.queued.fetch_add(1, Ordering::Relaxed);
                match worker.spans.try_send(span) {
                    Ok(()) if before + 1 == shared.config.max_export_batch_size => {
                        worker.thread.unpark();
                    }
                    Ok(()) => {}
                    Err(_) => {
                        shared.queued.fetch_sub(1, Ordering::Relaxed);
                        shared.drop_spans(1, &"the batch queue is full");
                    }
                }
            }
            _ => shared.drop_spans(1, &"the batch processor is shut down"),
        }
        shared.gate.fetch_sub(PRODUCER, Ordering::Release);
    }

    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        if self.shutdown_requested.load(Ordering::Acquire) {
            return Err(ExportError::AlreadyShutDown);
        }
        self.request(|ack| Control::Flush { ack }, deadline)
    }

    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        if self.shutdown_requested.swap(true, Ordering::AcqRel) {
            return Err(ExportError::AlreadyShutDown);
        }
        self.shared.gate.fetch_or(CLOSED, Ordering::AcqRel);
        self.request(|ack| Control::Shutdown { deadline, ack }, deadline)
    }
}

impl Drop for BatchProcessor {
    fn drop(&mut self) {
        // Dropping the control sender tells the worker to finish on its own
        // (within one export timeout); nobody waits for it here.
        self.shared.gate.fetch_or(CLOSED, Ordering::AcqRel);
        if let Some(worker) = self.worker.take() {
            let thread = worker.thread.clone();
            drop(worker);
            thread.unpark();
        }
    }
}

/// Starts the worker and the export helper threads.
fn start(exporter: Box<dyn SpanExporter>, shared: &Arc<Shared>) -> std::io::Result<WorkerHandle> {
    let (spans, queue) = mpsc::sync_channel(shared.config.max_queue_size);
    let (control, requests) = mpsc::channel();
    let runner = Runner::start(exporter)?;
    let mut worker = Worker {
        shared: Arc::clone(shared),
        queue,
        requests,
        runner,
    };
    let handle = thread::Builder::new()
        .name("baton-batch".into())
        .spawn(move || pipeline::while_suppressed(|| worker.run()))?;
    Ok(WorkerHandle {
        spans,
        control,
        thread: handle.thread().clone(),
    })
}

/// How much of a shutdown budget is kept for the final bookkeeping, so the
/// counters are settled when the caller's deadline comes.
fn bookkeeping_margin(budget: Duration) -> Duration {
    (budget / 10).min(Duration::from_millis(50))
}

struct Worker {
    shared: Arc<Shared>,
    queue: Receiver<SpanData>,
    requests: Receiver<Control>,
    runner: Runner,
}

impl Worker {
    fn run(&mut self) {
        let delay = self.shared.config.scheduled_delay;
        let mut next_export = Instant::now() + delay;
        loop {
            loop {
                match self.requests.try_recv() {
                    Ok(Control::Flush { ack }) => {
                        let result = self.flush();
                        let _ = ack.send(result);
                    }
                    Ok(Control::Shutdown { deadline, ack }) => {
                        let result = self.shutdown(deadline);
                        let _ = ack.send(result);
                        return;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        let budget = self.shared.config.export_timeout;
                        let _ = self.shutdown(Instant::now() + budget);
                        return;
                    }
                }
            }
            let config = self.shared.config;
            let now = Instant::now();
            if now >= next_export {
                // Everything queued now, in at most one queue's worth of batches.
                for _ in 0..=config.max_queue_size / config.max_export_batch_size {
                    if self.export_batch(None) == 0 {
                        break;
                    }
                }
                next_export = Instant::now() + delay;
                continue;
            }
            if self.shared.queued.load(Ordering::Relaxed) >= config.max_export_batch_size {
                self.export_batch(None);
                continue;
            }
            thread::park_timeout(next_export.saturating_duration_since(now));
        }
    }

    /// Takes up to one batch from the queue.
    fn take_batch(&self) -> Vec<SpanData> {
        let limit = self.shared.config.max_export_batch_size;
        let mut batch = Vec::with_capacity(limit.min(self.shared.queued.load(Ordering::Relaxed)));
        while batch.len() < limit {
            match self.queue.try_recv() {
                Ok(span) => batch.push(span),
                Err(_) => break,
            }
        }
        self.shared.queued.fetch_sub(batch.len(), Ordering::Relaxed);
        batch
    }

    /// Exports one batch, giving up at `deadline` if it comes before the
    /// export timeout; returns how many spans it took from the queue.
    fn export_batch(&mut self, deadline: Option<Instant>) -> usize {
        let batch = self.take_batch();
        let count = batch.len();
        if count == 0 {
            return 0;
        }
        let timeout = Instant::now() + self.shared.config.export_timeout;
        let deadline = deadline.map_or(timeout, |d| d.min(timeout));
        match self.runner.run(Job::Export(batch), deadline) {
            Ok(()) => {
                self.shared
                    .exported
                    .fetch_add(count as u64, Ordering::Release);
            }
            Err(e) => {
                report(
                    DiagnosticKind::ExportFailed,
                    &format_args!("batch of {count} span(s) lost: {e}"),
                    None,
                );
                self.shared
                    .dropped
                    .fetch_add(count as u64, Ordering::Release);
                pipeline::count_dropped(count as u64);
            }
        }
        count
    }

    /// Exports everything queued when the flush was asked for (not what
    /// producers add meanwhile, so a flush ends under load), then flushes
    /// the exporter.
    fn flush(&mut self) -> Result<(), ExportError> {
        let mut left = self.shared.queued.load(Ordering::Acquire);
        while left > 0 {
            match self.export_batch(None) {
                0 => break,
                n => left = left.saturating_sub(n),
            }
        }
        let deadline = Instant::now() + self.shared.config.export_timeout;
        self.runner.run(Job::Flush, deadline)
    }

    fn shutdown(&mut self, deadline: Instant) -> Result<(), ExportError> {
        let margin = bookkeeping_margin(deadline.saturating_duration_since(Instant::now()));
        let deadline = deadline.checked_sub(margin).unwrap_or(deadline);
        // The gate is closed; wait for producers still inside on_end, which
        // never block, so that the queue is final.
        while self.shared.gate.load(Ordering::Acquire) >= PRODUCER {
            thread::yield_now();
        }
        while Instant::now() < deadline && self.export_batch(Some(deadline)) > 0 {}
        let mut late = 0;
        while let Ok(span) = self.queue.try_recv() {
            drop(span);
            late += 1;
        }
        if late > 0 {
            self.shared.dropped.fetch_add(late, Ordering::Release);
            pipeline::count_dropped(late);
        }
        let result = if Instant::now() < deadline {
            self.runner.run(Job::Shutdown, deadline)
        } else {
            Err(ExportError::Timeout)
        };
        let dropped = self.shared.dropped.load(Ordering::Acquire);
        if dropped > 0 {
            report(
                DiagnosticKind::SpanDropped,
                &format_args!("batch processor shut down; {dropped} span(s) dropped in all"),
                None,
            );
        }
        result
    }
}

enum Job {
    Export(Vec<SpanData>),
    Flush,
    Shutdown,
}

/// The helper thread that owns the exporter, so that the worker can walk
/// away from an export that hangs.
struct Runner {
    jobs: Sender<Job>,
    results: Receiver<Result<(), ExportError>>,
    /// An abandoned job still owes its result: the exporter is busy.
    owed: bool,
}

impl Runner {
    fn start(mut exporter: Box<dyn SpanExporter>) -> std::io::Result<Runner> {
        let (jobs, job_queue) = mpsc::channel::<Job>();
        let (result_sender, results) = mpsc::channel();
        thread::Builder::new()
            .name("baton-export".into())
            .spawn(move || {
                pipeline::while_suppressed(|| {
                    while let Ok(job) = job_queue.recv() {
                        let last = matches!(job, Job::Shutdown);
                        let result = catch_unwind(AssertUnwindSafe(|| match job {
                            Job::Export(batch) => exporter.export(&batch),
                            Job::Flush => exporter.force_flush(),
                            Job::Shutdown => exporter.shutdown(),
                        }))
                        .unwrap_or(Err(ExportError::Panicked));
                        if result_sender.send(result).is_err() || last {
                            break;
                        }
                    }
                    // The exporter is dropped here, on this thread: its Drop
                    // may block or call back into baton without harm.
                    drop(exporter);
                });
            })?;
        Ok(Runner {
            jobs,
            results,
            owed: false,
        })
    }

    fn wait(&mut self, deadline: Instant) -> Result<(), ExportError> {
        match self
            .results
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(result) => {
                self.owed = false;
                result
            }
            Err(RecvTimeoutError::Timeout) => {
                self.owed = true;
                Err(ExportError::Timeout)
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(ExportError::Failed("the export thread is gone".into()))
            }
        }
    }

    fn run(&mut self, job: Job, deadline: Instant) -> Result<(), ExportError> {
        if self.owed {
            // Still busy with an abandoned job; its result no longer matters.
            let _ = self.wait(deadline);
            if self.owed {
                return Err(ExportError::Timeout);
            }
        }
        self.jobs
            .send(job)
            .map_err(|_| ExportError::Failed("the export thread is gone".into()))?;
        self.wait(deadline)
    }
}

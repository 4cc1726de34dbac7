//! The batch processor: a bounded queue in front of a worker thread that
//! exports in batches, so traced code never waits for an exporter.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::mem;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
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

/// Spans one thread gathers before it hands them to the worker as one chunk
/// (fewer when the export batch is smaller): the hand-over, and the check of
/// the queue's room, happen once per chunk instead of once per span.
pub const THREAD_CHUNK_SIZE: usize = 64;

/// Sends finished spans to an exporter in batches from a worker thread.
///
/// `on_end` never blocks on another thread and allocates once per chunk at
/// most: each thread gathers its spans in a slot of its own (a mutex that only
/// that thread and, now and then, the worker touch) and publishes them in
/// chunks of [`THREAD_CHUNK_SIZE`]. The queue is bounded: room for
/// `max_queue_size` spans is shared out to the threads a chunk at a time, and
/// a span that finds none is dropped and counted (the first drop is reported
/// as a diagnostic, the total at shutdown). The worker wakes when a batch is
/// ready or the schedule delay passes, and also takes the chunks threads have
/// only begun; a thread's slot outlives the thread, so nothing is lost when
/// it exits. Each export runs on a helper thread, so an exporter that hangs
/// is abandoned at the export timeout and one that panics loses only its
/// batch.
///
/// [`force_flush`](SpanProcessor::force_flush) and
/// [`shutdown`](SpanProcessor::shutdown) export every span ended before them
/// on any thread, wait at most until their deadline and may be called from
/// any thread. Called from pipeline code (an exporter, the worker), they
/// request the work and return [`ExportError::Reentrant`] at once instead of
/// waiting on themselves.
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
    control: Sender<Control>,
    thread: Thread,
}

/// What producers and the worker share.
struct Shared {
    /// Tells this processor's slots apart from other processors' in a
    /// thread's list (an address could be reused).
    id: u64,
    /// Set when the processor stops taking spans; slots and the registry
    /// carry their own flag, set under their lock, for the exact cut.
    closed: AtomicBool,
    /// Spans that may still be taken in: `max_queue_size` less the spans held
    /// (in slots or by the worker) and the room threads reserved.
    room: AtomicUsize,
    /// Spans in published chunks, to wake the worker when a batch is ready.
    queued: AtomicUsize,
    registry: Mutex<Registry>,
    /// For spans ended where a thread's own slot cannot be used: during
    /// thread-local teardown, or ended reentrantly inside `on_end`.
    fallback: Arc<Slot>,
    /// Spans per chunk: [`THREAD_CHUNK_SIZE`] at most, never past a batch.
    chunk: usize,
    exported: AtomicU64,
    dropped: AtomicU64,
    warned_full: AtomicBool,
    config: BatchConfig,
}

/// Every slot of a processor, so the worker can reach spans any thread holds.
struct Registry {
    slots: Vec<Arc<Slot>>,
    closed: bool,
}

/// Spans held for the worker, gathered on the thread that ended them.
type Chunk = Vec<SpanData>;

/// One thread's spans for one processor.
#[derive(Default)]
struct Slot(Mutex<SlotState>);

#[derive(Default)]
struct SlotState {
    /// The chunk being filled.
    chunk: Chunk,
    /// Full chunks, oldest first, counted in `Shared::queued`.
    full: Vec<Chunk>,
    /// Spans this slot may still take in without asking `Shared::room`.
    credits: usize,
    closed: bool,
}

/// Why a span was not taken in.
enum Refused {
    Closed,
    Full,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refused::Closed => "the batch processor is shut down",
            Refused::Full => "the batch queue is full",
        })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

thread_local! {
    /// This thread's slot in each batch processor it ended spans into, by
    /// processor id.
    static SLOTS: RefCell<Vec<(u64, Arc<Slot>)>> = const { RefCell::new(Vec::new()) };
}

impl Slot {
    /// Takes `span` in; `Ok(true)` when it completed a batch for the worker.
    #[inline(always)]
    fn push(&self, span: SpanData, shared: &Shared) -> Result<bool, Refused> {
        let mut slot = lock(&self.0);
        let refused = if slot.closed {
            Some(Refused::Closed)
        } else if slot.credits == 0 {
            slot.credits = shared.reserve();
            (slot.credits == 0).then_some(Refused::Full)
        } else {
            None
        };
        if let Some(why) = refused {
            // Dropped outside the lock.
            drop(slot);
            drop(span);
            return Err(why);
        }
        slot.credits -= 1;
        if slot.chunk.capacity() == 0 {
            slot.chunk.reserve_exact(shared.chunk);
        }
        slot.chunk.push(span);
        if slot.chunk.len() < shared.chunk {
            return Ok(false);
        }
        let chunk = mem::take(&mut slot.chunk);
        let n = chunk.len();
        slot.full.push(chunk);
        // Counted under the lock, so the worker never takes a chunk before
        // it is counted.
        let before = shared.queued.fetch_add(n, Ordering::Relaxed);
        let batch = shared.config.max_export_batch_size;
        Ok(before < batch && before + n >= batch)
    }
}

impl Shared {
    /// Reserves room for up to one chunk; 0 when the queue is full.
    fn reserve(&self) -> usize {
        let mut room = self.room.load(Ordering::Relaxed);
        while room > 0 {
            let take = room.min(self.chunk);
            match self.room.compare_exchange_weak(
                room,
                room - take,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return take,
                Err(now) => room = now,
            }
        }
        0
    }

    /// This thread's slot in this processor, registered on first use;
    /// `None` once the processor is closed.
    fn local_slot<'a>(&self, slots: &'a mut Vec<(u64, Arc<Slot>)>) -> Option<&'a Arc<Slot>> {
        if let Some(i) = slots.iter().position(|(id, _)| *id == self.id) {
            return Some(&slots[i].1);
        }
        // New here: forget the slots of processors that have stopped.
        slots.retain(|(_, slot)| !lock(&slot.0).closed);
        let slot = Arc::new(Slot::default());
        {
            let mut registry = lock(&self.registry);
            if registry.closed {
                return None;
            }
            registry.slots.push(Arc::clone(&slot));
        }
        slots.push((self.id, slot));
        slots.last().map(|(_, slot)| slot)
    }

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
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let config = config.validated();
        let fallback = Arc::new(Slot::default());
        let shared = Arc::new(Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            closed: AtomicBool::new(false),
            room: AtomicUsize::new(config.max_queue_size),
            queued: AtomicUsize::new(0),
            registry: Mutex::new(Registry {
                slots: vec![Arc::clone(&fallback)],
                closed: false,
            }),
            fallback,
            chunk: THREAD_CHUNK_SIZE.min(config.max_export_batch_size),
            exported: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            warned_full: AtomicBool::new(false),
            config,
        });
        let worker = match start(Box::new(exporter), &shared) {
            Ok(worker) => Some(worker),
            Err(e) => {
                shared.closed.store(true, Ordering::Release);
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
        let worker = match &self.worker {
            Some(worker) if !shared.closed.load(Ordering::Relaxed) => worker,
            _ => {
                drop(span);
                shared.drop_spans(1, &Refused::Closed);
                return;
            }
        };
        // Checked apart so that the span is moved only once it has a home:
        // during thread-local teardown it goes to the shared fallback slot.
        let pushed = if SLOTS.try_with(|_| ()).is_ok() {
            SLOTS
                .try_with(|slots| match slots.try_borrow_mut() {
                    Ok(mut slots) => match shared.local_slot(&mut slots) {
                        Some(slot) => slot.push(span, shared),
                        None => Err(Refused::Closed),
                    },
                    // Ended reentrantly, from inside this very call.
                    Err(_) => shared.fallback.push(span, shared),
                })
                .unwrap_or(Err(Refused::Closed))
        } else {
            shared.fallback.push(span, shared)
        };
        match pushed {
            Ok(true) => worker.thread.unpark(),
            Ok(false) => {}
            Err(why) => shared.drop_spans(1, &why),
        }
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
        self.shared.closed.store(true, Ordering::Release);
        self.request(|ack| Control::Shutdown { deadline, ack }, deadline)
    }
}

impl Drop for BatchProcessor {
    fn drop(&mut self) {
        // Dropping the control sender tells the worker to finish on its own
        // (within one export timeout); nobody waits for it here.
        self.shared.closed.store(true, Ordering::Release);
        if let Some(worker) = self.worker.take() {
            let thread = worker.thread.clone();
            drop(worker);
            thread.unpark();
        }
    }
}

/// Starts the worker and the export helper threads.
fn start(exporter: Box<dyn SpanExporter>, shared: &Arc<Shared>) -> std::io::Result<WorkerHandle> {
    let (control, requests) = mpsc::channel();
    let runner = Runner::start(exporter)?;
    let mut worker = Worker {
        shared: Arc::clone(shared),
        requests,
        runner,
        pending: VecDeque::new(),
        pending_len: 0,
        taken: Vec::new(),
    };
    let handle = thread::Builder::new()
        .name("baton-batch".into())
        .spawn(move || pipeline::while_suppressed(|| worker.run()))?;
    Ok(WorkerHandle {
        control,
        thread: handle.thread().clone(),
    })
}

/// How much of a shutdown budget is kept for the final bookkeeping, so the
/// counters are settled when the caller's deadline comes.
fn bookkeeping_margin(budget: Duration) -> Duration {
    (budget / 10).min(Duration::from_millis(50))
}

/// What to take from the slots.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// Published chunks only.
    Full,
    /// Chunks being filled too.
    Everything,
    /// Everything, and close the slots to new spans.
    Final,
}

struct Worker {
    shared: Arc<Shared>,
    requests: Receiver<Control>,
    runner: Runner,
    /// Chunks taken from the slots, oldest of each thread first.
    pending: VecDeque<Chunk>,
    /// Spans in `pending`.
    pending_len: usize,
    /// A slot's `full` list, swapped out under its lock and kept for reuse.
    taken: Vec<Chunk>,
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
            let batch = self.shared.config.max_export_batch_size;
            let now = Instant::now();
            if now >= next_export {
                self.collect(Collect::Everything);
                while self.export_batch(None) > 0 {}
                next_export = Instant::now() + delay;
                continue;
            }
            if self.shared.queued.load(Ordering::Relaxed) >= batch {
                self.collect(Collect::Full);
                while self.pending_len >= batch {
                    self.export_batch(None);
                }
                continue;
            }
            thread::park_timeout(next_export.saturating_duration_since(now));
        }
    }

    /// Moves spans from every slot to `pending`, each thread's in the order
    /// they ended, and forgets the slots of threads that are gone.
    fn collect(&mut self, what: Collect) {
        let shared = &*self.shared;
        let mut registry = lock(&shared.registry);
        registry.closed |= what == Collect::Final;
        registry.slots.retain(|slot| {
            let mut state = lock(&slot.0);
            state.closed |= what == Collect::Final;
            if !state.full.is_empty() {
                mem::swap(&mut state.full, &mut self.taken);
                let n: usize = self.taken.iter().map(Vec::len).sum();
                shared.queued.fetch_sub(n, Ordering::Relaxed);
                self.pending_len += n;
                self.pending.extend(self.taken.drain(..));
            }
            if what != Collect::Full {
                if !state.chunk.is_empty() {
                    self.pending_len += state.chunk.len();
                    self.pending.push_back(mem::take(&mut state.chunk));
                }
                let unused = mem::take(&mut state.credits);
                shared.room.fetch_add(unused, Ordering::Relaxed);
            }
            let empty = state.full.is_empty() && state.chunk.is_empty();
            drop(state);
            // Only the registry holds it: its thread has exited.
            !(empty && Arc::strong_count(slot) == 1)
        });
    }

    /// Takes up to one batch from `pending`.
    fn take_batch(&mut self) -> Vec<SpanData> {
        let limit = self.shared.config.max_export_batch_size;
        let want = limit.min(self.pending_len);
        let mut batch = Vec::with_capacity(want);
        while batch.len() < want {
            let Some(front) = self.pending.front_mut() else {
                break;
            };
            let n = front.len().min(want - batch.len());
            batch.extend(front.drain(..n));
            if front.is_empty() {
                self.pending.pop_front();
            }
        }
        self.pending_len -= batch.len();
        self.shared.room.fetch_add(batch.len(), Ordering::Relaxed);
        batch
    }

    /// Exports one batch from `pending`, giving up at `deadline` if it comes
    /// before the export timeout; returns how many spans it took.
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

    /// Exports every span ended before the flush was asked for (not what
    /// producers add meanwhile, so a flush ends under load), then flushes
    /// the exporter.
    fn flush(&mut self) -> Result<(), ExportError> {
        self.collect(Collect::Everything);
        while self.export_batch(None) > 0 {}
        let deadline = Instant::now() + self.shared.config.export_timeout;
        self.runner.run(Job::Flush, deadline)
    }

    fn shutdown(&mut self, deadline: Instant) -> Result<(), ExportError> {
        let margin = bookkeeping_margin(deadline.saturating_duration_since(Instant::now()));
        let deadline = deadline.checked_sub(margin).unwrap_or(deadline);
        // Closing each slot under its lock makes the cut exact: a producer
        // either got its span in before, or finds the slot closed and counts
        // the span as dropped.
        self.collect(Collect::Final);
        while Instant::now() < deadline && self.export_batch(Some(deadline)) > 0 {}
        let late = mem::take(&mut self.pending_len) as u64;
        self.pending.clear();
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

//! What producers, the worker and callers of a batch processor share: the
//! per-thread slots where spans gather, the bounded queue they are handed
//! to in chunks, and the counters.

use std::collections::VecDeque;
use std::fmt;
use std::mem;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::clock::fix_anchor;
use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::EndedSpan;
use crate::export::batch_config::BatchConfig;
use crate::export::batch_event::Event;
use crate::export::export_batch::{Batch, Chunk};
use crate::export::span_lane::{Lane, PackedSpan};
use crate::export::stats::BatchStats;
use crate::export::tally::Tally;
use crate::local_batch::{Linger, THREAD_CHUNK_SIZE};

/// Emptied chunk buffers kept for reuse.
const SPARE_CHUNKS: usize = 16;

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One thread's spans for one processor, not yet handed to the queue: the
/// plain ones in its lane, the others in its stage. The lane's spans are
/// always the newer, and follow the stage's to the queue.
///
/// Slots live for the whole process and are reused: a thread holds its slot
/// as `&'static`, so ending a span moves the record once, into the slot,
/// with no reference count. [`Slot::reuse`] takes one back when its thread
/// or its processor is done; there are never more than the most (thread,
/// processor) pairs alive at once.
#[derive(Default)]
pub(crate) struct Slot {
    stage: Mutex<Stage>,
    pub(crate) lane: Lane,
}

/// Slots no thread uses, for the next thread.
static FREE_SLOTS: Mutex<Vec<&'static Slot>> = Mutex::new(Vec::new());

impl Slot {
    /// A slot no one else holds.
    fn take() -> &'static Slot {
        let reused = lock(&FREE_SLOTS).pop();
        reused.unwrap_or_else(|| Box::leak(Box::default()))
    }

    /// Gives back a slot that its thread no longer uses and that no
    /// processor's registry lists any more.
    pub(crate) fn reuse(slot: &'static Slot) {
        *lock(&slot.stage) = Stage::default();
        slot.lane.reset();
        lock(&FREE_SLOTS).push(slot);
    }
}

#[derive(Default)]
struct Stage {
    spans: Vec<EndedSpan>,
    linger: Linger,
    /// Spans this thread handed to the processor, for [`BatchStats`].
    produced: u64,
    closed: bool,
}

impl Stage {
    /// Whether spans that ended from `first` to `last`, added now, make the
    /// chunk due by lingering (see [`Linger`]).
    #[inline]
    fn lingered(&mut self, first: Instant, last: Instant) -> bool {
        let empty = self.spans.is_empty();
        self.linger.passed(empty, first, last)
    }
}

struct Queue {
    /// Chunks in the order they were handed over.
    chunks: VecDeque<Chunk>,
    /// Spans in `chunks`: at most `max_queue_size`.
    len: usize,
    /// Batches taken for export that the export thread has not started
    /// (at most the worker's `JOBS_AHEAD`): kept here, a shutdown that
    /// abandons them counts them dropped at once.
    ahead: VecDeque<Batch>,
    /// Exports handed to the export thread that it has not finished: the
    /// batches `ahead`, and the one it exports.
    exporting: usize,
    /// When the export thread last made progress with the exports it
    /// holds: it finished one, or was handed the first while it held none.
    exporting_since: Instant,
    /// The worker has work it cannot hand over until an export finishes,
    /// and waits to be woken when one does.
    waits_for_export: bool,
    /// Emptied batches, for the worker's next exports.
    spare_batches: Vec<Batch>,
    spare: Vec<Vec<EndedSpan>>,
    spare_packed: Vec<Vec<PackedSpan>>,
    closed: bool,
}

/// An empty chunk buffer: one of `spare`, or a new one of `chunk` spans.
fn spare_chunk<T>(spare: &mut Vec<Vec<T>>, chunk: usize) -> Vec<T> {
    spare.pop().unwrap_or_else(|| Vec::with_capacity(chunk))
}

impl Queue {
    /// Moves up to `max` spans from the front of the queue into `batch`,
    /// as whole chunks: the worker then copies no span, and the export
    /// thread converts each straight from the chunk its thread filled.
    /// Only a chunk that does not fit whole is split.
    fn take(&mut self, batch: &mut Batch, max: usize, chunk: usize) -> usize {
        let want = max.min(self.len);
        let mut taken = 0;
        while taken < want {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let n = front.len().min(want - taken);
            if n == front.len() {
                batch.chunks.extend(self.chunks.pop_front());
            } else {
                batch.chunks.push(match front {
                    Chunk::Spans(spans) => Chunk::Spans(split(spans, n, &mut self.spare, chunk)),
                    Chunk::Packed(spans) => {
                        Chunk::Packed(split(spans, n, &mut self.spare_packed, chunk))
                    }
                });
            }
            taken += n;
        }
        self.len -= taken;
        taken
    }

    /// Takes up to `max` spans from the front as an export the export
    /// thread holds from now on, and how many it took.
    fn start_export(&mut self, max: usize, chunk: usize) -> (Batch, usize) {
        let mut batch = self.spare_batches.pop().unwrap_or_default();
        let taken = self.take(&mut batch, max, chunk);
        if self.exporting == 0 {
            self.exporting_since = Instant::now();
        }
        self.exporting += 1;
        (batch, taken)
    }

    /// Moves `spans` (emptying it) to the back of the queue: into the last
    /// chunk if it holds spans and has room, else into a new chunk.
    fn append_spans(&mut self, spans: &mut Vec<EndedSpan>, chunk: usize) {
        if spans.is_empty() {
            return;
        }
        if let Some(Chunk::Spans(last)) = self.chunks.back_mut() {
            if last.spare_capacity_mut().len() >= spans.len() {
                // One block copy.
                last.append(spans);
                return;
            }
        }
        let mut fresh = spare_chunk(&mut self.spare, chunk);
        fresh.append(spans);
        self.chunks.push_back(Chunk::Spans(fresh));
    }

    /// Takes the `count` oldest spans of `lane`, moving the first `take` to
    /// the back of the queue as [`append_spans`](Queue::append_spans) does.
    fn append_lane(&mut self, lane: &Lane, count: usize, take: usize, chunk: usize) {
        if take > 0 {
            if let Some(Chunk::Packed(last)) = self.chunks.back_mut() {
                if last.spare_capacity_mut().len() >= take {
                    lane.take(count, take, last);
                    return;
                }
            }
        }
        let mut fresh = spare_chunk(&mut self.spare_packed, chunk);
        lane.take(count, take, &mut fresh);
        if fresh.is_empty() {
            self.spare_packed.push(fresh);
        } else {
            self.chunks.push_back(Chunk::Packed(fresh));
        }
    }
}

/// Moves the first `n` spans of `from` into a buffer taken from `spare`.
fn split<T>(from: &mut Vec<T>, n: usize, spare: &mut Vec<Vec<T>>, chunk: usize) -> Vec<T> {
    let mut part = spare_chunk(spare, chunk);
    part.extend(from.drain(..n));
    part
}

/// Every live slot, so the worker can reach spans any thread holds.
struct Registry {
    slots: Vec<&'static Slot>,
    /// What the slots of exited threads had produced.
    retired_produced: u64,
    closed: bool,
}

/// Export batches queued, at most, before a producer wakes the worker.
const WAKE_BATCHES: usize = 8;

/// How many queued spans make a producer wake the worker: half the queue,
/// but no more than [`WAKE_BATCHES`] export batches, and no less than one.
///
/// Waking another thread is a system call, and on a virtual machine an
/// interrupt sent through the host: perf put it at an eighth of a child
/// span's time when it came once per 512 spans. Half the queue still leaves
/// the worker half the queue's room to respond in. A queue made larger
/// than that is room for a burst: woken at half of it, the worker started
/// late, and a burst of 100,000 spans into 65,536 lost some whenever the
/// worker was not scheduled before the other half filled (with the other
/// core busy: 52 of 240 bursts, against 7 of 240 woken at eight batches).
/// An export that finishes with a full batch queued wakes the worker to
/// take it, and the schedule delay exports the rest.
fn wake_at(config: &BatchConfig) -> usize {
    let half = config.max_queue_size / 2;
    let batch = config.max_export_batch_size;
    batch.max(half.min(batch.saturating_mul(WAKE_BATCHES)))
}

/// Why spans were not taken in.
#[derive(Clone, Copy)]
pub(crate) enum Refused {
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

/// What to do once every lock is released: wake the worker, report drops.
#[must_use]
#[derive(Default)]
pub(crate) struct Handed {
    wake: bool,
    dropped: Option<(u64, Refused)>,
}

impl Handed {
    /// Both hand-overs' work: the worker woken if either asks, their drops
    /// reported together (for the later one's reason).
    fn and(self, later: Handed) -> Handed {
        let dropped = match (self.dropped, later.dropped) {
            (Some((a, _)), Some((b, why))) => Some((a + b, why)),
            (a, b) => b.or(a),
        };
        Handed {
            wake: self.wake || later.wake,
            dropped,
        }
    }

    /// Asks for the worker to be woken.
    pub(crate) fn wake(mut self) -> Handed {
        self.wake = true;
        self
    }
}

pub(crate) struct Shared {
    /// Tells this processor's slots apart from other processors' in a
    /// thread's list (an address could be reused).
    pub(crate) id: u64,
    pub(crate) config: BatchConfig,
    /// Spans per thread chunk.
    pub(crate) chunk: usize,
    /// Queued spans at which a producer wakes the worker; see [`wake_at`].
    wake_at: usize,
    /// Set when the processor stops taking spans (the slots and the queue
    /// carry their own flag, set under their lock, for the exact cut).
    pub(crate) closed: AtomicBool,
    /// Set when a shutdown stopped waiting: the worker stops at once.
    pub(crate) abandoned: AtomicBool,
    queue: Mutex<Queue>,
    registry: Mutex<Registry>,
    pub(crate) tally: Tally,
    /// Spans taken in outside any slot: during thread teardown, or
    /// re-entrantly (those refused after shutdown are the tally's).
    produced_direct: AtomicU64,
    warned_full: AtomicBool,
    wake_pending: AtomicBool,
    pub(crate) events: Sender<Event>,
}

impl Shared {
    pub(crate) fn new(id: u64, config: BatchConfig, events: Sender<Event>) -> Shared {
        // Lanes write a span's end as the time since the clock's anchor.
        fix_anchor();
        Shared {
            id,
            chunk: THREAD_CHUNK_SIZE.min(config.max_export_batch_size),
            wake_at: wake_at(&config),
            config,
            closed: AtomicBool::new(false),
            abandoned: AtomicBool::new(false),
            queue: Mutex::new(Queue {
                chunks: VecDeque::new(),
                len: 0,
                ahead: VecDeque::new(),
                exporting: 0,
                exporting_since: Instant::now(),
                waits_for_export: false,
                spare_batches: Vec::new(),
                spare: Vec::new(),
                spare_packed: Vec::new(),
                closed: false,
            }),
            registry: Mutex::new(Registry {
                slots: Vec::new(),
                retired_produced: 0,
                closed: false,
            }),
            tally: Tally::default(),
            produced_direct: AtomicU64::new(0),
            warned_full: AtomicBool::new(false),
            wake_pending: AtomicBool::new(false),
            events,
        }
    }

    /// A new slot for the calling thread; `None` once the processor is closed.
    pub(crate) fn register(&self) -> Option<&'static Slot> {
        let mut registry = lock(&self.registry);
        if registry.closed {
            return None;
        }
        let slot = Slot::take();
        // Sized once, here: the slot keeps its buffer while its thread
        // lives (see `publish`), so ending a span never allocates.
        lock(&slot.stage).spans.reserve_exact(self.chunk);
        registry.slots.push(slot);
        Some(slot)
    }

    /// Locks `slot`'s stage, with its lane emptied: every reader of a lane
    /// holds this lock. The lane's spans are newer than the stage's, so
    /// when there are any, both go to the queue, the stage's first; once
    /// the slot is closed, the lane's (written as it closed) are dropped.
    /// What to do once every lock is released comes back with the lock.
    fn lock_slot<'a>(&self, slot: &'a Slot) -> (MutexGuard<'a, Stage>, Handed) {
        let mut stage = lock(&slot.stage);
        let count = slot.lane.len();
        if count == 0 {
            return (stage, Handed::default());
        }
        if stage.closed {
            slot.lane.take(count, 0, &mut Vec::new());
            return (stage, self.refused(count));
        }
        stage.produced += count as u64;
        let mut handed = Handed::default();
        if !stage.spans.is_empty() {
            handed = self.publish(&mut stage.spans);
        }
        (stage, handed.and(self.publish_lane(&slot.lane, count)))
    }

    /// Hands over `slot`'s spans, its lane's with them: its thread's lane
    /// holds a chunk, or has lingered.
    pub(crate) fn hand_over(&self, slot: &Slot) -> Handed {
        self.lock_slot(slot).1
    }

    /// Takes `span` into its thread's `slot`, handing the chunk to the queue
    /// when it is full or has lingered. No other thread touches the slot
    /// but the worker, now and then: the lock is uncontended.
    #[inline]
    pub(crate) fn stage(&self, slot: &Slot, span: EndedSpan) -> Handed {
        let (mut stage, handed) = self.lock_slot(slot);
        if stage.closed {
            drop(stage);
            return handed.and(self.refuse(span));
        }
        stage.produced += 1;
        let end = span.end_instant();
        let lingered = stage.lingered(end, end);
        stage.spans.push(span);
        if stage.spans.len() < self.chunk && !lingered {
            return handed;
        }
        handed.and(self.publish(&mut stage.spans))
    }

    /// Takes spans that one thread gathered (in the order they ended) into
    /// its `slot`, emptying `spans`, as [`stage`](Shared::stage) takes one:
    /// a batch smaller than a chunk waits there with the thread's other
    /// spans, so that a thread whose entered spans have no children takes
    /// the queue's lock once per chunk, not once per span. The slot's spans
    /// go first, and the slot never holds more than a chunk. `exiting`: the
    /// thread is exiting, and everything goes to the queue now.
    pub(crate) fn stage_batch(
        &self,
        slot: &Slot,
        spans: &mut Vec<EndedSpan>,
        exiting: bool,
    ) -> Handed {
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
            return Handed::default();
        };
        let (first, last) = (first.end_instant(), last.end_instant());
        let (mut stage, mut handed) = self.lock_slot(slot);
        if stage.closed {
            drop(stage);
            return handed.and(self.refuse_all(spans));
        }
        stage.produced += spans.len() as u64;
        if !stage.spans.is_empty() && (exiting || stage.spans.len() + spans.len() > self.chunk) {
            handed = handed.and(self.publish(&mut stage.spans));
        }
        if exiting || spans.len() >= self.chunk {
            // Straight to the queue: copied into the slot first, a full
            // batch cost each of its spans about 14 instructions more
            // (callgrind, `.ci/instructions child`).
            return handed.and(self.publish(spans));
        }
        let lingered = stage.lingered(first, last);
        stage.spans.append(spans);
        if stage.spans.len() >= self.chunk || lingered {
            handed = handed.and(self.publish(&mut stage.spans));
        }
        handed
    }

    /// Counts `span` as produced and dropped: the processor is shut down.
    pub(crate) fn refuse(&self, span: EndedSpan) -> Handed {
        drop(span);
        self.refused(1)
    }

    /// Counts `spans` as produced and dropped, emptying it: the processor
    /// is shut down.
    pub(crate) fn refuse_all(&self, spans: &mut Vec<EndedSpan>) -> Handed {
        let count = spans.len();
        spans.clear();
        self.refused(count)
    }

    /// Counts `count` spans as produced and dropped in one count (see
    /// [`Tally::refused`]): the processor is shut down.
    fn refused(&self, count: usize) -> Handed {
        let count = count as u64;
        self.tally.refused(count);
        Handed {
            wake: false,
            dropped: (count > 0).then_some((count, Refused::Closed)),
        }
    }

    /// Hands one span straight to the queue, where its thread's slot cannot
    /// be used (thread-local teardown, or ended inside this processor).
    pub(crate) fn push_direct(&self, span: EndedSpan) -> Handed {
        self.push_all_direct(&mut vec![span])
    }

    /// Hands `spans` straight to the queue, emptying it, where their
    /// thread's slot cannot be used.
    pub(crate) fn push_all_direct(&self, spans: &mut Vec<EndedSpan>) -> Handed {
        let queue = lock(&self.queue);
        // Decided under the queue's lock, which closes after every slot: a
        // queue closed by then refuses them (see `refused`); one still open
        // takes them, as far as it has room, before it closes.
        if queue.closed {
            drop(queue);
            return self.refuse_all(spans);
        }
        self.produced_direct
            .fetch_add(spans.len() as u64, Ordering::SeqCst);
        let mut handed = self.admit_locked(queue, spans.len(), |queue, take| {
            spans.truncate(take);
            queue.append_spans(spans, self.chunk);
        });
        handed.wake = true;
        handed
    }

    /// Moves `spans` into the queue as far as it has room, dropping (and
    /// counting) the newest that do not fit.
    ///
    /// The spans are moved into the queue's own chunks, and `spans` keeps
    /// its buffer. A thread's slot buffer thus stays in that thread's cache:
    /// ending a span writes to memory no other core has read since. Swapping
    /// the filled buffer for an emptied one instead made each span's writes
    /// miss (the export thread had read those lines last), and the slot's
    /// unlock, which waits for pending writes, took a sixth of a child span's
    /// time (perf, `.ci/instructions child`).
    fn publish(&self, spans: &mut Vec<EndedSpan>) -> Handed {
        self.admit(spans.len(), |queue, take| {
            spans.truncate(take);
            queue.append_spans(spans, self.chunk);
        })
    }

    /// Moves the `count` oldest spans of `lane` into the queue as their
    /// words, as [`publish`](Shared::publish) moves spans. Only under the
    /// lane's slot's lock.
    fn publish_lane(&self, lane: &Lane, count: usize) -> Handed {
        self.admit(count, |queue, take| {
            queue.append_lane(lane, count, take, self.chunk);
        })
    }

    /// Lets as many of `offered` spans into the queue as it has room for:
    /// `fill` moves the first `take` of them into the queue (and lets go of
    /// the rest); the newest that do not fit are dropped and counted.
    fn admit(&self, offered: usize, fill: impl FnOnce(&mut Queue, usize)) -> Handed {
        self.admit_locked(lock(&self.queue), offered, fill)
    }

    /// [`admit`](Shared::admit) under the queue's lock, `queue`, which the
    /// caller took; released before it returns.
    #[inline]
    fn admit_locked(
        &self,
        mut queue: MutexGuard<'_, Queue>,
        offered: usize,
        fill: impl FnOnce(&mut Queue, usize),
    ) -> Handed {
        let (take, why) = if queue.closed {
            (0, Refused::Closed)
        } else {
            let room = self.config.max_queue_size - queue.len;
            (offered.min(room), Refused::Full)
        };
        let before = queue.len;
        queue.len += take;
        fill(&mut queue, take);
        let wake = before < self.wake_at && queue.len >= self.wake_at;
        // Counted under the lock, like every loss (see `abandon`).
        self.count_dropped(offered - take);
        let dropped = (offered - take) as u64;
        if matches!(why, Refused::Closed) {
            // Each such drop is reported (see `settle_slow`), as each
            // span refused is by `Tally::refused`, which counts its own.
            self.tally.said(dropped);
        }
        drop(queue);
        Handed {
            wake,
            dropped: (dropped > 0).then_some((dropped, why)),
        }
    }

    /// Hands over what an exiting thread gathered, and forgets its slot,
    /// which the caller may then [reuse](Slot::reuse).
    pub(crate) fn leave(&self, slot: &'static Slot) {
        let handed = {
            // Only this thread writes the lane.
            let held = slot.lane.len() > 0;
            let (mut stage, mut handed) = self.lock_slot(slot);
            if held || !stage.spans.is_empty() {
                handed = handed.and(self.publish(&mut stage.spans));
                // Exported without waiting for the schedule.
                handed.wake = true;
            }
            // The buffer is not needed any more.
            stage.spans = Vec::new();
            handed
        };
        let mut registry = lock(&self.registry);
        if let Some(i) = registry.slots.iter().position(|s| std::ptr::eq(*s, slot)) {
            let slot = registry.slots.swap_remove(i);
            registry.retired_produced += lock(&slot.stage).produced;
        }
        drop(registry);
        self.settle(handed);
    }

    /// Wakes the worker and reports drops, once every lock is released.
    #[inline]
    pub(crate) fn settle(&self, handed: Handed) {
        if handed.wake || handed.dropped.is_some() {
            self.settle_slow(handed);
        }
    }

    #[cold]
    fn settle_slow(&self, handed: Handed) {
        if handed.wake {
            self.wake();
        }
        match handed.dropped {
            // Said each time, as the pipeline says each span that ends
            // after its shutdown: no later call of a closed processor
            // returns it (found by the export audit: once a full queue had
            // been said, such a drop was said nowhere).
            Some((count, why @ Refused::Closed)) => {
                report(
                    DiagnosticKind::SpanDropped,
                    &format_args!("{count} span(s) dropped: {why}"),
                    None,
                );
            }
            // Said once: a flush or shutdown returns the rest. Loaded
            // first: under a flood every drop comes here, and a swap would
            // make all producers fight over this cache line.
            Some((count, why @ Refused::Full))
                if !self.warned_full.load(Ordering::Relaxed)
                    && !self.warned_full.swap(true, Ordering::Relaxed) =>
            {
                self.tally.said(count);
                report(
                    DiagnosticKind::SpanDropped,
                    &format_args!("{count} span(s) dropped: {why}; further drops are counted and returned by flush and shutdown"),
                    None,
                );
            }
            Some((_, Refused::Full)) | None => {}
        }
    }

    fn wake(&self) {
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            let _ = self.events.send(Event::Wake);
        }
    }

    /// Called by the worker when it handles a wake: later ones send again.
    pub(crate) fn woken(&self) {
        self.wake_pending.store(false, Ordering::Release);
    }

    /// Spans waiting in the queue.
    pub(crate) fn queued(&self) -> usize {
        lock(&self.queue).len
    }

    /// Moves what every thread gathered into the queue (dropping what does
    /// not fit). With `close`, the
    /// slots and then the queue stop taking spans: a producer either got
    /// its span in before, or finds its slot closed and counts it dropped.
    pub(crate) fn collect(&self, close: bool) {
        let mut dropped = Handed::default();
        let mut registry = lock(&self.registry);
        registry.closed |= close;
        for slot in &registry.slots {
            let (mut stage, lane) = self.lock_slot(slot);
            stage.closed |= close;
            dropped = dropped.and(lane);
            if !stage.spans.is_empty() {
                dropped = dropped.and(self.publish(&mut stage.spans));
            }
        }
        drop(registry);
        if close {
            lock(&self.queue).closed = true;
        }
        dropped.wake = false;
        self.settle(dropped);
    }

    /// Moves up to `max` spans from the front of the queue into `batch`
    /// (see [`Queue::take`]).
    #[cfg(test)]
    pub(crate) fn take_batch(&self, batch: &mut Batch, max: usize) -> usize {
        lock(&self.queue).take(batch, max, self.chunk)
    }

    /// Takes up to `max` spans from the front of the queue as the next
    /// export and leaves them for the export thread, which takes them with
    /// [`start_ahead`](Shared::start_ahead) when it comes to its job; how
    /// many it took. `None`, with nothing taken, while the export thread
    /// holds `most` exports: the export that finishes first then wakes the
    /// worker ([`Event::Exported`]). Asked and marked in one lock, so that
    /// no export finishes unseen in between.
    pub(crate) fn hand_batch(&self, max: usize, most: usize) -> Option<usize> {
        let mut queue = lock(&self.queue);
        if queue.exporting >= most {
            queue.waits_for_export = true;
            return None;
        }
        let (batch, taken) = queue.start_export(max, self.chunk);
        queue.ahead.push_back(batch);
        Some(taken)
    }

    /// The batch handed ahead first; `None` once a flush took it or a
    /// shutdown abandoned it.
    pub(crate) fn start_ahead(&self) -> Option<Batch> {
        lock(&self.queue).ahead.pop_front()
    }

    /// Spans queued or in batches handed ahead: what a flush that starts
    /// now exports before it answers.
    pub(crate) fn unexported(&self) -> usize {
        let queue = lock(&self.queue);
        queue.len + queue.ahead.iter().map(Batch::len).sum::<usize>()
    }

    /// The oldest spans held, as an export the export thread runs at once:
    /// the batch handed ahead first, or else up to `max` spans from the
    /// front of the queue if it holds at least `least`; `None` otherwise.
    /// One lock for both: looked at in two, a batch the worker handed ahead
    /// in between was in neither, and a flush answered without it (1 run in
    /// about 100 of `api_matrix_with_a_batch_pipeline` with 18 test
    /// threads).
    pub(crate) fn start_held(&self, max: usize, least: usize) -> Option<Batch> {
        let mut queue = lock(&self.queue);
        if let Some(batch) = queue.ahead.pop_front() {
            return Some(batch);
        }
        if queue.len < least.max(1) {
            return None;
        }
        Some(queue.start_export(max, self.chunk).0)
    }

    /// Takes back `batch`, exported and emptied by the export thread: its
    /// chunk buffers for threads to fill again, itself for the worker's
    /// next export. Whether the worker has work for the export slot this
    /// frees (see [`Event::Exported`]).
    pub(crate) fn exported(&self, mut batch: Batch) -> bool {
        debug_assert!(batch.chunks.iter().all(|c| c.len() == 0));
        let mut queue = lock(&self.queue);
        // A closed queue takes no more spans: its buffers would only wait
        // for the processor to be dropped.
        if !queue.closed {
            for chunk in batch.chunks.drain(..) {
                match chunk {
                    Chunk::Spans(spans) if queue.spare.len() < SPARE_CHUNKS => {
                        queue.spare.push(spans);
                    }
                    Chunk::Packed(spans) if queue.spare_packed.len() < SPARE_CHUNKS => {
                        queue.spare_packed.push(spans);
                    }
                    _ => {}
                }
            }
            // One at most per export running at once: no bound needed.
            queue.spare_batches.push(batch);
        }
        queue.exporting = queue.exporting.saturating_sub(1);
        queue.exporting_since = Instant::now();
        mem::take(&mut queue.waits_for_export) || queue.len >= self.config.max_export_batch_size
    }

    /// How many exports the export thread holds, and since when it has
    /// made no progress with them (see [`Queue::exporting_since`]).
    pub(crate) fn exporting(&self) -> (usize, Instant) {
        let queue = lock(&self.queue);
        (queue.exporting, queue.exporting_since)
    }

    /// Counts the batches handed ahead as failed: the export thread is
    /// gone and will never take them.
    pub(crate) fn fail_ahead(&self) {
        let ahead = {
            let mut queue = lock(&self.queue);
            let ahead = mem::take(&mut queue.ahead);
            queue.exporting = queue.exporting.saturating_sub(ahead.len());
            ahead
        };
        self.tally
            .failed(ahead.iter().map(|b| b.len() as u64).sum());
    }

    /// Stops everything at once, for a shutdown whose deadline passed: the
    /// slots and the queue close, and what they hold is dropped and counted.
    /// Only spans inside an export that has not returned stay in flight.
    pub(crate) fn abandon(&self) {
        self.abandoned.store(true, Ordering::SeqCst);
        self.closed.store(true, Ordering::SeqCst);
        // Each loss is counted before its lock is released: a caller that
        // finds a slot or the queue empty (another thread abandoning at the
        // same time) then reads counts that already include it.
        let mut registry = lock(&self.registry);
        registry.closed = true;
        let mut lanes = Handed::default();
        for slot in &registry.slots {
            let (mut stage, lane) = self.lock_slot(slot);
            lanes = lanes.and(lane);
            stage.closed = true;
            self.count_dropped(stage.spans.len());
            stage.spans = Vec::new();
        }
        drop(registry);
        let held = {
            let mut queue = lock(&self.queue);
            queue.closed = true;
            queue.spare = Vec::new();
            queue.spare_packed = Vec::new();
            queue.len = 0;
            let ahead: usize = queue.ahead.iter().map(Batch::len).sum();
            self.count_dropped(queue.chunks.iter().map(Chunk::len).sum::<usize>() + ahead);
            // Their jobs find nothing ahead and finish no export.
            queue.exporting = queue.exporting.saturating_sub(queue.ahead.len());
            (mem::take(&mut queue.chunks), mem::take(&mut queue.ahead))
        };
        drop(held);
        self.wake_pending.store(false, Ordering::Release);
        self.settle(lanes.wake());
    }

    /// Lets go of the buffers kept for reuse, once a shutdown has exported
    /// what it held: this outlives the processor's threads in the pipeline
    /// [`init`](crate::init) keeps, and a service that installs pipelines
    /// again and again (a configuration reload) would keep each one's.
    pub(crate) fn release_buffers(&self) {
        let mut queue = lock(&self.queue);
        queue.spare = Vec::new();
        queue.spare_packed = Vec::new();
        queue.spare_batches = Vec::new();
        if queue.chunks.is_empty() {
            queue.chunks = VecDeque::new();
        }
        if queue.ahead.is_empty() {
            queue.ahead = VecDeque::new();
        }
    }

    fn count_dropped(&self, count: usize) {
        if count > 0 {
            self.tally.dropped(count as u64);
        }
    }

    /// The counters now.
    pub(crate) fn stats(&self) -> BatchStats {
        // Every lane emptied first: its spans are then counted produced (and
        // those written as the processor closed, dropped).
        let registry = lock(&self.registry);
        let lanes = registry
            .slots
            .iter()
            .fold(Handed::default(), |handed, slot| {
                handed.and(self.lock_slot(slot).1)
            });
        drop(registry);
        self.settle(lanes);
        self.tally.stats(|| {
            let registry = lock(&self.registry);
            let staged: u64 = registry.slots.iter().map(|s| lock(&s.stage).produced).sum();
            registry.retired_produced + staged + self.produced_direct.load(Ordering::SeqCst)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::span_slots::SpanSlots;
    use crate::id::SpanId;
    use crate::span_data::SpanData;

    fn shared(max_queue_size: usize, max_export_batch_size: usize) -> Shared {
        let config = BatchConfig {
            max_queue_size,
            max_export_batch_size,
            ..BatchConfig::default()
        };
        // The worker's end of the channel is dropped: nothing here waits on it.
        Shared::new(0, config.validated(), std::sync::mpsc::channel().0)
    }

    /// Hands over chunks of `size` spans until `chunks` were offered, and
    /// says after which the producer was told to wake the worker.
    fn wakes(shared: &Shared, size: usize, chunks: usize) -> Vec<usize> {
        (1..=chunks)
            .filter(|_| {
                let mut spans: Vec<EndedSpan> =
                    (0..size).map(|_| SpanData::minimal().into()).collect();
                shared.publish(&mut spans).wake
            })
            .collect()
    }

    #[test]
    fn a_producer_wakes_the_worker_once_when_the_queue_reaches_half() {
        let shared = shared(256, 32);
        // 32 spans a chunk: 128, half the queue, is reached by the 4th.
        assert_eq!(wakes(&shared, 32, 8), [4]);
        assert_eq!(shared.queued(), 256);
    }

    #[test]
    fn a_queue_larger_than_sixteen_batches_wakes_at_eight() {
        let shared = shared(1024, 16);
        // Half the queue would be 512; eight batches, 128, is reached by
        // the 4th chunk of 32.
        assert_eq!(wakes(&shared, 32, 32), [4]);
        assert_eq!(shared.queued(), 1024);
    }

    #[test]
    fn a_batch_larger_than_half_the_queue_wakes_at_a_batch() {
        let shared = shared(100, 80);
        assert_eq!(wakes(&shared, 20, 5), [4]);
    }

    fn minimal(count: usize) -> Vec<EndedSpan> {
        (0..count).map(|_| SpanData::minimal().into()).collect()
    }

    #[test]
    fn a_thread_batch_smaller_than_a_chunk_waits_in_the_slot() {
        let shared = shared(256, 8);
        let slot = Slot::default();
        let mut spans = minimal(3);
        let _ = shared.stage_batch(&slot, &mut spans, false);
        assert!(spans.is_empty());
        assert_eq!(shared.queued(), 0, "no queue lock for a small batch");
        // Five more make a chunk of eight: all of it goes to the queue.
        let _ = shared.stage_batch(&slot, &mut minimal(5), false);
        assert_eq!(shared.queued(), 8);
        // Past a chunk, the slot's spans go first, then the batch waits.
        let _ = shared.stage_batch(&slot, &mut minimal(6), false);
        let _ = shared.stage_batch(&slot, &mut minimal(6), false);
        assert_eq!(shared.queued(), 14);
        // An exiting thread's batch goes to the queue at once, with the slot's.
        let _ = shared.stage_batch(&slot, &mut minimal(1), true);
        assert_eq!(shared.queued(), 21);
        assert_eq!(lock(&slot.stage).produced, 21);
    }

    /// Writes `count` plain root spans named `name` into `slot`'s lane.
    fn write_lane(slot: &Slot, name: &'static str, count: usize) {
        use crate::ended_span::PlainParts;
        use crate::export::span_lane::LaneWriter;
        use crate::id::{SpanId, TraceId};
        use crate::span_context::{SpanContext, TraceFlags};
        use crate::span_data::SpanKind;

        crate::clock::fix_anchor();
        let mut writer = LaneWriter::default();
        let span_context =
            SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
        let now = Instant::now();
        for _ in 0..count {
            let span = PlainParts {
                span_context: &span_context,
                name,
                start: now,
                end: now,
                kind: SpanKind::Internal,
                parent_is_remote: false,
            };
            let _ = writer.push(&slot.lane, &span, 64);
        }
        assert_eq!(slot.lane.len(), count);
    }

    fn names_taken(shared: &Shared) -> Vec<String> {
        let mut batch = Batch::default();
        shared.take_batch(&mut batch, usize::MAX);
        let mut slots = SpanSlots::default();
        batch.drain_into(&mut slots);
        slots.spans().iter().map(|d| d.name.to_string()).collect()
    }

    #[test]
    fn a_slot_hands_over_its_stage_before_its_lane_and_counts_both() {
        let shared = shared(256, 8);
        let slot = shared.register().unwrap();
        let _ = shared.stage_batch(slot, &mut minimal(3), false);
        write_lane(slot, "laned", 2);
        assert_eq!(shared.stats().produced, 5, "stats read the lane");
        shared.collect(false);
        assert_eq!(names_taken(&shared), ["x", "x", "x", "laned", "laned"]);
        // A span staged after lane spans follows them.
        write_lane(slot, "laned", 1);
        let _ = shared.stage_batch(slot, &mut minimal(1), true);
        assert_eq!(names_taken(&shared), ["laned", "x"]);
        assert_eq!(shared.stats().produced, 7);
    }

    #[test]
    fn spans_written_into_the_lane_of_a_closed_slot_are_counted_dropped() {
        let shared = shared(256, 8);
        let slot = shared.register().unwrap();
        shared.collect(true);
        write_lane(slot, "too late", 3);
        let stats = shared.stats();
        assert_eq!(
            (stats.produced, stats.dropped, stats.in_flight),
            (3, 3, 0),
            "{stats:?}"
        );
        assert_eq!(slot.lane.len(), 0);
    }

    #[test]
    fn a_lane_past_the_queues_room_drops_and_counts_the_newest() {
        let shared = shared(4, 4);
        let slot = shared.register().unwrap();
        write_lane(slot, "laned", 6);
        shared.collect(false);
        let stats = shared.stats();
        assert_eq!((stats.produced, stats.dropped), (6, 2), "{stats:?}");
        assert_eq!(names_taken(&shared).len(), 4);
    }

    #[test]
    fn a_producer_keeps_its_buffer_and_the_queue_keeps_every_span() {
        let shared = shared(256, 64);
        let mut spans: Vec<EndedSpan> = (0..10).map(|_| SpanData::minimal().into()).collect();
        let capacity = spans.capacity();
        let ids: Vec<_> = spans.iter().map(|s| s.span_context().span_id()).collect();
        let handed = shared.publish(&mut spans);
        assert!(handed.dropped.is_none());
        assert!(spans.is_empty());
        assert_eq!(spans.capacity(), capacity);
        let mut batch = Batch::default();
        assert_eq!(shared.take_batch(&mut batch, 64), 10);
        let mut slots = SpanSlots::default();
        batch.drain_into(&mut slots);
        let taken: Vec<_> = slots.spans().iter().map(SpanData::span_id).collect();
        assert_eq!(taken, ids);
    }

    /// Exports `batch` as the export thread does; the ids of its spans.
    fn export(shared: &Shared, mut batch: Batch) -> Vec<SpanId> {
        let mut slots = SpanSlots::default();
        batch.drain_into(&mut slots);
        let ids = slots.spans().iter().map(SpanData::span_id).collect();
        slots.release();
        let _ = shared.exported(batch);
        ids
    }

    #[test]
    fn a_flush_takes_the_batches_ahead_and_the_queue_oldest_first_each_once() {
        let shared = shared(256, 4);
        let mut spans = minimal(10);
        let ids: Vec<_> = spans.iter().map(|s| s.span_context().span_id()).collect();
        let _ = shared.publish(&mut spans);
        // The worker hands two batches ahead; their jobs come after the flush.
        assert_eq!(shared.hand_batch(4, 2), Some(4));
        assert_eq!(shared.hand_batch(4, 2), Some(4));
        assert_eq!(shared.hand_batch(4, 2), None, "two exports held at most");
        assert_eq!(shared.unexported(), 10);
        let mut flushed = Vec::new();
        while let Some(batch) = shared.start_held(4, 1) {
            flushed.extend(export(&shared, batch));
        }
        assert_eq!(flushed, ids);
        assert_eq!(shared.unexported(), 0);
        // The jobs of the batches the flush took find nothing, and every
        // export the flush started has finished.
        assert!(shared.start_ahead().is_none());
        assert_eq!(shared.exporting().0, 0);
    }

    #[test]
    fn a_flush_finds_nothing_to_start_in_an_empty_queue() {
        let shared = shared(256, 4);
        assert!(shared.start_held(4, 1).is_none());
        assert_eq!(shared.exporting().0, 0);
    }

    /// Only the flush takes spans out of the queue and the batches ahead,
    /// while the worker moves the queue's front ahead as fast as it can:
    /// whenever the flush sees spans held, it finds the oldest of them.
    #[test]
    fn a_flush_finds_what_is_held_while_the_worker_hands_batches_ahead() {
        let shared = shared(1 << 16, 4);
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    if shared.unexported() < 16 {
                        let _ = shared.publish(&mut minimal(4));
                    }
                    if shared.queued() > 0 {
                        let _ = shared.hand_batch(4, usize::MAX);
                    }
                }
            });
            let mut missed = 0;
            for _ in 0..100_000 {
                if shared.unexported() == 0 {
                    continue;
                }
                match shared.start_held(4, 1) {
                    Some(batch) => drop(export(&shared, batch)),
                    None => missed += 1,
                }
            }
            stop.store(true, Ordering::Relaxed);
            assert_eq!(missed, 0, "spans were held, and the flush found none");
        });
    }

    #[test]
    fn batches_ahead_abandoned_by_a_shutdown_are_no_export_held() {
        let shared = shared(256, 4);
        let _ = shared.publish(&mut minimal(8));
        assert_eq!(shared.hand_batch(4, 2), Some(4));
        assert_eq!(shared.hand_batch(4, 2), Some(4));
        assert_eq!(shared.exporting().0, 2);
        shared.abandon();
        // Their jobs find nothing ahead: nothing is exported, nothing held.
        assert!(shared.start_ahead().is_none());
        assert_eq!(shared.exporting().0, 0);
        assert_eq!(shared.tally.stats(|| 8).dropped, 8);
    }
}

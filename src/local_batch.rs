//! Spans ended on this thread while their parent, entered before them, is
//! still open on it (its children, and the spans of its futures that
//! complete inside it), gathered in the thread's stack and handed to the
//! pipeline together. Any other span ended there (a job's root inside a
//! worker's long-lived span, or a request's job inside a stage's span of
//! the same trace) is handed over as it ends, with whatever the batch
//! holds.
//!
//! Handed over one by one, each child span took the lock of its thread's
//! slot in the batch processor, and looked the slot up through a second
//! thread-local: perf put that hand-over at a sixth of a child span's time,
//! two thirds of it the lock. Kept here, in the same borrow of the stack
//! that pops its frame, a child span costs a push. The batch goes to the
//! pipeline in one call when it is due:
//! - the last span open on this thread ends, or a future's poll takes its
//!   span off the stack;
//! - it holds the processor's chunk of spans;
//! - a span ends [`THREAD_CHUNK_LINGER`] or more after the first one kept;
//! - [`force_flush`](crate::export::force_flush) or a shutdown is called on
//!   this thread, or the thread exits.
//!
//! A flush called on another thread does not reach a batch. Its spans are
//! descendants of a span still open on that thread, which no flush
//! exports either; they reach the processor when that span ends, as
//! fastrace's local spans do. A shutdown cannot wait for them: the
//! threads whose batch waits so are counted, per pipeline, and a shutdown
//! that finds any of its own says so ([`ExportError::ParentsOpen`](crate::export::ExportError::ParentsOpen)).
//! Only the batch processor takes spans this way: any other processor sees
//! each span the moment it ends.

use std::time::{Duration, Instant};

use crate::ended_span::EndedSpan;
use crate::recorder::Recorder;

/// How long a span may wait, while its thread keeps ending spans, before
/// it is handed on: in this thread's batch, and in its slot in the batch
/// processor. A thread ending few spans hands each over at once, so spans
/// reach the queue in time order and threads that exit together hand over
/// little.
pub const THREAD_CHUNK_LINGER: Duration = Duration::from_millis(1);

/// Spans one thread gathers before it hands them to the queue as one chunk
/// (fewer when the export batch is smaller): the queue's lock is taken once
/// per chunk, not once per span. A thread's gathered spans do not take room
/// in the queue; they are handed over when the chunk fills, when the
/// thread's oldest gathered span is [`THREAD_CHUNK_LINGER`] old, when the
/// thread exits, and when the worker collects them (each scheduled export,
/// flush and shutdown).
pub const THREAD_CHUNK_SIZE: usize = 64;

/// This thread's gathered spans, and the pipeline they are for.
pub(crate) struct LocalBatch {
    spans: Vec<EndedSpan>,
    /// Whose spans these are, while there are any.
    recorder: Option<&'static Recorder>,
    linger: Linger,
    /// Whether the batch began waiting for a span open here, and is
    /// counted in its recorder's [`Waiting`](crate::recorder::Waiting).
    waiting: bool,
}

/// When a batch of spans is due by lingering: the first span of the batch
/// says when, [`THREAD_CHUNK_LINGER`] after it ended, and a later span
/// ending then makes the batch due. One addition per batch; each span then
/// only compares. The rule of this thread's batch and of its slot in the
/// batch processor.
#[derive(Clone, Copy, Default)]
pub(crate) struct Linger(Option<Instant>);

impl Linger {
    /// Whether spans that ended from `first` to `last`, added to a batch
    /// now, make it due. `empty`: the batch holds no span yet, so `first`
    /// begins it.
    // Always: with `#[inline]` alone it stayed a call from the inlined
    // `keep`, about 25 instructions of a child span (callgrind).
    #[inline(always)]
    pub(crate) fn passed(&mut self, empty: bool, first: Instant, last: Instant) -> bool {
        if empty {
            self.0 = first.checked_add(THREAD_CHUNK_LINGER);
        }
        self.0.is_some_and(|at| last >= at)
    }
}

/// A batch taken out of the stack, to hand over once its borrow ended
/// (the pipeline may report a drop to a handler that calls back in).
/// Taken in a borrow of its own: a caller that only learns the batch is
/// due returns one flag, where returning the batch made popping a future's
/// span a call (callgrind).
pub(crate) struct Due {
    pub(crate) recorder: &'static Recorder,
    pub(crate) spans: Vec<EndedSpan>,
}

impl LocalBatch {
    pub(crate) const EMPTY: LocalBatch = LocalBatch {
        spans: Vec::new(),
        recorder: None,
        linger: Linger(None),
        waiting: false,
    };

    /// Whether a span for `recorder` may be kept: the batch is empty or
    /// holds spans for the same pipeline.
    #[inline]
    pub(crate) fn takes(&self, recorder: &'static Recorder) -> bool {
        self.recorder.is_none_or(|r| std::ptr::eq(r, recorder))
    }

    /// Keeps `span`, ended for `recorder` (which [`takes`](Self::takes) it),
    /// and says whether the batch is due (for [`take`](Self::take)): the
    /// span is not `kin` of a span still open here, or it filled the batch,
    /// or the batch has lingered (the stack adds when no span is open).
    #[inline(always)]
    pub(crate) fn keep(&mut self, recorder: &'static Recorder, span: EndedSpan, kin: bool) -> bool {
        let end = span.end_instant();
        let empty = self.spans.is_empty();
        if empty {
            self.recorder = Some(recorder);
            if kin {
                self.begin_waiting(recorder);
            }
            if self.spans.capacity() == 0 {
                self.spans.reserve_exact(recorder.local_batch);
            }
        }
        let lingered = self.linger.passed(empty, end, end);
        self.spans.push(span);
        !kin || lingered || self.spans.len() >= recorder.local_batch
    }

    /// Counts the batch, begun by a span that waits for one open here, in
    /// `recorder`'s [`Waiting`](crate::recorder::Waiting). This and [`end_waiting`](Self::end_waiting) run once
    /// per batch, out of line: the atomic inlined into the span's end cost
    /// a child span 13 instructions in the default profile (callgrind), on
    /// every span.
    #[cold]
    #[inline(never)]
    fn begin_waiting(&mut self, recorder: &Recorder) {
        recorder.waiting.begin();
        self.waiting = true;
    }

    /// Uncounts the batch counted by [`begin_waiting`](Self::begin_waiting).
    #[cold]
    #[inline(never)]
    fn end_waiting(&mut self, recorder: &Recorder) {
        recorder.waiting.end();
        self.waiting = false;
    }

    /// Whether it holds spans.
    #[inline]
    pub(crate) fn holds_spans(&self) -> bool {
        self.recorder.is_some()
    }

    /// The batch, if it holds any spans.
    pub(crate) fn take(&mut self) -> Option<Due> {
        let recorder = self.recorder.take()?;
        if self.waiting {
            self.end_waiting(recorder);
        }
        Some(Due {
            recorder,
            spans: std::mem::take(&mut self.spans),
        })
    }

    /// Takes back the buffer of a batch handed over, emptied, so that the
    /// next batch does not allocate; kept only if no new batch has begun.
    pub(crate) fn reuse(&mut self, buffer: Vec<EndedSpan>) {
        debug_assert!(buffer.is_empty());
        if self.spans.capacity() == 0 {
            self.spans = buffer;
        }
    }
}

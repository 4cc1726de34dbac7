//! The per-thread stack of context frames and the guard that pops one.
//!
//! Attaching pushes a frame; dropping the returned [`ContextGuard`] pops it.
//! A guard dropped while newer frames are still live only marks its frame
//! dead: the current context is always the top *live* frame, and dead frames
//! are swept as soon as they reach the top. Nothing here panics, and no user
//! code (a `Drop` of a context's last reference, a diagnostic handler) runs
//! while the stack is borrowed, so that code may call back into baton.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroU64;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::baggage::Baggage;
use crate::context::{Context, Spare};
use crate::diagnostic::{report, DiagnosticKind};
use crate::local_batch::{Due, LocalBatch};
use crate::recorder::{self, Recorder};
use crate::span_context::SpanContext;
use crate::span_state::{Body, SpanState};
use crate::wire::b3::Sampling;

/// How many frames one thread's stack holds at most. Attaching past it does
/// nothing and reports [`DiagnosticKind::ContextDepthExceeded`], so runaway
/// recursion cannot grow the stack without bound. A thread keeps the room
/// of the deepest stack it had, for its life, so that entering and
/// attaching do not allocate once its usual depth is reached: at most
/// about 160 bytes a level (a frame and its span), some 640 KiB.
pub const MAX_CONTEXT_DEPTH: usize = 4096;

/// How many spans taken off a thread's stack without their guards (left
/// live by a wrapped job that returned, or set aside by a future's poll)
/// the thread keeps the context of, for those guards to read: the span's
/// name, baggage and record (see [`SpanGuard`](crate::SpanGuard)). A guard
/// that drops lets go of its span's; past the limit (guards forgotten with
/// `mem::forget`), the oldest is let go of, and its guard, should it come
/// back, gives the span's ids alone.
pub const MAX_LEFT_BEHIND: usize = 64;

/// What a frame holds: an attached context, or an entered span, which lives
/// in this thread's span buffer until something asks for its context.
pub(crate) enum Slot {
    Context(Context),
    Span(SpanState),
}

/// A frame's content, by type, so that pushing and popping a context moves
/// only the context.
pub(crate) trait Entry: Sized {
    /// The span it is, if it is one: lending one out may leave its parent
    /// not open on top of this thread's stack, and make the spans gathered
    /// inside it due (see [`LocalBatch`]).
    fn span(&self) -> Option<&SpanState>;
    fn from_slot(slot: Slot) -> Option<Self>;
    /// Stores the entry in a new frame.
    fn store(self, spans: &mut Vec<SpanState>) -> Held;
    /// Pops the top frame and takes its entry out. The frame is the
    /// caller's own (its key was checked), so it holds an entry of this
    /// kind; were it the other kind, the result is `None` (a span's frame
    /// is then left where it is, a context's popped).
    fn take_top(frames: &mut Vec<Frame>, spans: &mut Vec<SpanState>) -> Option<Self>;
    /// Pushes the entry in `home`, leaving it vacant (holding nothing);
    /// `None`, with `home` as it was, when there is no room (reported) or
    /// no stack (thread teardown, reported).
    fn lend(home: &mut Self, location: &'static Location<'static>) -> Option<FrameRef>;
    /// A [`Mark`] if the entry is what is current on this thread already:
    /// a run inside it then needs no frame of its own.
    fn mark_if_current(&self) -> Option<Mark>;
    /// Ends the entry where it lies, in `frame`, if that is on top with a
    /// live frame under it, as the guard of an entered span ends it; its
    /// lender's `home` is then left vacant, or holds what the lender must
    /// end itself. Whether it did; otherwise nothing is done.
    fn end_on_top(frame: &mut FrameRef, home: &mut Self) -> bool;
    /// Whether [`end_on_top`](Entry::end_on_top) is the cheaper end for
    /// this entry, asked before it is lent.
    fn ends_on_top(&self) -> bool;
}

impl Entry for Context {
    #[inline]
    fn span(&self) -> Option<&SpanState> {
        None
    }

    #[inline]
    fn mark_if_current(&self) -> Option<Mark> {
        mark_if_current(self)
    }

    #[inline]
    fn lend(home: &mut Self, location: &'static Location<'static>) -> Option<FrameRef> {
        match FrameRef::push(std::mem::replace(home, Context::EMPTY), location) {
            Ok(frame) => Some(frame),
            Err(back) => {
                *home = back;
                None
            }
        }
    }

    /// A context ends where its owner holds it (see `Inside for Context`),
    /// where it may be kept as the spare.
    #[inline]
    fn end_on_top(_: &mut FrameRef, _: &mut Self) -> bool {
        false
    }

    #[inline]
    fn ends_on_top(&self) -> bool {
        false
    }

    fn from_slot(slot: Slot) -> Option<Self> {
        match slot {
            Slot::Context(cx) => Some(cx),
            Slot::Span(_) => None,
        }
    }

    #[inline]
    fn store(self, _: &mut Vec<SpanState>) -> Held {
        Held::Context(self)
    }

    #[inline]
    fn take_top(frames: &mut Vec<Frame>, _: &mut Vec<SpanState>) -> Option<Self> {
        match frames.pop()?.held {
            Held::Context(cx) => Some(cx),
            Held::Span(_) => None,
        }
    }
}

impl Entry for SpanState {
    #[inline]
    fn span(&self) -> Option<&SpanState> {
        Some(self)
    }

    #[inline]
    fn lend(home: &mut Self, location: &'static Location<'static>) -> Option<FrameRef> {
        FrameRef::push_lent_span(home, location)
    }

    #[inline]
    fn ends_on_top(&self) -> bool {
        // A root is never above its parent here (see `end_on_top`).
        self.span_context().parent_span_id().is_some()
    }

    /// Only above its parent: any other span's frame ended here goes to
    /// the pipeline in a batch of one, which took a future with a root
    /// span 1194 instructions, 1090 ended by its wrapper as parts
    /// (callgrind, LTO). Asked in the pop's borrow: 18 instructions of a
    /// future with a span inside an open span (854 → 872).
    #[inline]
    fn end_on_top(frame: &mut FrameRef, home: &mut Self) -> bool {
        let mut left = None;
        if !frame.end_span_on_top(&mut left, true) {
            return false;
        }
        // A span the batch does not take (its thread unwinds, say) goes
        // back to its owner, which ends it as a guard's drop would: the
        // stack hands spans to the pipeline only through its batch.
        if let Some(span) = left {
            // What it replaces is vacant, owning nothing.
            std::mem::forget(std::mem::replace(home, span));
        }
        true
    }

    /// A span lent to the stack is never on it already: it is new, or
    /// held by the future it runs.
    #[inline]
    fn mark_if_current(&self) -> Option<Mark> {
        None
    }

    fn from_slot(slot: Slot) -> Option<Self> {
        match slot {
            Slot::Span(span) => Some(span),
            Slot::Context(_) => None,
        }
    }

    #[inline]
    fn store(self, spans: &mut Vec<SpanState>) -> Held {
        spans.push(self);
        Held::Span(spans.len() - 1)
    }

    #[inline]
    fn take_top(frames: &mut Vec<Frame>, spans: &mut Vec<SpanState>) -> Option<Self> {
        // Its kind read in place and the frame forgotten (it owns nothing),
        // not moved out whole: the move read `held` in one 16-byte load
        // right after the push wrote it in 8-byte pieces, a store-forwarding
        // stall that perf put at a third of a quiet child span's guard drop.
        let Held::Span(_) = frames.last()?.held else {
            return None;
        };
        std::mem::forget(frames.pop());
        spans.pop()
    }
}

/// A frame's content as the stack keeps it: a span is a position in the
/// span buffer, so that frames stay small and attaching a context moves
/// few bytes.
pub(crate) enum Held {
    Context(Context),
    Span(usize),
}

pub(crate) struct Frame {
    held: Held,
    /// Its guard's key: see [`FrameRef`].
    key: u64,
    live: bool,
    /// Where its guard was made, for reports.
    location: &'static Location<'static>,
}

impl Frame {
    /// What a frame is pushed as before its fields are written in place: a
    /// frame pushed whole was built in a copy on the machine stack, written
    /// in 8-byte pieces and read back in 16-byte ones (a store-forwarding
    /// stall). Built from constants, it is written straight into the vector.
    const BLANK: Frame = Frame {
        held: Held::Span(0),
        key: 0,
        live: false,
        location: Location::caller(),
    };
}

/// Whether the last span of `spans` is a child of the one below it: ended,
/// it may then wait in this thread's batch until the span below ends. Any
/// other span (the root of a job inside a worker's long-lived span) is
/// handed over as it ends, with the batch: no span open here is sure to
/// take it along.
// Inlined: called, it was 26 instructions of a future with a span inside
// an open span in the default release profile (callgrind), where LTO
// inlined it.
#[inline]
fn kin(spans: &[SpanState], ended_early: bool) -> bool {
    match spans {
        [.., below, top] => child_of(below, top, ended_early),
        _ => false,
    }
}

/// Whether `span`'s parent is `open`, and has not ended. Asked by parent,
/// not by trace: a job of a request run inside a stage's long-lived span of
/// the same trace is not the stage's descendant, and kept for the stage's
/// end, it reached no flush while its parent, the handler, was ended and
/// exported. Asked whether it ended (only on a thread where a span ended
/// early, see [`Stack::ended_early`], or anywhere once one ended where its
/// frame is not, see [`ENDED_ELSEWHERE`]): a parent ended through a handle
/// (`SpanGuard::end`) went to the pipeline, and kept for its guard's drop,
/// its children reached no flush while it lived on.
#[inline]
fn child_of(open: &SpanState, span: &SpanState, ended_early: bool) -> bool {
    span.span_context().parent_span_id() == Some(open.span_context().span_id())
        && !(ended_early && open.has_ended())
}

/// The span a spare is of: the key of the span's frame, and where its
/// shared context lives. While that frame is on top, its span's shared
/// context is the one at that address: once made, it stays the span's
/// until the frame goes (it keeps the context alive meanwhile, so no other
/// takes the address), and no frame key is used twice. So the spare is
/// handed out and taken back, and a future polled in a capture that took
/// it is known to run where it was captured, with a look at the top
/// frame's key, not at its span, whose state lies behind two more loads
/// that every capture waited for (perf: a third of a thread handoff's
/// samples; a future in the context of an entered span: 9 of 213
/// instructions, callgrind, LTO). A key that changes in place (a frame
/// pinned, see [`PINNED`]) only sends the next detach to the span for the
/// check.
struct SpareOf {
    key: u64,
    addr: usize,
}

struct Stack {
    frames: Vec<Frame>,
    /// The entered spans, in the order of their frames: the span of the
    /// k-th span frame from the bottom is `spans[k]`.
    spans: Vec<SpanState>,
    next_id: u64,
    /// Another reference to the shared context of an entered span, kept
    /// from an attached copy detached on this thread (see [`keep_spare`]).
    spare: Option<Spare>,
    /// Whose the spare is, or was when a capture last took it (see
    /// [`SpareOf`]).
    spare_of: SpareOf,
    /// Spans ended inside a span still open here, for the pipeline.
    ended: LocalBatch,
    /// Whether a span was ended here ahead of its frame (through a handle
    /// before its guard dropped, or by a guard dropped out of order): from
    /// then on, whether an open span has ended is asked before a child
    /// waits for it. Never cleared: a thread that ends spans so pays for
    /// the question, and no other thread does, unless a span is ended
    /// where its frame is not (see [`ENDED_ELSEWHERE`]).
    ended_early: bool,
    /// This thread's number among those that set frames aside, 0 until it
    /// first does (see [`Aside::thread`]).
    thread: u64,
    /// The contexts of spans taken off the stack without their guards, by
    /// frame key, oldest first (see [`MAX_LEFT_BEHIND`]).
    left_behind: Vec<(u64, Context)>,
}

thread_local! {
    static STACK: RefCell<Stack> = const {
        RefCell::new(Stack {
            frames: Vec::new(),
            spans: Vec::new(),
            next_id: 1,
            spare: None,
            spare_of: SpareOf { key: 0, addr: 0 },
            ended: LocalBatch::EMPTY,
            ended_early: false,
            thread: 0,
            left_behind: Vec::new(),
        })
    };
}

impl Drop for Stack {
    /// The thread is exiting: the spans it gathered go to the pipeline now,
    /// then the spans still open on it end, innermost first. Their guards
    /// were forgotten, or are kept in a thread-local dropped after this
    /// one, and would find no stack to end them in.
    fn drop(&mut self) {
        if let Some(due) = self.ended.take() {
            hand_over(due, true);
        }
        while let Some(open) = self.spans.pop() {
            // The spare is this stack's own, dropped with it.
            if let Some(ended) = open.finish(recorder::limits, |_| {}, recorder::on_end_plain) {
                recorder::on_end_caught(ended);
            }
        }
    }
}

impl Stack {
    /// Whether the ended spans gathered here are due because no span is
    /// open here any more.
    #[inline]
    fn idle_with_batch(&self) -> bool {
        self.spans.is_empty() && self.ended.holds_spans()
    }

    /// Pops the span on top, which must be the caller's (its key was
    /// checked), and ends it where that runs no code of the caller's: a
    /// span that records nothing is dropped, and a recording span that only
    /// its frame refers to is ended into this thread's batch when the
    /// pipeline takes batches (see [`FrameRef::pop_span`]). A span the
    /// caller must end goes to `left`. Whether it popped: not if the frame
    /// on top holds a context (not reached). Sets `due` when this thread's
    /// batch is due.
    // `due` is set and the span left in `left`, not returned: returned,
    // the span and the flag went through copies of the whole state also
    // when nothing was left (callgrind: 27 instructions of a child span;
    // perf: two thirds of a quiet child span's end, at odd offsets).
    #[inline]
    fn end_top_span(&mut self, due: &mut bool, left: &mut Option<SpanState>) -> bool {
        let Some(Frame {
            held: Held::Span(_),
            ..
        }) = self.frames.last()
        else {
            return false;
        };
        let Some(top) = self.spans.last() else {
            return false;
        };
        let r = self.batch_for(top);
        // Asked of a span that does not end into the batch only while the
        // batch holds spans, which its leaving may make due.
        let kin =
            (r.is_some() || self.ended.holds_spans()) && kin(&self.spans, self.asks_if_ended());
        // The frame owns nothing: forgotten, not moved out (see `take_top`).
        std::mem::forget(self.frames.pop());
        let Some(top) = self.spans.last_mut() else {
            return true;
        };
        match r {
            Some(r) => {
                if let Some(ended) = self
                    .spans
                    .pop()
                    .and_then(|s| s.finish(|| r.limits, |_| {}, |_| false))
                {
                    *due = self.ended.keep(r, ended, kin);
                }
                *due |= self.idle_with_batch();
                return true;
            }
            // Dropped here: its head holds ids, a name and baggage, nothing
            // whose drop runs a caller's code. Unless its parent is open
            // below it (a request's root the sampler dropped, inside a
            // worker's span), what ended inside it is due, as when a
            // recording span ends (see `parent_left`).
            None if top.ends_nothing() => *due = !kin && self.ended.holds_spans(),
            None => {
                *left = self.spans.pop();
                // Its parent may not be open below it (a job's root,
                // shared, ending inside a worker's span): what ended inside
                // it is due.
                *due = left.as_ref().is_some_and(|span| self.parent_left(span));
                return true;
            }
        }
        // What is left records nothing; released, then popped and
        // forgotten. Truncated, it dropped through a loop over a slice, a
        // call and about 30 instructions; popped and dropped, through the
        // drop glue of the whole state, a call (callgrind).
        top.release();
        std::mem::forget(self.spans.pop());
        *due |= self.idle_with_batch();
        true
    }

    /// The pipeline that takes `span` into this thread's batch as it ends:
    /// `None` unless the span records, only its owner refers to it (ending
    /// it runs nothing but the clock and the record's limits), it is
    /// sampled (a `RecordOnly` span goes the general way, where the
    /// processor sees it and no exporter does), the pipeline's processor
    /// takes batches and is not shut down, and no panic is unwinding (which
    /// the span records on the general path).
    #[inline]
    fn batch_for(&self, span: &SpanState) -> Option<&'static Recorder> {
        // Asked here, where the span is read anyway, rather than of every
        // span of a batch as it is handed over (a pass over the batch: 2
        // instructions of a child span, 4 of a tree's, callgrind).
        if !matches!(span.body, Body::Recording(_)) || !span.span_context().is_sampled() {
            return None;
        }
        recorder::installed().filter(|r| {
            r.local_batch > 0
                && self.ended.takes(r)
                && !r.shut_down.load(Ordering::Acquire)
                && !std::thread::panicking()
        })
    }

    /// Pushes a frame holding what `store` keeps, with a new key.
    #[inline(always)]
    fn push_frame(
        &mut self,
        location: &'static Location<'static>,
        store: impl FnOnce(&mut Vec<SpanState>) -> Held,
    ) -> FrameRef {
        let key = self.next_key();
        self.frames.push(Frame::BLANK);
        if let Some(frame) = self.frames.last_mut() {
            // The blank's `held` owns nothing: forgotten, not dropped, so
            // the store is not followed by a read of the tag just written
            // to see whether it needs dropping.
            std::mem::forget(std::mem::replace(&mut frame.held, store(&mut self.spans)));
            frame.key = key;
            frame.live = true;
            frame.location = location;
        }
        FrameRef {
            key,
            location,
            _not_send: PhantomData,
        }
    }

    /// The key of the next frame pushed.
    fn next_key(&mut self) -> u64 {
        // Ids outrun the key's 51 bits (the top one is `PINNED`) after
        // 2^51 pushes on one thread.
        let key = self.next_id << INDEX_BITS | self.frames.len() as u64;
        self.next_id += 1;
        key
    }

    fn top(&self) -> Current<'_> {
        match self.frames.last().map(|f| &f.held) {
            None => Current::EMPTY,
            Some(Held::Context(cx)) => Current::Context(cx),
            Some(Held::Span(k)) => Current::Span(&self.spans[*k]),
        }
    }

    /// This thread's number, drawn when it first sets frames aside.
    fn thread(&mut self) -> u64 {
        static THREADS: AtomicU64 = AtomicU64::new(1);
        if self.thread == 0 {
            self.thread = THREADS.fetch_add(1, Ordering::Relaxed);
        }
        self.thread
    }

    /// Takes the frames from `at` up off the stack, with their spans;
    /// `None` if there are none.
    fn split_off(&mut self, at: usize) -> Option<Box<Aside>> {
        if at >= self.frames.len() {
            return None;
        }
        let frames = self.frames.split_off(at);
        let first_span = frames.iter().find_map(|f| match f.held {
            Held::Span(k) => Some(k),
            Held::Context(_) => None,
        });
        let mut spans = first_span.map_or_else(Vec::new, |k| self.spans.split_off(k));
        // Their guards cannot reach them now: what they will ask of their
        // span is kept here (a shared context, so that the guards of spans
        // still open reach the record).
        for frame in &frames {
            if let (Held::Span(k), Some(first)) = (&frame.held, first_span) {
                let cx = spans[k - first].context();
                self.leave_behind(frame.key & !PINNED, cx);
            }
        }
        Some(Box::new(Aside {
            frames,
            spans,
            thread: self.thread(),
        }))
    }

    /// Keeps `cx`, the context of the span of frame `key`, for the frame's
    /// guard (see [`MAX_LEFT_BEHIND`]).
    fn leave_behind(&mut self, key: u64, cx: Context) {
        if self.left_behind.len() >= MAX_LEFT_BEHIND {
            self.left_behind.remove(0);
        }
        self.left_behind.push((key, cx));
    }

    /// Lets go of what the span of frame `key` left behind, if anything:
    /// its guard dropped, or the frame is back on the stack.
    fn take_left_behind(&mut self, key: u64) -> Option<Context> {
        let at = self.left_behind.iter().position(|(k, _)| *k == key)?;
        Some(self.left_behind.remove(at).1)
    }

    /// Ends a run marked `mark` in the usual case: it left no frame above
    /// the pinned one, which its guard did not drop. Whether it was.
    #[inline]
    fn unpin_if_usual(&mut self, mark: Mark) -> bool {
        if self.frames.len() != mark.len {
            return false;
        }
        match self.frames.last_mut() {
            None => true,
            Some(top) if top.live => {
                top.key = mark.key.get();
                true
            }
            Some(_) => false,
        }
    }

    /// Takes the dead frames on top off into `dead`, down to a live or a
    /// pinned one (see [`Mark`]).
    fn pop_dead(&mut self, dead: &mut Vec<Slot>) {
        while self
            .frames
            .last()
            .is_some_and(|f| !f.live && f.key & PINNED == 0)
        {
            dead.extend(self.pop_top());
        }
    }

    /// Takes the top frame off, with its span.
    fn pop_top(&mut self) -> Option<Slot> {
        match self.frames.pop()?.held {
            Held::Context(cx) => Some(Slot::Context(cx)),
            Held::Span(_) => self.spans.pop().map(Slot::Span),
        }
    }

    /// Whether `popped`, a span just taken off the stack, is not a child of
    /// the span now open on top here while this thread's batch holds spans:
    /// those that ended inside it are due, as they are when a span ends in
    /// order (see [`kin`]). Spans come off this way when a guard dropped out of
    /// order comes off with the dead frames under it (also a frame pinned
    /// for a run inside its context, after the run), when a future's poll
    /// sets the guards it left live aside, and when a wrapped job returns
    /// with guards left live, and when a span that does not end into the
    /// batch (shared, say) ends in order.
    #[inline]
    fn parent_left(&self, popped: &SpanState) -> bool {
        self.ended.holds_spans()
            && self
                .spans
                .last()
                .is_none_or(|open| !child_of(open, popped, self.asks_if_ended()))
    }

    /// [`parent_left`](Self::parent_left) for any span among `popped`.
    fn parent_left_in(&self, popped: &[Slot]) -> bool {
        popped
            .iter()
            .any(|slot| matches!(slot, Slot::Span(span) if self.parent_left(span)))
    }

    /// Whether a child asks if its open parent has ended before it waits
    /// for it (see [`child_of`]).
    #[inline]
    fn asks_if_ended(&self) -> bool {
        self.ended_early || ENDED_ELSEWHERE.load(Ordering::Relaxed)
    }

    /// Keeps `spare` if it is of the span on top, handing back the spare
    /// it replaces; otherwise hands `spare` back. The older spare goes
    /// because it may be of a span that left this thread (a future's, ended
    /// on another thread), which no capture here would ever take.
    #[inline]
    fn keep_spare(&mut self, spare: Spare) -> Option<Spare> {
        let Some(top) = self.frames.last() else {
            return Some(spare);
        };
        let addr = spare.addr();
        if top.key != self.spare_of.key || addr != self.spare_of.addr {
            match top.held {
                Held::Span(k) if self.spans[k].shared().is_some_and(|own| spare.is_of(own)) => {
                    self.spare_of = SpareOf { key: top.key, addr };
                }
                _ => return Some(spare),
            }
        }
        self.spare.replace(spare)
    }
}

/// Hands `due` to its pipeline, and takes its emptied buffer back for the
/// next batch. `exiting`: the thread is exiting.
fn hand_over(mut due: Due, exiting: bool) {
    recorder::on_end_batch(due.recorder, &mut due.spans, exiting);
    if !exiting {
        let _ = STACK.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.ended.reuse(due.spans);
            }
        });
    }
}

/// Hands the spans this thread gathered to the pipeline unless `lent`'s
/// parent is the span open on top here: a future's poll took `lent` off
/// the stack. The spans that ended inside it waited for it; left to wait
/// for a span that is not their ancestor open under the poll (an executor
/// worker's long-lived span), they reached no flush while `lent`, their
/// parent, was ended and exported.
// Its own borrow, after the pop: checked inside the pop, the flag made the
// pop stop being inlined into the poll (callgrind).
#[inline]
fn hand_over_after_poll(lent: &SpanState) {
    let due = STACK.try_with(|s| {
        s.try_borrow().is_ok_and(|s| {
            s.ended.holds_spans()
                && s.spans
                    .last()
                    .is_none_or(|open| !child_of(open, lent, s.asks_if_ended()))
        })
    });
    if due == Ok(true) {
        hand_over_ended();
    }
}

/// Hands the spans this thread gathered to the pipeline if a span of
/// `taken`, just taken off the stack (set aside by a future's poll, or
/// left live by a wrapped job), is not a child of the span open on top here
/// (see [`Stack::parent_left`]): the spans that ended inside it would
/// otherwise wait for a span that is not their ancestor (a worker's
/// long-lived span).
fn hand_over_if_parent_left(taken: &[SpanState]) {
    let due = STACK.try_with(|s| {
        s.try_borrow()
            .is_ok_and(|s| taken.iter().any(|span| s.parent_left(span)))
    });
    if due == Ok(true) {
        hand_over_ended();
    }
}

/// Whether a span was ended through a handle on a thread whose stack does
/// not hold it (a [`SpanRef`](crate::SpanRef) carried to a job's or a
/// future's thread): its frame may still be open on another thread, where
/// the spans that end under it must not wait for it, nor those that waited
/// already once one of them ends. Never cleared: from then on, every
/// thread asks whether an open span has ended before a child waits for it,
/// a relaxed load of the span's own flag. Relaxed: a child that ends while
/// the parent's end is not yet seen waits for it, as it would have just
/// before that end.
static ENDED_ELSEWHERE: AtomicBool = AtomicBool::new(false);

/// Notes that the span whose shared context is `cx` was ended through a
/// handle here, unless this thread's stack holds it (see
/// [`ENDED_ELSEWHERE`]).
#[cold]
#[inline(never)]
pub(crate) fn span_ended_through(cx: &Context) {
    let here = STACK.try_with(|s| {
        s.try_borrow().is_ok_and(|s| {
            s.spans
                .iter()
                .any(|span| span.shared().is_some_and(|own| own.is_same_span_own(cx)))
        })
    });
    if here != Ok(true) {
        ENDED_ELSEWHERE.store(true, Ordering::Relaxed);
    }
}

/// A span was ended through a handle, its guard perhaps still alive here:
/// the spans that waited in this thread's batch for it go on now, and from
/// now on none waits for a span that has ended (see [`child_of`]).
#[cold]
#[inline(never)]
pub(crate) fn span_ended_early() {
    let due = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        s.ended_early = true;
        s.ended.take()
    });
    if let Ok(Some(due)) = due {
        hand_over(due, false);
    }
}

/// Hands the spans this thread gathered to the pipeline now: they are due,
/// or a flush or a shutdown called here includes them.
#[cold]
#[inline(never)]
pub(crate) fn hand_over_ended() {
    let due = STACK.try_with(|s| s.try_borrow_mut().ok()?.ended.take());
    if let Ok(Some(due)) = due {
        hand_over(due, false);
    }
}

/// Ends `span`, which its owner lets go of outside the stack (a future's
/// span, as the future is dropped), into this thread's batch if the last
/// span open here is its parent: like an entered span's children, it
/// reaches the pipeline with that span. Whether it did; what is left of
/// `span` then records nothing. Otherwise `span` is untouched, for the
/// general path.
// Borrowed, not moved in and handed back: on the general path, the move
// there and back cost a future with a span about 100 instructions
// (callgrind, default profile).
#[inline]
pub(crate) fn end_inside_open_span(span: &mut SpanState) -> bool {
    // A root is no open span's child: known without the stack (a future
    // with a root span, default profile: 31 instructions to find it out).
    span.span_context().parent_span_id().is_some() && end_inside_parent(span)
}

/// [`end_inside_open_span`] for a span with a parent.
fn end_inside_parent(span: &mut SpanState) -> bool {
    let mut due = false;
    let kept = STACK.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return false;
        };
        // As for an entered span: it waits only inside its parent.
        let Some(open) = s.spans.last() else {
            return false;
        };
        if !child_of(open, span, s.asks_if_ended()) {
            return false;
        }
        let Some(r) = s.batch_for(span) else {
            return false;
        };
        if let Some(ended) = span.take_ended(|| r.limits) {
            due = s.ended.keep(r, ended, true);
        }
        true
    });
    if due {
        hand_over_ended();
    }
    kept == Ok(true)
}

/// The current context as the stack holds it, borrowed.
#[derive(Clone, Copy)]
pub(crate) enum Current<'a> {
    Context(&'a Context),
    Span(&'a SpanState),
}

impl<'a> Current<'a> {
    pub(crate) const EMPTY: Current<'static> = Current::Context(&Context::EMPTY);

    /// The active span context, local or remote.
    pub(crate) fn span_context(self) -> Option<&'a SpanContext> {
        self.span_context_and_baggage().0
    }

    /// [`span_context`](Current::span_context) and
    /// [`baggage`](Current::baggage) in one match.
    #[inline(always)]
    pub(crate) fn span_context_and_baggage(self) -> (Option<&'a SpanContext>, &'a Baggage) {
        match self {
            Current::Context(cx) => cx.span_context_and_baggage(),
            Current::Span(span) => (Some(span.span_context()), span.baggage()),
        }
    }

    pub(crate) fn baggage(self) -> &'a Baggage {
        self.span_context_and_baggage().1
    }

    /// A sampling decision that arrived without ids, also where a no-op
    /// span (no pipeline, or a disabled one) carries it on (see
    /// `SpanBuilder::no_op_span`).
    pub(crate) fn decision_without_ids(self) -> Option<Sampling> {
        match self {
            Current::Context(cx) => cx.remote_decision(),
            Current::Span(span) => span.shared().and_then(Context::remote_decision),
        }
    }

    /// The name of the current local span, if there is one.
    pub(crate) fn span_name(self) -> Option<&'a str> {
        match self {
            Current::Context(cx) => cx.local_span_name().map(|name| &**name),
            Current::Span(span) => Some(span.name()),
        }
    }
}

/// Calls `f` with the current context, borrowed from the stack rather than
/// cloned. `f` runs while the stack is borrowed, so it must not run user
/// code (which could attach a context).
// Inlined for the reason given at `FrameRef::push`.
#[inline]
pub(crate) fn with_current<R>(f: impl Fn(Current<'_>) -> R) -> R {
    with_current_or(&f, || f(Current::EMPTY))
}

/// [`with_current`], with `empty` answering for the empty context where
/// the stack cannot be read (borrowed, or gone with its thread): `f` is
/// called in one place, so that it is inlined there however long it is.
#[inline]
pub(crate) fn with_current_or<R>(f: impl FnOnce(Current<'_>) -> R, empty: impl FnOnce() -> R) -> R {
    // One match, not `.ok().flatten().unwrap_or_else(..)`: each of those
    // steps moved the answer into a new temporary, which the default
    // profile kept in memory, written in pieces and read back whole (a
    // store-forwarding stall; peer benchmark, a future with a span 89 to
    // 94 -> 81 to 82 ns).
    match STACK.try_with(|s| s.try_borrow().ok().map(|s| f(s.top()))) {
        Ok(Some(r)) => r,
        _ => empty(),
    }
}

impl Context {
    /// The context current on this thread (or in this task); empty if none.
    ///
    /// When the current span lives in its frame, this is where its shared
    /// context is made: later captures of the same span share it.
    pub fn current() -> Context {
        STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                let s = &mut *s;
                let top = s.frames.last()?;
                Some(match &top.held {
                    Held::Context(cx) => cx.clone(),
                    Held::Span(k) => {
                        if top.key == s.spare_of.key {
                            if let Some(spare) = s.spare.take() {
                                return Some(Context::from(spare));
                            }
                        }
                        s.spans[*k].context()
                    }
                })
            })
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

/// Pops `frame`, which holds a span's own context, keeping the context as
/// the spare if it is the shared context of the span then on top; dropping
/// it otherwise, or the spare it replaces, after the stack's borrow ends.
///
/// Capturing the current span's context and attaching and detaching it on
/// the same thread (a job run by its caller, `Context::current()` then
/// `attach`) otherwise pays an atomic increment at the capture and a
/// decrement at the detach; with the spare, the next capture takes it and
/// neither happens (`handoff`: 29 ns, of which perf put 16 in the two
/// operations). The spare is let go of when its span ends on this thread
/// ([`release_spare`]), so that the span's record is taken without the
/// lock; a span ending on another thread (a future moved there) leaves it
/// kept until this thread keeps another.
// Not through `pop`: a second caller of `pop::<Context>` made the compiler
// stop inlining it into the guard's drop, and the popped context was then
// read back whole through the machine stack after being written in pieces
// (a store-forwarding stall that made attaching and detaching any context
// a quarter slower).
#[inline(never)]
fn detach_span_own(frame: &mut FrameRef) {
    if !detach_span_own_on_top(frame) && frame.key != 0 {
        drop(frame.pop_slow(frame.key));
        frame.key = 0;
    }
}

/// Detaches as [`detach_span_own`] does when the frame is on top with a
/// live frame under it (the usual case); otherwise does nothing and says
/// so.
#[inline(always)]
fn detach_span_own_on_top(frame: &mut FrameRef) -> bool {
    let (key, index) = (frame.key, frame.index());
    if key == 0 {
        return false;
    }
    let popped = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        if !on_top(&s.frames, key, index) {
            return None;
        }
        match s.frames.pop()?.held {
            Held::Context(cx) => Some(match cx.into_spare() {
                Ok(spare) => s.keep_spare(spare).map(Context::from),
                Err(cx) => Some(cx),
            }),
            // Not reached: the frame's guard attached a context.
            Held::Span(_) => Some(None),
        }
    });
    let Ok(Some(unkept)) = popped else {
        return false;
    };
    // Dropped after the borrow ended.
    drop(unkept);
    frame.key = 0;
    true
}

/// Takes `cx`, which its owner is done with, as the spare if it is the
/// shared context of the span on top (see [`detach_span_own`]); drops it
/// otherwise, or the spare it replaces, after the stack's borrow ends.
///
/// A future run in the current context lends its context to the stack for
/// each poll and drops it when it completes: dropped, the next future's
/// capture of the same span paid an atomic increment and this drop a
/// decrement (perf: a third of a future with a context inside a span).
pub(crate) fn offer_spare(cx: Context) {
    // Only a span's own context can be kept: any other is dropped here,
    // without a look at the stack.
    let spare = match cx.into_spare() {
        Ok(spare) => spare,
        // Released, not dropped: the drop glue was an outlined call in the
        // default release profile (16 instructions of a future's end).
        Err(cx) => return cx.release(),
    };
    let unkept = STACK.try_with(|s| match s.try_borrow_mut() {
        Ok(mut s) => s.keep_spare(spare),
        Err(_) => Some(spare),
    });
    drop(unkept);
}

/// Lets go of the spare if it is `cx`, the shared context of a span that
/// is ending.
pub(crate) fn release_spare(cx: &Context) {
    let spare = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        s.spare.take_if(|spare| spare.is_of(cx))
    });
    // Dropped after the borrow ended; never the last reference (`cx` is one).
    drop(spare);
}

/// Restores the previous context when dropped.
///
/// Returned by [`Context::attach`], [`new_trace_context`],
/// [`set_baggage`](crate::set_baggage) and [`session`](crate::session).
/// It is `!Send`: a guard belongs to the thread whose stack it pops, and
/// holding one across `.await` makes the future `!Send`, so a
/// multi-threaded executor refuses it at compile time:
///
/// ```compile_fail
/// fn assert_send<T: Send>(_: T) {}
/// async fn yield_now() {}
/// assert_send(async {
///     let _g = baton::Context::default().attach();
///     yield_now().await;
/// });
/// ```
#[must_use = "the context is detached as soon as the guard is dropped"]
pub struct ContextGuard {
    frame: FrameRef,
    /// Whether the context attached is a span's own (see
    /// [`detach_span_own`]): known when attaching, so that detaching any
    /// other context takes no more steps than before.
    span_own: bool,
}

impl fmt::Debug for ContextGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGuard")
            .field("depth", &self.frame.index())
            .field("created_at", &self.frame.location)
            .finish()
    }
}

impl Context {
    /// Makes this context current on this thread until the guard drops.
    ///
    /// # Example
    /// ```
    /// let cx = baton::Context::default().with_baggage("k", "v");
    /// {
    ///     let _g = cx.attach();
    ///     assert_eq!(baton::baggage("k").as_deref(), Some("v"));
    /// }
    /// assert_eq!(baton::baggage("k"), None);
    /// ```
    #[track_caller]
    #[inline]
    pub fn attach(self) -> ContextGuard {
        push(self, Location::caller())
    }
}

// Inlined with `attach` into a wrapped job's run (`thread::run_inside`,
// built in the caller's crate): called, a thread handoff took 32 more
// instructions in the default release profile (callgrind, 224 → 192).
#[inline]
pub(crate) fn push(cx: Context, location: &'static Location<'static>) -> ContextGuard {
    let span_own = cx.is_span_own();
    ContextGuard {
        frame: FrameRef::push(cx, location).unwrap_or_else(|_| FrameRef::none(location)),
        span_own,
    }
}

impl Drop for ContextGuard {
    #[inline]
    fn drop(&mut self) {
        if self.span_own {
            detach_span_own(&mut self.frame);
        } else {
            detach(&mut self.frame);
        }
    }
}

impl ContextGuard {
    /// Detaches now, as the drop would, if this guard's frame is on top
    /// with a live frame under it (the usual case); the guard back
    /// otherwise, with nothing done.
    #[inline]
    pub(crate) fn detach_on_top(mut self) -> Result<(), ContextGuard> {
        let done = if self.span_own {
            detach_span_own_on_top(&mut self.frame)
        } else {
            self.frame
                .pop_if_top::<Context>()
                .map(Context::release)
                .is_some()
        };
        if !done {
            return Err(self);
        }
        // Its frame is popped: the drop would only find that out again.
        std::mem::forget(self);
        Ok(())
    }

    /// Takes off the stack every frame above this guard's: guards that a
    /// run inside it left live (forgotten, or returned), so that this
    /// guard's drop gives the thread its own context back rather than only
    /// marking its frame dead under them. How many came off, where the
    /// first was created, and their spans, for the caller to report and
    /// end; `None` when this guard's frame is on top (the usual case).
    pub(crate) fn take_left_above(
        &self,
    ) -> Option<(usize, &'static Location<'static>, Vec<SpanState>)> {
        let left = set_aside_above(&self.frame)?;
        hand_over_if_parent_left(&left.spans);
        let first = left.frames.first()?.location;
        Some((left.frames.len(), first, left.spans))
    }
}

/// Pops `frame` and drops the context it held.
#[inline(never)]
fn detach(frame: &mut FrameRef) {
    // Released as a `Context`: dropped as the `Option` that `pop` returns,
    // it went through a call to a frame's drop code (the two share a
    // layout), 11 instructions more per attach and detach (callgrind).
    if let Some(cx) = frame.pop::<Context>() {
        cx.release();
    }
}

/// A frame this thread pushed: what its guard holds. `!Send`, so it is
/// always popped on the thread that pushed it.
pub(crate) struct FrameRef {
    /// The frame's id, and in its low [`INDEX_BITS`] where it was pushed (a
    /// frame set aside by a future and restored may sit elsewhere, and is
    /// then found by its id). 0 when nothing was pushed (depth limit,
    /// thread teardown) or the frame was popped already.
    ///
    /// One word, so that a `FrameRef` is a pair of scalars and moves as two:
    /// a guard built from one written in 8-byte pieces read it back in a
    /// 16-byte piece, a store-forwarding stall that perf put at a sixth of
    /// a future's poll with a context.
    key: u64,
    location: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

/// The bits of a frame key that hold the frame's index.
const INDEX_BITS: u32 = 12;
const _: () = assert!(MAX_CONTEXT_DEPTH <= 1 << INDEX_BITS);

impl FrameRef {
    /// A frame that was never pushed: popping it does nothing.
    pub(crate) fn none(location: &'static Location<'static>) -> FrameRef {
        FrameRef {
            key: 0,
            location,
            _not_send: PhantomData,
        }
    }

    /// Where the frame was pushed.
    fn index(&self) -> usize {
        (self.key & ((1 << INDEX_BITS) - 1)) as usize
    }

    /// Pushes `entry`; hands it back when there is no room (reported) or
    /// no stack (thread teardown, reported).
    // `#[inline]` here, on `pop`, `with_current` and `SpanState::finish`:
    // without it, whether a span's start and end had them inlined depended
    // on how the compiler split this crate into units (the default release
    // profile, no LTO, as a dependent builds it), and an unrelated change
    // in this file made child spans 10-20 % slower in the peer benchmark.
    #[inline]
    pub(crate) fn push<E: Entry>(
        entry: E,
        location: &'static Location<'static>,
    ) -> Result<FrameRef, E> {
        // The entry moves into the closure, where it stays in registers.
        // Lent to it through an `Option` on the machine stack instead, it was
        // written there in 8-byte pieces and read back in 16-byte ones: a
        // store-forwarding stall that perf put at a fifth of a future's poll
        // with a context. Teardown, where the closure would not run and the
        // entry would go with it, is therefore checked first; nothing on this
        // thread can tear the stack down in between.
        if STACK.try_with(|_| ()).is_err() {
            report_no_stack(location);
            return Err(entry);
        }
        let pushed = STACK.try_with(move |s| {
            // Borrowed only while the stack runs none of its callers' code,
            // so a push never finds it borrowed; handed back all the same.
            let Ok(mut s) = s.try_borrow_mut() else {
                return Err((entry, false));
            };
            if s.frames.len() >= MAX_CONTEXT_DEPTH {
                return Err((entry, true));
            }
            Ok(s.push_frame(location, move |spans| entry.store(spans)))
        });
        match pushed {
            Ok(Ok(frame)) => Ok(frame),
            Ok(Err((entry, full))) => {
                if full {
                    report_depth_exceeded(location);
                }
                Err(entry)
            }
            // Not reached: the stack was there just above.
            Err(_) => Ok(FrameRef::none(location)),
        }
    }

    /// Pushes the span in `home`, moved from there straight into the span
    /// buffer, and leaves `home` vacant; `None`, with `home` untouched,
    /// where [`push`](Self::push) hands its entry back.
    // Moved through `push`, into its closure and on into the buffer, the
    // span was copied four times on each poll of a future with a span: a
    // future with a root span took 1035 instructions, 1001 so (callgrind,
    // LTO).
    #[inline]
    pub(crate) fn push_lent_span(
        home: &mut SpanState,
        location: &'static Location<'static>,
    ) -> Option<FrameRef> {
        let pushed = STACK.try_with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return Err(false);
            };
            if s.frames.len() >= MAX_CONTEXT_DEPTH {
                return Err(true);
            }
            Ok(s.push_frame(location, |spans| {
                std::mem::replace(home, SpanState::VACANT).store(spans)
            }))
        });
        match pushed {
            Ok(Ok(frame)) => Some(frame),
            Ok(Err(full)) => {
                if full {
                    report_depth_exceeded(location);
                }
                None
            }
            Err(_) => {
                report_no_stack(location);
                None
            }
        }
    }

    /// Pushes a child of the span on top of this thread's stack, made in
    /// the same borrow of the stack that reads the parent: `child` gets the
    /// parent and the frame the child will have, and returns the child, or
    /// `None` to push nothing. Whether it pushed; not when the top is not a
    /// span or the stack is full, borrowed or gone, where the caller takes
    /// its general path, which reports what it must.
    // Inlined for the reason given at `push`.
    #[inline]
    pub(crate) fn push_child(
        location: &'static Location<'static>,
        child: impl FnOnce(&SpanState, FrameRef) -> Option<SpanState>,
    ) -> bool {
        STACK
            .try_with(|s| {
                let Ok(mut s) = s.try_borrow_mut() else {
                    return false;
                };
                let s = &mut *s;
                let Some(Frame {
                    held: Held::Span(parent),
                    ..
                }) = s.frames.last()
                else {
                    return false;
                };
                let parent = *parent;
                if s.frames.len() >= MAX_CONTEXT_DEPTH {
                    return false;
                }
                let key = s.next_key();
                let frame = FrameRef {
                    key,
                    location,
                    _not_send: PhantomData,
                };
                let Some(span) = child(&s.spans[parent], frame) else {
                    return false;
                };
                s.spans.push(span);
                s.frames.push(Frame {
                    held: Held::Span(s.spans.len() - 1),
                    key,
                    live: true,
                    location,
                });
                true
            })
            .unwrap_or(false)
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// The context the span of this frame left behind when the frame was
    /// taken off the stack without its guard (see [`MAX_LEFT_BEHIND`]).
    #[cold]
    pub(crate) fn left_behind(&self) -> Option<Context> {
        if self.key == 0 {
            return None;
        }
        STACK
            .try_with(|s| {
                let s = s.try_borrow().ok()?;
                let (_, cx) = s.left_behind.iter().find(|(k, _)| *k == self.key)?;
                Some(cx.clone())
            })
            .ok()
            .flatten()
    }

    /// Runs `f` on the span in this frame while the frame is live.
    pub(crate) fn with_span<R>(&self, f: impl FnOnce(&mut SpanState) -> R) -> Option<R> {
        if self.key == 0 {
            return None;
        }
        STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                let at = position(&s.frames, self.key, self.index())?;
                match s.frames[at] {
                    Frame {
                        held: Held::Span(k),
                        live: true,
                        ..
                    } => Some(f(&mut s.spans[k])),
                    _ => None,
                }
            })
            .ok()
            .flatten()
    }

    /// Pops the frame, returning what it held; `None` if it was popped
    /// already or never pushed. Dropped out of order, the frame is only
    /// marked dead (reported), and what it held is handed back all the
    /// same: a copy of its context, or its span, ended now.
    // Inlined for the reason given at `push`.
    #[inline]
    pub(crate) fn pop<E: Entry>(&mut self) -> Option<E> {
        if let Some(top) = self.pop_if_top() {
            return Some(top);
        }
        let key = std::mem::replace(&mut self.key, 0);
        if key == 0 {
            return None;
        }
        self.pop_slow(key).and_then(E::from_slot)
    }

    /// Pops the frame if it is on top with a live frame under it (the
    /// usual case, where nothing else comes off); otherwise leaves it.
    #[inline]
    fn pop_if_top<E: Entry>(&mut self) -> Option<E> {
        let (key, index) = (self.key, self.index());
        if key == 0 {
            return None;
        }
        let top = STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                if !on_top(&s.frames, key, index) {
                    return None;
                }
                let s = &mut *s;
                E::take_top(&mut s.frames, &mut s.spans)
            })
            .ok()
            .flatten();
        if top.is_some() {
            self.key = 0;
        }
        top
    }

    /// Pops the frame of an entered span and ends the span: in the usual
    /// case (the frame on top, nothing but the frame refers to the span,
    /// the pipeline's batch processor takes a thread's spans in batches),
    /// in the same borrow of the stack, into this thread's batch (see
    /// [`LocalBatch`]), and `None` is returned. Otherwise the span is
    /// returned for the caller to end, as [`pop`](Self::pop) does.
    // Inlined for the reason given at `push`.
    #[inline]
    pub(crate) fn pop_span(&mut self) -> Option<SpanState> {
        let key = self.key;
        let mut left = None;
        if self.end_span_on_top(&mut left, false) {
            // Returned whole only if something was left: returned as it
            // is, the whole state was copied also when it was empty
            // (callgrind).
            return if left.is_some() { left } else { None };
        }
        self.key = 0;
        if key == 0 {
            return None;
        }
        self.pop_slow(key).and_then(SpanState::from_slot)
    }

    /// [`pop_span`](Self::pop_span) in the usual case, the frame on top
    /// with a live frame under it; whether it was. The span the caller must
    /// end goes to `left`. Not on top, or with `inside_parent` not above
    /// its parent (see [`kin`]), the frame is left where it is.
    // Inlined for the reason given at `push`.
    #[inline]
    pub(crate) fn end_span_on_top(
        &mut self,
        left: &mut Option<SpanState>,
        inside_parent: bool,
    ) -> bool {
        let (key, index) = (self.key, self.index());
        if key == 0 {
            return false;
        }
        let mut due = false;
        let popped = STACK
            .try_with(|s| {
                s.try_borrow_mut().is_ok_and(|mut s| {
                    on_top(&s.frames, key, index)
                        && (!inside_parent || kin(&s.spans, s.asks_if_ended()))
                        && s.end_top_span(&mut due, left)
                })
            })
            .unwrap_or(false);
        if !popped {
            return false;
        }
        self.key = 0;
        if due {
            hand_over_ended();
        }
        true
    }

    /// Pops the frame with key `key` wherever it is: off the top, with the
    /// dead frames under it, or marked dead (reported) under live ones.
    // Cold for `pop`, which takes the usual case itself.
    #[cold]
    fn pop_slow(&self, key: u64) -> Option<Slot> {
        let popped = STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                let s = &mut *s;
                // Not on the stack that lives: set aside by a future on
                // this thread, since its guard cannot have left it, or
                // taken off by a wrapped job the guard was returned from.
                let Some(at) = position(&s.frames, key, self.index()) else {
                    // What its span left behind goes with the guard,
                    // dropped with the dead frames, after the borrow.
                    let left = s.take_left_behind(key).map(Slot::Context);
                    return Some((None, left.into_iter().collect(), false, Some(SET_ASIDE)));
                };
                if at + 1 == s.frames.len() && s.frames[at].key & PINNED == 0 {
                    let top = s.pop_top()?;
                    let mut dead = Vec::new();
                    s.pop_dead(&mut dead);
                    let due = s.idle_with_batch()
                        || s.parent_left_in(std::slice::from_ref(&top))
                        || s.parent_left_in(&dead);
                    Some((Some(top), dead, due, None))
                } else {
                    s.frames[at].live = false;
                    let copy = match &s.frames[at].held {
                        Held::Context(cx) => Slot::Context(cx.clone()),
                        Held::Span(k) => Slot::Span(s.spans[*k].detach()),
                    };
                    // A span ends here ahead of its frame, which stays
                    // under the live one: what waited for it goes on with
                    // it, and nothing waits for it now (see `child_of`).
                    let due = matches!(copy, Slot::Span(_)) && {
                        s.ended_early = true;
                        s.ended.holds_spans()
                    };
                    Some((Some(copy), Vec::new(), due, Some(UNDER_LIVE)))
                }
            })
            .ok()
            .flatten();
        // The borrow has ended: dropping what came off, or a diagnostic
        // handler, may now call back into baton.
        let (slot, dead, due, out_of_order) = popped?;
        drop(dead);
        if due {
            hand_over_ended();
        }
        if let Some(why) = out_of_order {
            report(
                DiagnosticKind::GuardDroppedOutOfOrder,
                &why,
                Some(self.location),
            );
        }
        slot
    }
}

/// Reports a push past [`MAX_CONTEXT_DEPTH`].
// Kept out of `push`, where its formatting was inlined: a future with a
// context then ran 354 instructions per call in the peer benchmark's
// binary, 326 without (callgrind, the same run of each).
#[cold]
#[inline(never)]
fn report_depth_exceeded(location: &'static Location<'static>) {
    report(
        DiagnosticKind::ContextDepthExceeded,
        &format_args!("more than {MAX_CONTEXT_DEPTH} nested contexts; attach ignored"),
        Some(location),
    );
}

/// Reports a frame pushed after this thread's stack was destroyed (a
/// thread-local's destructor): what it held is not current, so the code
/// after it runs outside the context it attached or the span it entered.
/// Not for pipeline code (a processor or exporter, see
/// [`recorder::suppressed`]): baton called it there, ending spans as the
/// thread exits, and what it starts is not recorded anyway.
#[cold]
#[inline(never)]
fn report_no_stack(location: &'static Location<'static>) {
    if recorder::suppressed() {
        return;
    }
    report(
        DiagnosticKind::ThreadExiting,
        &"the thread is exiting and its context stack is gone; the context or span is not current",
        Some(location),
    );
}

/// Why a guard's drop popped nothing, or only marked its frame dead.
const UNDER_LIVE: &str = "guard dropped while a newer guard on this thread is still live";
const SET_ASIDE: &str = "guard dropped after its frame was taken off the stack: held across `.await` (the frame goes back for that future's polls, and its span ends with the future), or left live by a wrapped job (its span ended when the job returned)";

/// Whether the frame with key `key` is on top at `index`, with a live frame
/// (or none) under it: popping it takes nothing else off.
fn on_top(frames: &[Frame], key: u64, index: usize) -> bool {
    index + 1 == frames.len() && frames[index].key == key && (index == 0 || frames[index - 1].live)
}

/// Where the frame with key `key` is: at `index` unless a future moved it.
fn position(frames: &[Frame], key: u64, index: usize) -> Option<usize> {
    match frames.get(index) {
        Some(f) if f.key & !PINNED == key => Some(index),
        _ => frames.iter().rposition(|f| f.key & !PINNED == key),
    }
}

/// Frames a future's poll left behind (guards held across `.await`), with
/// their spans, set aside until its next poll. Empty (and unallocated)
/// unless a poll leaked a guard.
#[derive(Default)]
pub(crate) struct SetAside {
    frames: Option<Box<Aside>>,
    /// Reported already: a future reports its leak once.
    reported: bool,
}

struct Aside {
    frames: Vec<Frame>,
    spans: Vec<SpanState>,
    /// The thread whose stack the frames were taken off. Keys count per
    /// thread: put back on another thread's stack under their old keys,
    /// they were found in place of the frames of that thread's guards with
    /// the same keys, so they get new ones there (no guard of that thread
    /// refers to them).
    thread: u64,
}

impl SetAside {
    /// Whether frames are set aside (a guard leaked at the last poll).
    #[inline]
    pub(crate) fn holds_frames(&self) -> bool {
        self.frames.is_some()
    }

    /// Keeps `left`, the frames a poll left on the stack, reporting the
    /// future's first leak.
    fn keep(&mut self, mut left: Box<Aside>) {
        hand_over_if_parent_left(&left.spans);
        if !self.reported {
            self.reported = true;
            report(
                DiagnosticKind::GuardHeldAcrossAwait,
                &format_args!(
                    "{} guard(s) still live after a poll; set aside until the next poll",
                    left.frames.len()
                ),
                left.frames.first().map(|f| f.location),
            );
        }
        // Frames that found no room at this poll's start stay above those
        // it restored and any it left.
        if let Some(mut kept) = self.frames.take() {
            left.frames.append(&mut kept.frames);
            left.spans.append(&mut kept.spans);
        }
        self.frames = Some(left);
    }

    /// The spans still set aside: those of guards the future leaked
    /// (`mem::forget`), for its owner to end when it drops.
    pub(crate) fn take_spans(&mut self) -> Vec<SpanState> {
        self.frames
            .take()
            .map_or_else(Vec::new, |mut aside| std::mem::take(&mut aside.spans))
    }
}

/// Runs `f` with `*entry` (a context, or a span) on the stack, and with the
/// frames `aside` held from an earlier run restored above it. The entry
/// moves onto the stack and back, so a wrapper that attaches it on every
/// poll pays no reference count for it; `*entry` is restored also when `f`
/// unwinds.
///
/// Frames that `f` pushed and left on the stack go into `aside` (reported
/// the first time), so that no other future polled on this thread sees them.
#[track_caller]
pub(crate) fn attached<E: Entry, R>(
    entry: &mut E,
    aside: &mut SetAside,
    f: impl FnOnce() -> R,
    last: impl FnOnce(&R) -> bool,
) -> R {
    struct Lent<'a, E: Entry> {
        home: &'a mut E,
        aside: &'a mut SetAside,
        frame: FrameRef,
        /// The run was the entry's last: it may end where it lies, as an
        /// entered span ends on its guard's drop. Put back and ended by its
        /// owner instead, a future with a span inside an open span took
        /// 956 instructions, 892 so (callgrind, LTO).
        last: bool,
    }
    impl<E: Entry> Drop for Lent<'_, E> {
        fn drop(&mut self) {
            // Frames still aside (no room at the start) are inner spans,
            // which end first, with the entry, in its owner's end.
            if self.last && !self.aside.holds_frames() && E::end_on_top(&mut self.frame, self.home)
            {
                return;
            }
            if let Some(entry) = self.frame.pop_if_top::<E>() {
                self.put_back(entry);
                if let Some(span) = self.home.span() {
                    hand_over_after_poll(span);
                }
                return;
            }
            // Not on top: frames the run pushed are still there.
            if let Some(left) = set_aside_above(&self.frame) {
                self.aside.keep(left);
            }
            if let Some(entry) = self.frame.pop::<E>() {
                self.put_back(entry);
                if let Some(span) = self.home.span() {
                    hand_over_after_poll(span);
                }
            }
        }
    }
    impl<E: Entry> Lent<'_, E> {
        /// Puts the entry back home. What it replaces is the vacant entry
        /// left there when it was lent, which owns nothing: forgotten, not
        /// dropped, whose glue checked every part of a vacant span (40
        /// instructions of a future with a span, callgrind).
        #[inline(always)]
        fn put_back(&mut self, entry: E) {
            std::mem::forget(std::mem::replace(self.home, entry));
        }
    }
    /// A run inside the entry already current: sets aside what it left.
    struct Marked<'a> {
        aside: &'a mut SetAside,
        mark: Mark,
    }
    impl Drop for Marked<'_> {
        // Always: in the default release profile it was a call, 18 of a
        // future's 283 instructions in a span's context (callgrind).
        #[inline(always)]
        fn drop(&mut self) {
            if let Some(left) = unmark(self.mark) {
                self.aside.keep(left);
            }
        }
    }
    if !aside.holds_frames() {
        if let Some(mark) = entry.mark_if_current() {
            let _marked = Marked { aside, mark };
            return f();
        }
    }
    let location = Location::caller();
    let ends_on_top = entry.ends_on_top();
    match E::lend(entry, location) {
        Some(frame) => {
            if let Some(mut left) = aside.frames.take() {
                restore(&mut left);
                // Kept if they could not all go back (no room, or thread
                // teardown), so their spans still end with the future.
                if !left.frames.is_empty() {
                    aside.frames = Some(left);
                }
            }
            let mut lent = Lent {
                home: entry,
                aside,
                frame,
                last: false,
            };
            let out = f();
            lent.last = ends_on_top && last(&out);
            out
        }
        None => f(),
    }
}

/// Takes every frame above `frame` off the stack, with their spans.
fn set_aside_above(frame: &FrameRef) -> Option<Box<Aside>> {
    let aside = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        let at = position(&s.frames, frame.key, frame.index())?;
        s.split_off(at + 1)
    });
    aside.ok().flatten()
}

/// A run inside the context already current, with no frame of its own:
/// the frame on top when it began, pinned there, and how many frames were
/// on the stack (0: none, nothing pinned).
///
/// Pinned, the frame stays where it is for the run, as it would under the
/// frame the run did not push: a guard of it dropped inside the run (a
/// future owning the guard of the span it was wrapped in) only marks it
/// dead, and the run stays in its context; the frames above it at the end
/// are the ones the run left.
///
/// Two scalars with a niche, so that `Option<Mark>` is returned in two
/// registers: returned through memory in 8-byte pieces and copied on in a
/// 16-byte piece, it stalled store forwarding, which perf put at a quarter
/// of a future's poll inside a span.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    len: usize,
    /// The pinned frame's key, as its guard knows it; frame keys are never
    /// 0 (ids start at 1), and with nothing pinned it is never read.
    key: NonZeroU64,
}

/// The key bit of a pinned frame (see [`Mark`]): its guard's key no longer
/// matches, so its drop takes the slow path, which finds it by the rest of
/// the key and leaves it on the stack, marked dead. Frame ids keep the 51
/// bits between it and the index.
const PINNED: u64 = 1 << 63;

/// A [`Mark`] if `cx` is the context current on this thread: the context
/// on top (the same snapshot), or the shared context of the span on top,
/// or none at all when the stack is empty.
///
/// A future polled where it was wrapped pushed and popped a frame that
/// changed nothing: with the frame, a future with a context took 314
/// instructions, 359 inside a span (callgrind, default release profile).
#[inline]
fn mark_if_current(cx: &Context) -> Option<Mark> {
    STACK
        .try_with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            let s = &mut *s;
            let len = s.frames.len();
            let Some(top) = s.frames.last_mut() else {
                return cx.is_empty().then_some(Mark {
                    len: 0,
                    key: NonZeroU64::MAX,
                });
            };
            let current = match &top.held {
                Held::Context(top) => top.ptr_eq(cx),
                // Known from the spare's owner when `cx` is the spare a
                // capture took (see `SpareOf`), without the loads that
                // reach the span.
                Held::Span(_)
                    if top.key == s.spare_of.key && cx.span_own_addr() == Some(s.spare_of.addr) =>
                {
                    true
                }
                Held::Span(k) => s.spans[*k]
                    .shared()
                    .is_some_and(|own| own.is_same_span_own(cx)),
            };
            if !current {
                return None;
            }
            let key = NonZeroU64::new(top.key)?;
            top.key |= PINNED;
            Some(Mark { len, key })
        })
        .ok()
        .flatten()
}

/// Ends a run marked `mark`: unpins its frame and takes off the frames the
/// run left above it (guards left live), with their spans; `None` when
/// there are none, the usual case.
#[inline]
fn unmark(mark: Mark) -> Option<Box<Aside>> {
    let usual = STACK.try_with(|s| s.try_borrow_mut().is_ok_and(|mut s| s.unpin_if_usual(mark)));
    match usual {
        Ok(false) => unmark_slow(mark),
        _ => None,
    }
}

/// [`unmark`] when the run left frames, or dropped the pinned frame's
/// guard: that frame, dead, comes off now with the dead frames under it,
/// as it would have under the run's own frame.
#[cold]
#[inline(never)]
fn unmark_slow(mark: Mark) -> Option<Box<Aside>> {
    let mut dead = Vec::new();
    let mut due = false;
    let left = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        let left = s.split_off(mark.len);
        if let Some(pinned) = mark.len.checked_sub(1).and_then(|at| s.frames.get_mut(at)) {
            pinned.key = mark.key.get();
        }
        s.pop_dead(&mut dead);
        due = (!dead.is_empty() && s.idle_with_batch()) || s.parent_left_in(&dead);
        left
    });
    // The borrow has ended: what came off may run a caller's code.
    drop(dead);
    if due {
        hand_over_ended();
    }
    left.ok().flatten()
}

/// Puts frames set aside back on top of the stack, their spans at the end
/// of the span buffer, as many as [`MAX_CONTEXT_DEPTH`] leaves room for
/// (reported): the rest stay in `aside`, the lowest first.
fn restore(aside: &mut Aside) {
    let no_room = STACK.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return false;
        };
        let s = &mut *s;
        let room = MAX_CONTEXT_DEPTH.saturating_sub(s.frames.len());
        let back = aside.frames.len().min(room);
        let first_span = s.spans.len();
        let mut k = first_span;
        let here = s.thread();
        if aside.thread != here {
            aside.thread = here;
            // Those left aside too: they come back on this thread later.
            for frame in &mut aside.frames {
                frame.key = s.next_key();
            }
        }
        for mut frame in aside.frames.drain(..back) {
            if let Held::Span(at) = &mut frame.held {
                *at = k;
                k += 1;
                // Its guard reaches it on the stack again.
                drop(s.take_left_behind(frame.key & !PINNED));
            }
            s.frames.push(frame);
        }
        s.spans.extend(aside.spans.drain(..k - first_span));
        !aside.frames.is_empty()
    });
    if let (Ok(true), Some(first)) = (no_room, aside.frames.first()) {
        report(
            DiagnosticKind::ContextDepthExceeded,
            &format_args!(
                "{} frame(s) set aside by a future found no room on the stack (at most {MAX_CONTEXT_DEPTH}); kept aside for this poll",
                aside.frames.len()
            ),
            Some(first.location),
        );
    }
}

/// Starts an isolated scope: until the guard drops, there is no current span,
/// baggage or session, so the next span is the root of a new trace.
///
/// # Example
/// ```
/// # let _pipeline = baton::init(baton::Config::new()).unwrap();
/// let outer = baton::span("outer").enter();
/// let _s = baton::session("chat-42");
/// let _g = baton::new_trace_context();
/// let inner = baton::span("inner").start();
/// assert_eq!(inner.parent_span_id(), None);
/// assert_ne!(inner.trace_id(), outer.trace_id());
/// assert!(baton::current_session().is_none());
/// ```
#[track_caller]
pub fn new_trace_context() -> ContextGuard {
    push(Context::default(), Location::caller())
}

/// How many frames (live or dead) this thread's stack holds; for tests.
#[doc(hidden)]
pub fn __stack_depth() -> usize {
    STACK
        .try_with(|s| s.try_borrow().map_or(0, |s| s.frames.len()))
        .unwrap_or(0)
}

/// Whether this thread keeps a spare reference to an entered span's
/// context (see `detach_span_own`); for tests.
#[doc(hidden)]
pub fn __spare_kept() -> bool {
    STACK
        .try_with(|s| s.try_borrow().is_ok_and(|s| s.spare.is_some()))
        .unwrap_or(false)
}

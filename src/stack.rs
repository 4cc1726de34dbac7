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
use std::panic::Location;
use std::time::Instant;

use crate::baggage::Baggage;
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::span_context::SpanContext;
use crate::span_state::SpanState;

/// How many frames one thread's stack holds at most. Attaching past it does
/// nothing and reports [`DiagnosticKind::ContextDepthExceeded`], so runaway
/// recursion cannot grow the stack without bound.
pub const MAX_CONTEXT_DEPTH: usize = 4096;

/// What a frame holds: an attached context, or an entered span, which lives
/// in its frame until something asks for its context.
pub(crate) enum Slot {
    Context(Context),
    Span(SpanState),
}

struct Frame {
    slot: Slot,
    id: u64,
    live: bool,
    /// Where its guard was made, for reports.
    location: &'static Location<'static>,
}

struct Stack {
    frames: Vec<Frame>,
    next_id: u64,
}

thread_local! {
    static STACK: RefCell<Stack> = const { RefCell::new(Stack { frames: Vec::new(), next_id: 1 }) };
}

/// The current context as the stack holds it, borrowed.
#[derive(Clone, Copy)]
pub(crate) enum Current<'a> {
    Context(&'a Context),
    Span(&'a SpanState),
}

impl<'a> Current<'a> {
    const EMPTY: Current<'static> = Current::Context(&Context::EMPTY);

    /// The active span context, local or remote.
    pub(crate) fn span_context(self) -> Option<&'a SpanContext> {
        match self {
            Current::Context(cx) => cx.span_context(),
            Current::Span(span) => Some(span.span_context()),
        }
    }

    pub(crate) fn baggage(self) -> &'a Baggage {
        match self {
            Current::Context(cx) => cx.baggage(),
            Current::Span(span) => span.baggage(),
        }
    }

    /// A sampling decision that arrived without ids.
    pub(crate) fn remote_sampling(self) -> Option<bool> {
        match self {
            Current::Context(cx) => cx.remote_sampling(),
            Current::Span(_) => None,
        }
    }

    /// The name of the current local span, if there is one.
    pub(crate) fn span_name(self) -> Option<&'a str> {
        match self {
            Current::Context(cx) => cx
                .span_context()
                .is_some_and(|sc| !sc.is_remote())
                .then(|| &**cx.span_name()),
            Current::Span(span) => Some(span.name()),
        }
    }
}

/// Calls `f` with the current context, borrowed from the stack rather than
/// cloned. `f` runs while the stack is borrowed, so it must not run user
/// code (which could attach a context).
pub(crate) fn with_current<R>(f: impl FnOnce(Current<'_>) -> R) -> R {
    let mut f = Some(f);
    let done = STACK
        .try_with(|s| {
            let s = s.try_borrow().ok()?;
            let top = match s.frames.last().map(|f| &f.slot) {
                None => Current::EMPTY,
                Some(Slot::Context(cx)) => Current::Context(cx),
                Some(Slot::Span(span)) => Current::Span(span),
            };
            f.take().map(|f| f(top))
        })
        .ok()
        .flatten();
    match (done, f) {
        (Some(r), _) => r,
        (None, Some(f)) => f(Current::EMPTY),
        // `f` ran, so it returned.
        (None, None) => unreachable!("with_current: f ran without a result"),
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
                Some(match &mut s.frames.last_mut()?.slot {
                    Slot::Context(cx) => cx.clone(),
                    Slot::Span(span) => span.context(),
                })
            })
            .ok()
            .flatten()
            .unwrap_or_default()
    }
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
}

impl fmt::Debug for ContextGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGuard")
            .field("depth", &self.frame.index)
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
    pub fn attach(self) -> ContextGuard {
        push(self, Location::caller())
    }
}

pub(crate) fn push(cx: Context, location: &'static Location<'static>) -> ContextGuard {
    ContextGuard {
        frame: FrameRef::push(Slot::Context(cx), location)
            .unwrap_or_else(|_| FrameRef::none(location)),
    }
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        drop(self.frame.pop());
    }
}

/// A frame this thread pushed: what its guard holds. `!Send`, so it is
/// always popped on the thread that pushed it.
pub(crate) struct FrameRef {
    /// 0 when nothing was pushed (depth limit, thread teardown) or the
    /// frame was popped already.
    id: u64,
    /// Where the frame was pushed; a frame set aside by a future and
    /// restored may sit elsewhere, and is then found by its id.
    index: usize,
    location: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

impl FrameRef {
    /// A frame that was never pushed: popping it does nothing.
    pub(crate) fn none(location: &'static Location<'static>) -> FrameRef {
        FrameRef {
            id: 0,
            index: 0,
            location,
            _not_send: PhantomData,
        }
    }

    /// Pushes `slot`; hands it back when there is no room (reported) or no
    /// stack (thread teardown).
    // The slot comes back only when the stack is full: a move, not an
    // allocation, is what that rare path should cost.
    #[allow(clippy::result_large_err)]
    pub(crate) fn push(slot: Slot, location: &'static Location<'static>) -> Result<FrameRef, Slot> {
        let mut slot = Some(slot);
        let pushed = STACK.try_with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            if s.frames.len() >= MAX_CONTEXT_DEPTH {
                return None;
            }
            let id = s.next_id;
            s.next_id += 1;
            let index = s.frames.len();
            let slot = slot.take()?;
            s.frames.push(Frame {
                slot,
                id,
                live: true,
                location,
            });
            Some(FrameRef {
                id,
                index,
                location,
                _not_send: PhantomData,
            })
        });
        match pushed {
            Ok(Some(frame)) => return Ok(frame),
            Ok(None) => report(
                DiagnosticKind::ContextDepthExceeded,
                &format_args!("more than {MAX_CONTEXT_DEPTH} nested contexts; attach ignored"),
                Some(location),
            ),
            // Thread teardown: there is no stack to push onto.
            Err(_) => {}
        }
        // `slot` is still here: it is taken only on the pushing path.
        Err(slot.unwrap_or(Slot::Context(Context::EMPTY)))
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Runs `f` on the span in this frame while the frame is live.
    pub(crate) fn with_span<R>(&self, f: impl FnOnce(&mut SpanState) -> R) -> Option<R> {
        if self.id == 0 {
            return None;
        }
        STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                let at = position(&s.frames, self.id, self.index)?;
                match &mut s.frames[at] {
                    Frame {
                        slot: Slot::Span(span),
                        live: true,
                        ..
                    } => Some(f(span)),
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
    pub(crate) fn pop(&mut self) -> Option<Slot> {
        let id = std::mem::replace(&mut self.id, 0);
        if id == 0 {
            return None;
        }
        let popped = STACK
            .try_with(|s| {
                let mut s = s.try_borrow_mut().ok()?;
                let frames = &mut s.frames;
                let at = position(frames, id, self.index)?;
                if at + 1 == frames.len() {
                    let top = frames.pop()?.slot;
                    let mut dead = Vec::new();
                    while frames.last().is_some_and(|f| !f.live) {
                        dead.extend(frames.pop().map(|f| f.slot));
                    }
                    Some((top, dead, false))
                } else {
                    let frame = &mut frames[at];
                    frame.live = false;
                    let copy = match &mut frame.slot {
                        Slot::Context(cx) => Slot::Context(cx.clone()),
                        Slot::Span(span) => Slot::Span(span.detach()),
                    };
                    Some((copy, Vec::new(), true))
                }
            })
            .ok()
            .flatten();
        // The borrow has ended: dropping what came off, or a diagnostic
        // handler, may now call back into baton.
        let (slot, dead, out_of_order) = popped?;
        drop(dead);
        if out_of_order {
            report(
                DiagnosticKind::GuardDroppedOutOfOrder,
                &"guard dropped while a newer guard on this thread is still live",
                Some(self.location),
            );
        }
        Some(slot)
    }
}

/// Where frame `id` is: at `index` unless a future moved it.
fn position(frames: &[Frame], id: u64, index: usize) -> Option<usize> {
    match frames.get(index) {
        Some(f) if f.id == id => Some(index),
        _ => frames.iter().rposition(|f| f.id == id),
    }
}

/// Frames a future's poll left behind (guards held across `.await`),
/// set aside until its next poll.
#[derive(Default)]
pub(crate) struct SetAside(Vec<Frame>);

impl Drop for SetAside {
    fn drop(&mut self) {
        // A guard leaked with the future (`mem::forget`): its span still
        // ends, and nothing else is left on any stack.
        let now = Instant::now();
        for frame in self.0.drain(..) {
            if let Slot::Span(span) = frame.slot {
                if let Some(data) = span.finish(now) {
                    crate::export::pipeline::on_end(data);
                }
            }
        }
    }
}

/// Runs `f` with `*cx` attached, and with the frames `aside` held from an
/// earlier run restored above it. The context moves onto the stack and
/// back, so a wrapper that attaches its context on every poll pays no
/// reference count for it; `*cx` is restored also when `f` unwinds.
///
/// Frames that `f` pushed and left on the stack go into `aside` (reported
/// once), so that no other future polled on this thread sees them.
#[track_caller]
pub(crate) fn attached<R>(cx: &mut Context, aside: &mut SetAside, f: impl FnOnce() -> R) -> R {
    struct Lent<'a> {
        home: &'a mut Context,
        aside: &'a mut SetAside,
        frame: FrameRef,
    }
    impl Drop for Lent<'_> {
        fn drop(&mut self) {
            let left = set_aside_above(&self.frame);
            if !left.is_empty() && self.aside.0.is_empty() {
                let first = left.first().map(|f| f.location);
                report(
                    DiagnosticKind::GuardHeldAcrossAwait,
                    &format_args!(
                        "{} guard(s) still live after a poll; set aside until the next poll",
                        left.len()
                    ),
                    first,
                );
            }
            self.aside.0 = left;
            if let Some(Slot::Context(cx)) = self.frame.pop() {
                *self.home = cx;
            }
        }
    }
    let location = Location::caller();
    match FrameRef::push(Slot::Context(std::mem::take(cx)), location) {
        Ok(frame) => {
            restore(std::mem::take(&mut aside.0));
            let _lent = Lent {
                home: cx,
                aside,
                frame,
            };
            f()
        }
        Err(back) => {
            if let Slot::Context(back) = back {
                *cx = back;
            }
            f()
        }
    }
}

/// Takes every frame above `frame` off the stack.
fn set_aside_above(frame: &FrameRef) -> Vec<Frame> {
    STACK
        .try_with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            let at = position(&s.frames, frame.id, frame.index)?;
            Some(s.frames.split_off(at + 1))
        })
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Puts frames set aside back on top of the stack.
fn restore(frames: Vec<Frame>) {
    if frames.is_empty() {
        return;
    }
    let _ = STACK.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.frames.extend(frames);
        }
    });
}

/// Starts an isolated scope: until the guard drops, there is no current span,
/// baggage or session, so the next span is the root of a new trace.
///
/// # Example
/// ```
/// let _outer = baton::span("outer").enter();
/// let _g = baton::new_trace_context();
/// let inner = baton::span("inner").start();
/// assert_eq!(inner.parent_span_id(), None);
/// assert_ne!(Some(inner.trace_id()), baton::Context::default().span_context().map(|s| s.trace_id()));
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

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

use crate::diagnostic::{report, DiagnosticKind};
use crate::Context;

/// How many frames one thread's stack holds at most. Attaching past it does
/// nothing and reports [`DiagnosticKind::ContextDepthExceeded`], so runaway
/// recursion cannot grow the stack without bound.
pub const MAX_CONTEXT_DEPTH: usize = 4096;

struct Frame {
    cx: Context,
    id: u64,
    live: bool,
}

struct Stack {
    frames: Vec<Frame>,
    next_id: u64,
}

thread_local! {
    static STACK: RefCell<Stack> = const { RefCell::new(Stack { frames: Vec::new(), next_id: 1 }) };
}

/// The current context of this thread; empty if none, or during thread teardown.
pub(crate) fn current() -> Context {
    with_current(Context::clone)
}

/// Calls `f` with the current context, borrowed from the stack rather than
/// cloned. `f` runs while the stack is borrowed, so it must not run user
/// code (which could attach a context).
pub(crate) fn with_current<R>(f: impl Fn(&Context) -> R) -> R {
    STACK
        .try_with(|s| {
            let s = s.try_borrow().ok()?;
            Some(f(s.frames.last().map_or(&Context::EMPTY, |f| &f.cx)))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| f(&Context::EMPTY))
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
    /// 0 when the attach did nothing (depth limit, thread teardown).
    id: u64,
    index: usize,
    location: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for ContextGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextGuard")
            .field("depth", &self.index)
            .field("created_at", &self.location)
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
    let (id, index) = try_push(cx, location).unwrap_or((0, 0));
    ContextGuard::new(id, index, location)
}

impl ContextGuard {
    fn new(id: u64, index: usize, location: &'static Location<'static>) -> ContextGuard {
        ContextGuard {
            id,
            index,
            location,
            _not_send: PhantomData,
        }
    }

    /// Pops the guard's frame now, returning its context; the drop then
    /// does nothing.
    fn pop(&mut self) -> Context {
        let cx = pop(self.id, self.index, self.location);
        self.id = 0;
        cx
    }
}

/// Pushes `cx`, returning the frame's id and index; hands `cx` back when
/// there is no room (reported) or no stack (thread teardown).
fn try_push(cx: Context, location: &'static Location<'static>) -> Result<(u64, usize), Context> {
    let mut cx = Some(cx);
    let pushed = STACK.try_with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        if s.frames.len() >= MAX_CONTEXT_DEPTH {
            return None;
        }
        let id = s.next_id;
        s.next_id += 1;
        let index = s.frames.len();
        let cx = cx.take()?;
        s.frames.push(Frame { cx, id, live: true });
        Some((id, index))
    });
    match pushed {
        Ok(Some(pushed)) => return Ok(pushed),
        Ok(None) => report(
            DiagnosticKind::ContextDepthExceeded,
            &format_args!("more than {MAX_CONTEXT_DEPTH} nested contexts; attach ignored"),
            Some(location),
        ),
        // Thread teardown: there is no stack to push onto.
        Err(_) => {}
    }
    Err(cx.unwrap_or_default())
}

enum Popped {
    /// The frame was on top and came off.
    Top(Context),
    /// The frame and the dead frames under it came off.
    TopAndDead(Context, Vec<Context>),
    /// Newer frames are still live: the frame is only marked dead, and this
    /// is a copy of its context.
    OutOfOrder(Context),
    Gone,
}

/// Pops the frame `id` pushed at `index`, returning its context. Only the
/// guard that pushed a frame pops it, so a frame is popped at most once.
fn pop(id: u64, index: usize, location: &'static Location<'static>) -> Context {
    if id == 0 {
        return Context::default();
    }
    let popped = STACK
        .try_with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return Popped::Gone;
            };
            let frames = &mut s.frames;
            match frames.get(index) {
                Some(f) if f.id == id && index + 1 == frames.len() => {
                    let top = frames.pop().map(|f| f.cx).unwrap_or_default();
                    if frames.last().is_some_and(|f| !f.live) {
                        let mut dead = Vec::new();
                        while frames.last().is_some_and(|f| !f.live) {
                            dead.extend(frames.pop().map(|f| f.cx));
                        }
                        Popped::TopAndDead(top, dead)
                    } else {
                        Popped::Top(top)
                    }
                }
                Some(f) if f.id == id => {
                    frames[index].live = false;
                    Popped::OutOfOrder(frames[index].cx.clone())
                }
                _ => Popped::Gone,
            }
        })
        .unwrap_or(Popped::Gone);
    // The borrow has ended: dropping the contexts, or a diagnostic
    // handler, may now call back into baton.
    match popped {
        Popped::Top(top) => top,
        Popped::TopAndDead(top, dead) => {
            drop(dead);
            top
        }
        Popped::OutOfOrder(cx) => {
            report(
                DiagnosticKind::GuardDroppedOutOfOrder,
                &"context guard dropped while a newer guard on this thread is still live",
                Some(location),
            );
            cx
        }
        Popped::Gone => Context::default(),
    }
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        drop(self.pop());
    }
}

/// Runs `f` with `*cx` attached. The context moves onto the stack and back,
/// so a wrapper that attaches its context on every poll pays no reference
/// count for it; `*cx` is restored also when `f` unwinds.
#[track_caller]
pub(crate) fn attached<R>(cx: &mut Context, f: impl FnOnce() -> R) -> R {
    struct Lent<'a> {
        home: &'a mut Context,
        guard: ContextGuard,
    }
    impl Drop for Lent<'_> {
        fn drop(&mut self) {
            *self.home = self.guard.pop();
        }
    }
    let location = Location::caller();
    match try_push(std::mem::take(cx), location) {
        Ok((id, index)) => {
            let _lent = Lent {
                home: cx,
                guard: ContextGuard::new(id, index, location),
            };
            f()
        }
        Err(back) => {
            *cx = back;
            f()
        }
    }
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

//! Context for futures on any executor.
//!
//! A wrapped future attaches its context for every poll and for the drop of
//! the inner future, and detaches it after, so the context follows the future
//! across `.await` and across executor threads, and never leaks into another
//! future polled on the same thread.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context as TaskContext, Poll};

use crate::context::Context;
use crate::span::{finish, SpanBuilder};
use crate::span_state::SpanState;
use crate::stack::{self, attached, Entry, SetAside};

/// Adds context propagation to every future.
///
/// The wrapped future is `Send` when the inner future is, allocates nothing,
/// and, like an `async` block, is not `Unpin`: poll it through `pin!` or
/// `Box::pin`.
///
/// # Example: a future keeps its context across threads
/// ```
/// use baton::FutureExt;
/// let _g = baton::set_baggage("tenant", "acme");
/// let fut = async { baton::baggage("tenant") }.in_current_context();
/// drop(_g);
/// let seen = std::thread::spawn(move || block_on(fut)).join().unwrap();
/// assert_eq!(seen.as_deref(), Some("acme"));
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     use std::task::{Context, Poll, Waker};
/// #     let mut f = std::pin::pin!(f);
/// #     loop {
/// #         if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(Waker::noop())) { return v; }
/// #     }
/// # }
/// ```
pub trait FutureExt: Future + Sized {
    /// Runs the future inside `cx`.
    fn in_context(self, cx: Context) -> impl Future<Output = Self::Output> {
        inside(self, cx)
    }

    /// Runs the future inside the context current now.
    fn in_current_context(self) -> impl Future<Output = Self::Output> {
        self.in_context(Context::current())
    }

    /// Starts `span` now (as a child of the current context unless the
    /// builder says otherwise) and runs the future inside it. The span is
    /// current only while the future is polled, and ends when the future
    /// completes or is dropped.
    fn in_span(self, span: SpanBuilder) -> impl Future<Output = Self::Output> {
        // The span itself goes onto the stack for each poll, like an
        // entered span: it is shared only if the future asks for its
        // context.
        inside(self, span.start_state())
    }
}

impl<F: Future> FutureExt for F {}

/// The wrapper is an `async` block, so the compiler pins the inner future in
/// the wrapper's own state: no allocation, and no unsafe pin projection.
fn inside<F: Future, E: Inside>(fut: F, entry: E) -> impl Future<Output = F::Output> {
    // Owns the future until the first poll, so that dropping the wrapper
    // before then still drops the future inside its context.
    let unpolled = InContext {
        fut: Some(fut),
        entry,
        aside: SetAside::default(),
    };
    async move {
        let mut unpolled = unpolled;
        let fut = unpolled.fut.take();
        let entry = std::mem::replace(&mut unpolled.entry, E::vacant());
        // Emptied: its future and entry are taken, and it was never polled,
        // so it set nothing aside. Forgetting it leaks nothing and skips a
        // drop that would find nothing to do (a tenth of a ready future's
        // cost).
        std::mem::forget(unpolled);
        let mut polled = InContext {
            fut: pin!(fut),
            entry,
            aside: SetAside::default(),
        };
        poll_fn(|task| polled.poll(task)).await
    }
}

/// What a wrapped future runs inside: a context, or a span of its own.
trait Inside: Entry {
    /// The wrapper is done: the inner future and what it left are gone.
    fn end(self);
}

impl Inside for Context {
    fn end(self) {}
}

impl Inside for SpanState {
    fn end(mut self) {
        // The wrapper that lent its span to the `async` block has none.
        if !self.ends_nothing() && !stack::end_inside_open_span(&mut self) {
            finish(self);
        }
    }
}

/// A future and what it runs inside; dropping it drops the future inside,
/// then ends the span it runs in, if any.
struct InContext<S: FutureSlot, E: Inside> {
    fut: S,
    entry: E,
    /// Frames the future left on the stack at its last poll (guards held
    /// across `.await`), put back for its next poll and its drop.
    aside: SetAside,
}

/// Where an [`InContext`] keeps its future: by value before the first poll,
/// pinned in the `async` block's state after.
trait FutureSlot {
    fn clear(&mut self);
    fn is_empty(&self) -> bool;
}

impl<F> FutureSlot for Option<F> {
    fn clear(&mut self) {
        *self = None;
    }

    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

impl<F> FutureSlot for Pin<&mut Option<F>> {
    fn clear(&mut self) {
        self.set(None);
    }

    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

impl<F: Future, E: Inside> InContext<Pin<&mut Option<F>>, E> {
    fn poll(&mut self, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let fut = &mut self.fut;
        attached(&mut self.entry, &mut self.aside, || {
            let Some(inner) = fut.as_mut().as_pin_mut() else {
                return Poll::Pending;
            };
            let poll = inner.poll(task);
            if poll.is_ready() {
                fut.set(None);
            }
            poll
        })
    }
}

impl<S: FutureSlot, E: Inside> Drop for InContext<S, E> {
    fn drop(&mut self) {
        if !self.fut.is_empty() {
            let fut = &mut self.fut;
            attached(&mut self.entry, &mut self.aside, || fut.clear());
        }
        // Guards the future leaked: their spans still end.
        if self.aside.holds_frames() {
            for span in self.aside.take_spans() {
                finish(span);
            }
        }
        std::mem::replace(&mut self.entry, E::vacant()).end();
    }
}

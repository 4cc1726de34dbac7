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
use crate::span::{finish_in_place, finish_innermost_first, SpanBuilder};
use crate::span_state::SpanState;
use crate::stack::{self, attached, Entry, SetAside};

/// Adds context propagation to every future.
///
/// The wrapped future is `Send` when the inner future is, allocates nothing,
/// and, like an `async` block, is not `Unpin`: poll it through `pin!` or
/// `Box::pin`.
///
/// # Cancellation
/// A wrapped future dropped before it completes (a `select` it lost, a
/// timeout, an aborted task) drops the inner future inside its context,
/// on whatever thread drops it, and its span, if it has one, ends then:
/// with the status it was given (`Unset` unless the future set one), or
/// recording the panic if the drop happens while a panic unwinds or the
/// inner future's drop panics.
///
/// # Polled after it finished
/// Like the `async` block it is, a wrapped future must not be polled again
/// after it returned `Ready` or after a poll panicked: that poll panics
/// (`` `async fn` resumed after completion ``), as [`Future::poll`]
/// allows. It runs nothing and ends nothing again, and the thread's
/// context is left as it was.
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
    // before then still drops the future inside its context. Its entry and
    // set-aside frames stay there for the polls: moved into a second
    // wrapper, the span was copied twice more, the wrapper held it twice
    // and was moved with a `memcpy` call (a future with a span, default
    // profile: 1343 instructions, 1216 without).
    let mut unpolled = InContext {
        fut: Some(fut),
        entry,
        aside: SetAside::default(),
    };
    async move {
        let fut = unpolled.fut.take();
        let mut polled = Polled {
            fut: pin!(fut),
            rest: &mut unpolled,
        };
        let out = poll_fn(|task| polled.poll(task)).await;
        drop(polled);
        // Emptied and ended: its drop would find nothing to do.
        std::mem::forget(unpolled);
        out
    }
}

/// What a wrapped future runs inside: a context, or a span of its own.
trait Inside: Entry {
    /// The wrapper is done: the inner future and what it left are gone.
    /// What is left in place ends nothing. Ended in place, not moved out:
    /// the move cost a future with a span inside an open span 57
    /// instructions of 1079 (callgrind, default profile), and one with a
    /// root span, moved into `finish`, 1090 instructions, 1035 through
    /// `finish_in_place` (LTO). A span that its last poll ended in its
    /// frame (see `stack::attached`) is vacant here.
    fn end(&mut self);
}

impl Inside for Context {
    fn end(&mut self) {
        stack::offer_spare(std::mem::replace(self, Context::EMPTY));
    }
}

impl Inside for SpanState {
    fn end(&mut self) {
        if !self.ends_nothing() && !stack::end_inside_open_span(self) {
            finish_in_place(&mut self.head, &mut self.body);
        }
        // What ends nothing still owns its name, ids (a tracestate) and
        // baggage, and one ended into the batch its baggage: the wrapper
        // forgets its holder after this, and would leak them.
        self.release();
    }
}

/// A future and what it runs inside; dropping it drops the future inside,
/// then ends the span it runs in, if any.
struct InContext<F, E: Inside> {
    /// `None` once the first poll has pinned it (see [`Polled`]).
    fut: Option<F>,
    entry: E,
    /// Frames the future left on the stack at its last poll (guards held
    /// across `.await`), put back for its next poll and its drop.
    aside: SetAside,
}

/// Where a wrapped future is: by value in its [`InContext`] before the first
/// poll, pinned in the `async` block's state ([`Polled`]) after.
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

/// An [`InContext`] after its first poll: the future pinned in the
/// `async` block's state, the rest where the wrapper was made.
struct Polled<'a, F, E: Inside> {
    fut: Pin<&'a mut Option<F>>,
    rest: &'a mut InContext<F, E>,
}

impl<F: Future, E: Inside> Polled<'_, F, E> {
    fn poll(&mut self, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let fut = &mut self.fut;
        attached(
            &mut self.rest.entry,
            &mut self.rest.aside,
            || {
                let Some(inner) = fut.as_mut().as_pin_mut() else {
                    return Poll::Pending;
                };
                let poll = inner.poll(task);
                if poll.is_ready() {
                    fut.set(None);
                }
                poll
            },
            Poll::is_ready,
        )
    }
}

impl<F, E: Inside> Drop for Polled<'_, F, E> {
    fn drop(&mut self) {
        let rest = &mut *self.rest;
        close(&mut self.fut, &mut rest.entry, &mut rest.aside);
    }
}

impl<F, E: Inside> Drop for InContext<F, E> {
    fn drop(&mut self) {
        close(&mut self.fut, &mut self.entry, &mut self.aside);
    }
}

/// Drops the future `fut` inside `entry`, then ends the spans of guards it
/// leaked and the span it ran in, if any, also when the future's drop
/// panics. What is left ends nothing.
fn close<S: FutureSlot, E: Inside>(fut: &mut S, entry: &mut E, aside: &mut SetAside) {
    /// Ends what the future ran in when dropped: a wrapper dropped before
    /// its first poll has no second drop to end it after a panic, and its
    /// span, which ends nothing by itself, was lost.
    struct Rest<'a, E: Inside> {
        entry: &'a mut E,
        aside: &'a mut SetAside,
    }
    impl<E: Inside> Drop for Rest<'_, E> {
        fn drop(&mut self) {
            // Guards the future leaked: their spans still end.
            if self.aside.holds_frames() {
                finish_innermost_first(self.aside.take_spans());
            }
            self.entry.end();
        }
    }
    let rest = Rest { entry, aside };
    if !fut.is_empty() {
        attached(
            &mut *rest.entry,
            &mut *rest.aside,
            || fut.clear(),
            |()| true,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wrapper holds its span (or context) once, beside the future and
    /// the set-aside frames: held twice, it was moved with a `memcpy` call
    /// wherever it went.
    #[test]
    fn a_wrapped_future_holds_its_entry_once() {
        let ready = std::future::ready([0u8; 16]);
        let once = std::mem::size_of::<SpanState>()
            + std::mem::size_of_val(&ready)
            + std::mem::size_of::<SetAside>();
        let fut = ready.in_span(crate::span("sized"));
        let size = std::mem::size_of_val(&fut);
        // The future's slot before and after its first poll, a pointer to
        // each and the state's tag: less than a second span.
        assert!(
            size < once + std::mem::size_of::<SpanState>(),
            "{size} bytes"
        );
        assert!(size >= once, "{size} bytes");
    }
}

//! Context for futures on any executor.
//!
//! A wrapped future attaches its context for every poll and for the drop of
//! the inner future, and detaches it after, so the context follows the future
//! across `.await` and across executor threads, and never leaks into another
//! future polled on the same thread.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use crate::{Context, Span, SpanBuilder};

/// Adds context propagation to every future.
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
    fn in_context(self, cx: Context) -> WithContext<Self> {
        WithContext {
            inner: Some(Box::pin(self)),
            cx,
            span: None,
        }
    }

    /// Runs the future inside the context current now.
    fn in_current_context(self) -> WithContext<Self> {
        self.in_context(Context::current())
    }

    /// Starts `span` now (as a child of the current context unless the
    /// builder says otherwise) and runs the future inside it. The span is
    /// current only while the future is polled, and ends when the future
    /// completes or is dropped.
    fn in_span(self, span: SpanBuilder) -> WithContext<Self> {
        let span = span.start();
        WithContext {
            inner: Some(Box::pin(self)),
            cx: span.context(),
            span: Some(span),
        }
    }
}

impl<F: Future> FutureExt for F {}

/// A future running inside a context; see [`FutureExt`].
#[must_use = "futures do nothing unless polled"]
pub struct WithContext<F> {
    // Boxed and pinned so the wrapper is `Unpin` without unsafe code.
    inner: Option<Pin<Box<F>>>,
    cx: Context,
    span: Option<Span>,
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Pending;
        };
        let guard = this.cx.clone().attach();
        let poll = inner.as_mut().poll(task);
        drop(guard);
        if poll.is_ready() {
            this.inner = None;
            this.span.take();
        }
        poll
    }
}

impl<F> Drop for WithContext<F> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let _guard = self.cx.clone().attach();
            drop(inner);
        }
    }
}

//! Carrying the context into threads and thread pools.
//!
//! # The pitfall: wrap inside the scope you mean to capture
//! A wrapper captures the context *when it is created*, not when it runs.
//! Wrapping a job before entering the span it belongs to gives it the outer
//! context:
//!
//! ```
//! let job = baton::copy_context_to_thread(|| baton::current_span().map(|s| s.name().to_owned()));
//! let _g = baton::span("request").enter();
//! // `job` was wrapped before "request" was entered, so it does not see it.
//! assert_eq!(std::thread::spawn(job).join().unwrap(), None);
//! ```

use std::thread::JoinHandle;

use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::span::finish_innermost_first;
use crate::stack::ContextGuard;

/// Captures the current context now and returns a job that runs `f` inside
/// it on whatever thread runs the job, then restores that thread's own
/// context, also when `f` panics, and also when `f` leaves a guard live
/// (forgotten, or returned): that guard's frame comes off with the job's and
/// its span ends, reported once as a
/// [`DiagnosticKind::GuardDroppedOutOfOrder`] naming where it was created.
///
/// # Example: a worker thread continues the trace
/// ```
/// let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
/// let _g = baton::span("request").enter();
/// let job = baton::copy_context_to_thread(|| baton::current_trace_id());
/// let on_worker = std::thread::spawn(job).join().unwrap();
/// assert!(on_worker.is_some());
/// assert_eq!(on_worker, baton::current_trace_id());
/// ```
pub fn copy_context_to_thread<F, R>(f: F) -> impl FnOnce() -> R + Send
where
    F: FnOnce() -> R + Send,
{
    let cx = Context::current();
    move || run_inside(cx, f)
}

/// Like [`copy_context_to_thread`], for a function a pool runs many times,
/// possibly at once on several workers (a `map` over a pool). Each call runs
/// in a fresh frame on the calling thread, attached to the context captured
/// when the wrapper was made.
///
/// # Example: a pool's map function
/// ```
/// let _g = baton::set_baggage("tenant", "acme");
/// let f = baton::copy_context_to_fn(|n: u32| (n * 2, baton::baggage("tenant")));
/// let handles: Vec<_> = (0..4)
///     .map(|n| { let f = f.clone(); std::thread::spawn(move || f(n)) })
///     .collect();
/// for (n, h) in handles.into_iter().enumerate() {
///     assert_eq!(h.join().unwrap(), (n as u32 * 2, Some("acme".to_owned())));
/// }
/// ```
pub fn copy_context_to_fn<A, R, F>(f: F) -> impl Fn(A) -> R + Send + Sync + Clone
where
    F: Fn(A) -> R + Send + Sync + Clone,
{
    let cx = Context::current();
    move |arg| run_inside(cx.clone(), || f(arg))
}

/// Runs `f` with `cx` attached, and takes off after it whatever `f` left
/// above it: a pool worker's next job, and the worker itself, must never
/// run inside a guard an earlier job leaked (a span of another request as
/// their parent).
// Attached and detached as any context, looking further only when the
// job's frame is not on top: run through `stack::attached` as a future's
// poll is, a handoff took 61 more instructions (callgrind, LTO; 109 in the
// default profile), and with a guard type for the drop, 25 more.
fn run_inside<R>(cx: Context, f: impl FnOnce() -> R) -> R {
    let guard = cx.attach();
    // Caught, so that what a panicking job left comes off as well; the
    // panic then goes on.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(out) => {
            if let Err(guard) = guard.detach_on_top() {
                drop(Left(guard));
            }
            out
        }
        Err(panic) => {
            // Dropped as the panic unwinds on: the spans it ends record it.
            let _left = Left(guard);
            std::panic::resume_unwind(panic)
        }
    }
}

/// The guard of a job's context, when the job may have left guards live
/// above it: the drop takes those off, reports them and ends their spans,
/// then detaches the job's context.
struct Left(ContextGuard);

impl Drop for Left {
    #[cold]
    fn drop(&mut self) {
        let Some((frames, location, spans)) = self.0.take_left_above() else {
            return;
        };
        report(
            DiagnosticKind::GuardDroppedOutOfOrder,
            &format_args!(
                "{frames} guard(s) still live when a wrapped job returned; taken off \
                 the stack so the thread's own context is restored, their spans ended"
            ),
            Some(location),
        );
        finish_innermost_first(spans);
    }
}

/// [`std::thread::spawn`] with the current context: the new thread starts
/// inside the context current when `spawn` was called.
///
/// ```
/// let _g = baton::set_baggage("k", "v");
/// let seen = baton::thread::spawn(|| baton::baggage("k")).join().unwrap();
/// assert_eq!(seen.as_deref(), Some("v"));
/// ```
pub fn spawn<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    std::thread::spawn(copy_context_to_thread(f))
}

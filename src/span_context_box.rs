//! `SpanContextBox`: the allocation of a context that holds a span context
//! alone, as every context extracted from headers does.
//!
//! Most such contexts are dropped on the thread that made them, when its
//! request is done, and the next extract on that thread needs the same
//! allocation again. The allocator's `malloc` and `free` took 141 of the
//! 1539 instructions of a B3 multi-header extract (callgrind, peer
//! benchmark), more than the five header values' parse; so each thread
//! keeps one freed box and the next extract fills it in place.

use std::cell::Cell;

use crate::span_context::SpanContext;

thread_local! {
    /// This thread's spare box; what it holds was already dropped.
    static SPARE: Cell<Option<Box<SpanContext>>> = const { Cell::new(None) };
}

/// A boxed span context whose allocation goes back to its thread's spare
/// when dropped.
pub(crate) struct SpanContextBox(Option<Box<SpanContext>>);

impl SpanContextBox {
    /// `span_context` in this thread's spare box, or in a new one.
    #[inline]
    pub(crate) fn new(span_context: SpanContext) -> SpanContextBox {
        SpanContextBox(Some(match SPARE.try_with(Cell::take) {
            Ok(Some(mut spare)) => {
                *spare = span_context;
                spare
            }
            // None spare, or the thread's locals already gone (a context
            // made in another thread-local's destructor).
            _ => Box::new(span_context),
        }))
    }

    /// The span context: `None` only while the box is being dropped, so
    /// callers read the box as they would an `Option<SpanContext>` field.
    #[inline]
    pub(crate) fn get(&self) -> Option<&SpanContext> {
        self.0.as_deref()
    }

    /// Drops the box inside a call: its drop glue, inlined into a
    /// context's detach, moved that path's registers about (a handoff 10
    /// instructions longer).
    #[inline(never)]
    pub(crate) fn release(self) {}
}

impl Clone for SpanContextBox {
    fn clone(&self) -> SpanContextBox {
        match self.get() {
            Some(span_context) => SpanContextBox::new(span_context.clone()),
            None => SpanContextBox(None),
        }
    }
}

impl Drop for SpanContextBox {
    // A call: inlined, it was drop glue in every function that may drop a
    // context, and moved their registers about (a root span's start 8
    // instructions longer, a future's span start 26).
    #[inline(never)]
    fn drop(&mut self) {
        if let Some(mut boxed) = self.0.take() {
            // What it holds (a tracestate) is let go of now, not when the
            // box is next filled.
            boxed.release();
            // After the thread's locals are gone the closure is dropped
            // uncalled, and the box with it; a spare it replaces (only
            // when two contexts are dropped in a row) is freed.
            let _ = SPARE.try_with(move |spare| spare.replace(Some(boxed)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{SpanId, TraceId};
    use crate::span_context::TraceFlags;
    use crate::trace_state::TraceState;

    fn span_context(span: u64, state: &str) -> SpanContext {
        let ids = (TraceId::from_u128(7), SpanId::from_u64(span));
        let (Some(trace_id), Some(span_id)) = ids else {
            unreachable!("nonzero ids")
        };
        let trace_state = TraceState::default()
            .insert("k", state)
            .expect("a valid member");
        SpanContext::new(trace_id, span_id, TraceFlags::from_bits(1)).with_trace_state(trace_state)
    }

    fn address(b: &SpanContextBox) -> *const SpanContext {
        b.get().expect("a live box holds a span context")
    }

    #[test]
    fn the_next_box_on_a_thread_is_the_one_dropped_before_it() {
        std::thread::spawn(|| {
            let first = SpanContextBox::new(span_context(1, "a"));
            let at = address(&first);
            drop(first);
            // Freed, the allocation would go to this box, the next of its
            // size; kept as the spare, it is left for the next context.
            let other = Box::new(span_context(9, "z"));
            let second = SpanContextBox::new(span_context(2, "b"));
            assert_eq!(address(&second), at);
            // Filled anew: nothing of the first span context is left.
            assert_eq!(second.get(), Some(&span_context(2, "b")));
            assert_ne!(&*other as *const SpanContext, at);
        })
        .join()
        .expect("no panic");
    }

    #[test]
    fn a_clone_is_its_own_box_with_an_equal_span_context() {
        let a = SpanContextBox::new(span_context(3, "c"));
        let b = a.clone();
        assert_ne!(address(&a), address(&b));
        drop(a);
        assert_eq!(b.get(), Some(&span_context(3, "c")));
    }

    #[test]
    fn a_box_dropped_after_the_threads_locals_is_freed_without_a_panic() {
        struct DropsLate(Option<SpanContextBox>);
        impl Drop for DropsLate {
            fn drop(&mut self) {
                // The spare may be gone already (destructor order is
                // unspecified): making and dropping a box must work anyway.
                drop(self.0.take());
                drop(SpanContextBox::new(span_context(5, "e")));
            }
        }
        thread_local! {
            static LATE: std::cell::RefCell<DropsLate> =
                const { std::cell::RefCell::new(DropsLate(None)) };
        }
        std::thread::spawn(|| {
            drop(SpanContextBox::new(span_context(4, "d")));
            LATE.with(|l| l.borrow_mut().0 = Some(SpanContextBox::new(span_context(4, "d"))));
        })
        .join()
        .expect("no panic at thread exit");
    }
}

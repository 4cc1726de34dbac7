//! Each thread's own slot in each batch processor it ends spans into,
//! found through a thread-local list, and handed over when the thread exits.

use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use crate::export::batch_queue::{Shared, Slot};
use crate::span_data::SpanData;

/// This thread's slots, by processor.
struct Stages(RefCell<Vec<Entry>>);

struct Entry {
    processor: u64,
    slot: Arc<Slot>,
    shared: Weak<Shared>,
}

thread_local! {
    static STAGES: Stages = const { Stages(RefCell::new(Vec::new())) };
}

impl Drop for Stages {
    /// The thread is exiting: its spans go to the queue now, and the worker
    /// is woken to export them without waiting for the schedule.
    fn drop(&mut self) {
        for entry in self.0.get_mut().drain(..) {
            if let Some(shared) = entry.shared.upgrade() {
                shared.leave(&entry.slot);
            }
        }
    }
}

/// Takes `span` into the calling thread's slot of `shared`.
#[inline]
pub(crate) fn stage(shared: &Arc<Shared>, span: SpanData) {
    // Checked apart so that the span is moved only once it has a home:
    // during thread-local teardown it goes straight to the queue.
    if STAGES.try_with(|_| ()).is_err() {
        let handed = shared.push_direct(span);
        shared.settle(handed);
        return;
    }
    let handed = STAGES
        .try_with(|stages| match stages.0.try_borrow_mut() {
            Ok(mut entries) => match slot_of(&mut entries, shared) {
                Some(slot) => shared.stage(slot, span),
                None => shared.refuse(span),
            },
            // Ended inside this very call (a span dropped by a span's drop).
            Err(_) => shared.push_direct(span),
        })
        .unwrap_or_default();
    shared.settle(handed);
}

/// This thread's slot in `shared`, registered on first use; `None` once the
/// processor is closed.
#[inline]
fn slot_of<'a>(entries: &'a mut Vec<Entry>, shared: &Arc<Shared>) -> Option<&'a Slot> {
    if let Some(i) = entries.iter().position(|e| e.processor == shared.id) {
        return Some(&entries[i].slot);
    }
    register(entries, shared)
}

#[cold]
fn register<'a>(entries: &'a mut Vec<Entry>, shared: &Arc<Shared>) -> Option<&'a Slot> {
    // New here: forget the slots of processors that have stopped.
    entries.retain(|e| {
        e.shared
            .upgrade()
            .is_some_and(|s| !s.closed.load(Ordering::Relaxed))
    });
    let slot = shared.register()?;
    entries.push(Entry {
        processor: shared.id,
        slot,
        shared: Arc::downgrade(shared),
    });
    entries.last().map(|e| &*e.slot)
}

//! Each thread's own slot in each batch processor it ends spans into,
//! found through a thread-local list, and handed over when the thread exits.

use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use crate::ended_span::{EndedSpan, PlainParts};
use crate::export::batch_queue::{Shared, Slot};
use crate::export::span_lane::{LaneWriter, Pushed};
use crate::recorder;

/// This thread's slots, by processor.
struct Stages(RefCell<Vec<Entry>>);

struct Entry {
    processor: u64,
    slot: &'static Slot,
    shared: Weak<Shared>,
    writer: LaneWriter,
}

impl Entry {
    /// Hands the slot's spans over (the thread exits, or the processor is
    /// done) and gives the slot back.
    fn release(self) {
        // A processor that is gone took its registry with it: nothing else
        // holds the slot.
        if let Some(shared) = self.shared.upgrade() {
            shared.leave(self.slot);
        }
        Slot::reuse(self.slot);
    }
}

thread_local! {
    static STAGES: Stages = const { Stages(RefCell::new(Vec::new())) };
}

impl Drop for Stages {
    /// The thread is exiting: its spans go to the queue now, and the worker
    /// is woken to export them without waiting for the schedule.
    fn drop(&mut self) {
        for entry in self.0.get_mut().drain(..) {
            entry.release();
        }
    }
}

/// Where a span ending on this thread goes.
enum Home {
    Slot(&'static Slot),
    /// The processor is closed.
    Closed,
    /// No slot can be used: thread-local teardown, or ended inside this
    /// very lookup.
    Direct,
}

/// Takes `span` into the calling thread's slot of `shared`.
#[inline]
pub(crate) fn stage(shared: &Arc<Shared>, span: EndedSpan) {
    // The slot is found first and the span moved once, straight into it.
    let handed = match home(shared, |_| {}) {
        Home::Slot(slot) => shared.stage(slot, span),
        Home::Closed => shared.refuse(span),
        Home::Direct => shared.push_direct(span),
    };
    shared.settle(handed);
}

/// Writes a plain span into the calling thread's lane of `shared`, without
/// a lock; whether it did. Not written (the thread's slot cannot be used,
/// the processor is closed, or the span does not fit the lane's words), it
/// is for [`stage`].
#[inline]
pub(crate) fn stage_plain(shared: &Arc<Shared>, span: &PlainParts<'_>) -> bool {
    let mut pushed = Pushed::Refused;
    let home = home(shared, |entry| {
        pushed = entry.writer.push(&entry.slot.lane, span, shared.chunk);
    });
    match (home, pushed) {
        (Home::Slot(_), Pushed::Kept) => true,
        (Home::Slot(slot), Pushed::Due) => {
            // A drop it reports may run a handler that records spans.
            recorder::while_suppressed(|| shared.settle(shared.hand_over(slot)));
            true
        }
        _ => false,
    }
}

/// Takes `spans`, which the calling thread gathered, through its slot of
/// `shared`, emptying it. `exiting`: the thread is exiting, so the worker
/// is woken to export them without waiting for the schedule.
pub(crate) fn stage_batch(shared: &Arc<Shared>, spans: &mut Vec<EndedSpan>, exiting: bool) {
    let handed = match home(shared, |_| {}) {
        Home::Slot(slot) => shared.stage_batch(slot, spans, exiting),
        Home::Closed => shared.refuse_all(spans),
        Home::Direct => shared.push_all_direct(spans),
    };
    shared.settle(if exiting { handed.wake() } else { handed });
}

/// Where the calling thread's spans for `shared` go; `with` is given its
/// entry there, if it has one.
#[inline]
fn home(shared: &Arc<Shared>, with: impl FnOnce(&mut Entry)) -> Home {
    STAGES
        .try_with(|stages| match stages.0.try_borrow_mut() {
            Ok(mut entries) => match entry_of(&mut entries, shared) {
                Some(entry) => {
                    with(entry);
                    Home::Slot(entry.slot)
                }
                None => Home::Closed,
            },
            Err(_) => Home::Direct,
        })
        .unwrap_or(Home::Direct)
}

/// This thread's entry for `shared`, registered on first use; `None` once
/// the processor is closed.
#[inline]
fn entry_of<'a>(entries: &'a mut Vec<Entry>, shared: &Arc<Shared>) -> Option<&'a mut Entry> {
    match entries.iter().position(|e| e.processor == shared.id) {
        Some(i) => entries.get_mut(i),
        None => register(entries, shared),
    }
}

#[cold]
fn register<'a>(entries: &'a mut Vec<Entry>, shared: &Arc<Shared>) -> Option<&'a mut Entry> {
    // New here: give back the slots of processors that have stopped.
    let (done, live): (Vec<Entry>, Vec<Entry>) =
        std::mem::take(entries).into_iter().partition(|e| {
            e.shared
                .upgrade()
                .is_none_or(|s| s.closed.load(Ordering::Relaxed))
        });
    *entries = live;
    done.into_iter().for_each(Entry::release);
    let slot = shared.register()?;
    entries.push(Entry {
        processor: shared.id,
        slot,
        shared: Arc::downgrade(shared),
        writer: LaneWriter::default(),
    });
    entries.last_mut()
}

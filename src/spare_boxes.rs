//! Boxes handed back by the thread that frees them to the threads that
//! allocate them, a few at a time.
//!
//! A span with anything out of line (an attribute from its builder, an
//! event) allocates its extras on its own thread, and the batch
//! processor's export thread used to free them. glibc's allocator keeps a
//! freed block in the freeing thread's cache, never the allocating one's:
//! each span's thread then took the allocator's slow path, and the export
//! thread its slow free (perf: malloc and `_int_malloc` 14 % of the span's
//! thread, `_int_free` 12 % of the export thread, for root spans with one
//! attribute). Boxes given back here are taken again on the thread that
//! next needs one: from its own few first, then a handful at a time from
//! the shared ones, under one lock.
//!
//! Bounded: a thread keeps at most [`SPARES_PER_THREAD`] boxes, and all
//! threads share at most [`MAX_SHARED_SPARES`] more; a box given past that
//! is freed. A thread's own are freed when it exits.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};
use std::thread::LocalKey;

/// The most spare boxes of one kind a thread keeps. A thread that gives
/// back more moves half of them to the shared ones; one that has none
/// takes up to half this many from there.
pub(crate) const SPARES_PER_THREAD: usize = 16;

/// The most spare boxes of one kind that all threads share: as many as
/// spans a default batch queue holds, so that the boxes of the spans in
/// flight in a default pipeline all come back. With 1024, a third of the
/// spans of `.ci/instructions root-with-attribute` (up to about 1600 in
/// flight) allocated their extras.
pub(crate) const MAX_SHARED_SPARES: usize = 2048;

/// A thread's own spare boxes of one kind (declared with `thread_local!`).
pub(crate) type Own<T> = RefCell<Vec<Box<T>>>;

/// Spare boxes of `T`, each as `T::default()` leaves it, or as the giver
/// promises is as good (see [`give`](SpareBoxes::give)).
pub(crate) struct SpareBoxes<T: 'static> {
    shared: Mutex<Vec<Box<T>>>,
    own: &'static LocalKey<Own<T>>,
}

impl<T: Default> SpareBoxes<T> {
    /// Spare boxes, each thread's own kept in `own`.
    pub(crate) const fn new(own: &'static LocalKey<Own<T>>) -> Self {
        SpareBoxes {
            shared: Mutex::new(Vec::new()),
            own,
        }
    }

    /// A spare box, or a new `T::default()` if there is none. Allocates
    /// nothing while boxes come back as fast as they are taken.
    pub(crate) fn take(&self) -> Box<T> {
        let spare = self.own.try_with(|own| {
            let mut own = own.try_borrow_mut().ok()?;
            if own.is_empty() {
                let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
                let from = shared.len().saturating_sub(SPARES_PER_THREAD / 2);
                own.extend(shared.drain(from..));
            }
            own.pop()
        });
        spare.ok().flatten().unwrap_or_default()
    }

    /// Keeps `spare` for a later [`take`](Self::take), which hands it out
    /// as it is: the caller has left it as good as `T::default()`. Freed if
    /// this thread and the shared ones hold as many as they may keep, or
    /// while the thread exits.
    pub(crate) fn give(&self, spare: Box<T>) {
        // Dropped outside the borrow: a box's drop may run anything, even
        // code that takes or gives a box.
        let _excess = self.own.try_with(|own| {
            let mut own = own.try_borrow_mut().ok()?;
            if own.len() < SPARES_PER_THREAD {
                own.push(spare);
                return None;
            }
            let mut half = own.split_off(SPARES_PER_THREAD / 2);
            own.push(spare);
            let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            let room = MAX_SHARED_SPARES - shared.len();
            shared.extend(half.drain(..room.min(half.len())));
            Some(half)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Item(u64);

    thread_local! {
        static OWN: Own<Item> = const { RefCell::new(Vec::new()) };
    }

    static SPARES: SpareBoxes<Item> = SpareBoxes::new(&OWN);

    fn shared_len(spares: &SpareBoxes<Item>) -> usize {
        spares.shared.lock().unwrap().len()
    }

    #[test]
    fn a_box_given_back_is_the_next_one_taken_on_that_thread() {
        let first = SPARES.take();
        let address: *const Item = &*first;
        SPARES.give(first);
        let again = SPARES.take();
        assert!(std::ptr::eq(&*again, address));
    }

    #[test]
    fn a_thread_keeps_its_own_up_to_the_limit_and_shares_half_past_it() {
        thread_local! {
            static KEPT: Own<Item> = const { RefCell::new(Vec::new()) };
        }
        static KEPT_SPARES: SpareBoxes<Item> = SpareBoxes::new(&KEPT);
        let boxes: Vec<_> = (0..=SPARES_PER_THREAD).map(|_| Box::new(Item(7))).collect();
        let last: *const Item = &*boxes[SPARES_PER_THREAD];
        for (i, b) in boxes.into_iter().enumerate() {
            KEPT_SPARES.give(b);
            let kept = KEPT.with(|own| own.borrow().len());
            if i < SPARES_PER_THREAD {
                assert_eq!((kept, shared_len(&KEPT_SPARES)), (i + 1, 0));
            }
        }
        // The one past the limit is kept on top of the half left.
        KEPT.with(|own| {
            let own = own.borrow();
            assert_eq!(own.len(), SPARES_PER_THREAD / 2 + 1);
            assert!(std::ptr::eq(&**own.last().unwrap(), last));
        });
        assert_eq!(shared_len(&KEPT_SPARES), SPARES_PER_THREAD / 2);
    }

    #[test]
    fn a_thread_without_spares_takes_them_from_those_shared() {
        thread_local! {
            static ALONE: Own<Item> = const { RefCell::new(Vec::new()) };
        }
        static ALONE_SPARES: SpareBoxes<Item> = SpareBoxes::new(&ALONE);
        std::thread::spawn(|| {
            for i in 0..2 * SPARES_PER_THREAD as u64 {
                ALONE_SPARES.give(Box::new(Item(i)));
            }
        })
        .join()
        .unwrap();
        // What the exited thread shared: half its own, twice over; what it
        // kept went with it.
        assert_eq!(shared_len(&ALONE_SPARES), SPARES_PER_THREAD);
        std::thread::spawn(|| {
            let taken = ALONE_SPARES.take();
            assert_ne!(taken.0, 0, "a shared box, not a new one");
            ALONE.with(|own| assert_eq!(own.borrow().len(), SPARES_PER_THREAD / 2 - 1));
            assert_eq!(shared_len(&ALONE_SPARES), SPARES_PER_THREAD / 2);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_shared_spares_stop_at_their_limit_and_the_rest_are_freed() {
        thread_local! {
            static FULL: Own<Item> = const { RefCell::new(Vec::new()) };
        }
        static FULL_SPARES: SpareBoxes<Item> = SpareBoxes::new(&FULL);
        std::thread::spawn(|| {
            for _ in 0..2 * MAX_SHARED_SPARES + SPARES_PER_THREAD {
                FULL_SPARES.give(Box::default());
            }
            assert_eq!(shared_len(&FULL_SPARES), MAX_SHARED_SPARES);
            FULL.with(|own| assert!(own.borrow().len() <= SPARES_PER_THREAD));
        })
        .join()
        .unwrap();
    }
}

//! A global allocator that counts the bytes each thread allocates, so tests
//! can show that hostile input costs a bounded allocation. Counting per
//! thread keeps the tests of one file, which run in parallel, apart.
//!
//! Include it with `#[path = "common/counting_alloc.rs"] mod counting_alloc;`
//! in the test crates that want it: installing a global allocator is a
//! whole-crate decision.
//!
//! [`live_bytes`] counts, for the whole process, what is allocated and not
//! yet freed, so long-running tests can show memory returns to a baseline.
// `unsafe impl GlobalAlloc` is unavoidable here; the library itself stays
// `#![forbid(unsafe_code)]`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

thread_local! {
    // `const` and without a destructor, so reaching it never allocates.
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

/// Bytes allocated and not yet freed, by every thread of the process.
static LIVE: AtomicIsize = AtomicIsize::new(0);

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|a| a.set(a.get() + bytes));
}

fn live(change: isize) {
    LIVE.fetch_add(change, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counter only
// observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            live(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            live(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        live(-(layout.size() as isize));
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: same contract as ours.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            live(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the bytes it allocated on this
/// thread (every allocation and reallocation counted in full, frees not
/// subtracted).
#[allow(dead_code)] // not every test crate reads it
pub fn allocated_by<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(Cell::get);
    let out = f();
    (out, ALLOCATED.with(Cell::get) - before)
}

/// Bytes allocated and not yet freed, by every thread of the process.
#[allow(dead_code)] // not every test crate reads it
pub fn live_bytes() -> isize {
    LIVE.load(Ordering::Relaxed)
}

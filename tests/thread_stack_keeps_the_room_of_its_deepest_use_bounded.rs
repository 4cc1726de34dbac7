//! A thread's stack keeps the room of its deepest use, for its life: its
//! frame and span buffers grow as deep as the thread ever went and stay
//! so, so that entering and attaching never allocate once a thread's
//! usual depth is reached. That room is bounded by `MAX_CONTEXT_DEPTH`
//! (about 160 bytes a level, a span's frame with its span: some 640 KiB
//! at 4,096 levels), and a second burst as deep keeps nothing more.
//!
//! Found by an audit: the bound was not written down; 2,048 spans and
//! 2,048 contexts kept 408,000 live bytes on a thread back at depth 0.
//! `MAX_CONTEXT_DEPTH`'s documentation now says so.
//!
//! Installs the counting allocator (one test: live bytes are the process's).

use baton::MAX_CONTEXT_DEPTH;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

/// Enters `spans` spans, one inside the other, and attaches `contexts`
/// contexts above them, then lets go of them all in order.
fn burst(spans: usize, contexts: usize) {
    let guards: Vec<baton::SpanGuard> = (0..spans).map(|_| baton::span("deep").enter()).collect();
    let attached: Vec<baton::ContextGuard> = (0..contexts)
        .map(|_| baton::Context::default().attach())
        .collect();
    assert_eq!(baton::__stack_depth(), spans + contexts);
    attached.into_iter().rev().for_each(drop);
    guards.into_iter().rev().for_each(drop);
    assert_eq!(baton::__stack_depth(), 0);
}

#[test]
fn a_deep_burst_keeps_a_bounded_room_used_again() {
    /// A level's room: a frame and the span entered in it, and what the
    /// allocator rounds up.
    const LEVEL: isize = 256;
    let (baseline, first, second) = std::thread::spawn(|| {
        // A usual request's depth first: what a worker keeps anyway.
        burst(8, 8);
        let baseline = counting_alloc::live_bytes();
        burst(MAX_CONTEXT_DEPTH, 0);
        let first = counting_alloc::live_bytes();
        burst(MAX_CONTEXT_DEPTH / 2, MAX_CONTEXT_DEPTH / 2);
        burst(MAX_CONTEXT_DEPTH, 0);
        (baseline, first, counting_alloc::live_bytes())
    })
    .join()
    .unwrap();
    let kept = first - baseline;
    assert!(
        kept < MAX_CONTEXT_DEPTH as isize * LEVEL,
        "a burst of {MAX_CONTEXT_DEPTH} spans keeps {kept} live bytes"
    );
    let more = second - first;
    assert!(
        more < 16 * 1024,
        "bursts as deep again kept {more} live bytes more"
    );
}

//! `BatchProcessor` keeps, per (thread, processor) pair that has ended
//! spans, a slot: its thread's lane of plain spans (64 spans of 7 words,
//! 3,584 bytes) and its stage. A thread holds its slot as `&'static`, with
//! no reference count on the span's path, so a slot outlives its thread:
//! it goes back to a process-wide free list for the next thread, its chunk
//! buffers freed. The process keeps as many slots as the most pairs alive
//! at once, each used again: a burst of threads keeps its slots, and a
//! second burst as large keeps nothing more.
//!
//! Found by an audit: the processor's documentation said a thread's lane
//! was "freed when it exits"; 500 threads alive at once kept 1,840,704
//! live bytes (3,681 each) after they exited. The documentation now says
//! what is kept, and this test pins it.
//!
//! Installs the global pipeline and the counting allocator (one test:
//! live bytes are the process's).

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{accounted, Counting};

/// Runs `n` threads alive at once, each ending one plain span.
fn burst(n: usize) {
    let all_alive = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let all_alive = Arc::clone(&all_alive);
            std::thread::spawn(move || {
                baton::in_span("request", || {});
                all_alive.wait();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_burst_of_threads_keeps_its_slots_for_the_next_one() {
    const BURST: usize = 500;
    /// A slot and its lane, and room for what the allocator rounds up.
    const SLOT: isize = 4 * 1024;
    /// What the queue and the export batches may keep (see
    /// `long_running_thread_churn.rs`).
    const QUEUE: isize = 512 * 1024;
    let processor = BatchProcessor::new(
        Counting(Arc::new(AtomicU64::new(0))),
        BatchConfig::default(),
    );
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    burst(8);
    pipeline.force_flush(Duration::from_secs(10)).unwrap();
    let baseline = counting_alloc::live_bytes();
    burst(BURST);
    pipeline.force_flush(Duration::from_secs(10)).unwrap();
    let first = counting_alloc::live_bytes();
    burst(BURST);
    pipeline.force_flush(Duration::from_secs(10)).unwrap();
    let second = counting_alloc::live_bytes();
    let s = stats.get();
    let produced = (8 + 2 * BURST) as u64;
    assert_eq!(
        (s.produced, accounted(&s), s.in_flight),
        (produced, produced, 0),
        "{s:?}"
    );
    let kept = first - baseline;
    assert!(
        kept < BURST as isize * SLOT + QUEUE,
        "{BURST} threads that exited keep {kept} live bytes, past a slot each"
    );
    let more = second - first;
    assert!(
        more < QUEUE,
        "a second burst of {BURST} threads kept {more} live bytes more: its slots were not reused"
    );
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}

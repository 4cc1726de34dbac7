//! A component that builds its own batch processor for each job and lets
//! go of it: 10,000 processors made, each handed a span, then shut down
//! (every other one) or dropped without a shutdown. Each export thread
//! ends, no file descriptor stays open, live bytes come back within a
//! small bound of what they were after a warm-up, and every span is
//! exported, the dropped processors' ones by their worker on its own.
//!
//! Measured in a debug build: live bytes within 16 KiB of the warm-up's
//! at every reading (what the workers still exiting hold), 128 bytes once
//! they are gone; threads and descriptors as before; about 2 s.
//!
//! Installs the counting allocator (one test: live bytes are the process's).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{span, Counting};

/// The process's threads and open file descriptors.
fn threads_and_fds() -> (usize, usize) {
    let count = |dir| std::fs::read_dir(dir).map_or(0, |d| d.count());
    (count("/proc/self/task"), count("/proc/self/fd"))
}

/// Makes a processor, hands it a span, and shuts it down or drops it.
fn cycle(n: usize, exported: &Arc<AtomicU64>) {
    let processor = BatchProcessor::new(Counting(Arc::clone(exported)), BatchConfig::default());
    processor.on_end(span());
    if n % 2 == 0 {
        let deadline = Instant::now() + Duration::from_secs(10);
        processor.shutdown(deadline).unwrap();
    } else {
        drop(processor);
    }
}

/// Polls `done` for up to 10 s; whether it came true.
fn within_10_s(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

#[test]
#[cfg(target_os = "linux")]
fn ten_thousand_processors_leave_no_thread_descriptor_or_memory_behind() {
    const WARM_UP: usize = 100;
    const CYCLES: usize = 10_000;
    let exported = Arc::new(AtomicU64::new(0));
    for n in 0..WARM_UP {
        cycle(n, &exported);
    }
    let all_exported = |n: usize| {
        let exported = Arc::clone(&exported);
        move || exported.load(Ordering::SeqCst) == n as u64
    };
    assert!(within_10_s(all_exported(WARM_UP)));
    let (threads, fds) = threads_and_fds();
    let baseline = counting_alloc::live_bytes();

    let mut readings = Vec::new();
    for n in WARM_UP..WARM_UP + CYCLES {
        cycle(n, &exported);
        if (n - WARM_UP + 1) % (CYCLES / 10) == 0 {
            readings.push(counting_alloc::live_bytes() - baseline);
        }
    }
    // The dropped processors' workers export and exit on their own.
    let exported_all = within_10_s(all_exported(WARM_UP + CYCLES));
    let settled = within_10_s(|| {
        let (t, f) = threads_and_fds();
        t <= threads && f <= fds
    });
    let last = counting_alloc::live_bytes() - baseline;
    eprintln!(
        "processor cycles: live bytes after warm-up + {readings:?}, then + {last}; \
         threads and fds {:?} -> {:?}; {} exported",
        (threads, fds),
        threads_and_fds(),
        exported.load(Ordering::SeqCst)
    );
    assert!(exported_all, "{}", exported.load(Ordering::SeqCst));
    assert!(settled, "{:?} -> {:?}", (threads, fds), threads_and_fds());
    // A leak of 26 bytes or more a processor passes the bound.
    let highest = readings.iter().copied().chain([last]).max().unwrap();
    assert!(
        highest < 256 * 1024,
        "live bytes grew by {highest}: {readings:?}, {last}"
    );
}

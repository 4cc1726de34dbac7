//! Span timestamps are unix nanoseconds that never go backwards.

use std::time::{SystemTime, UNIX_EPOCH};

#[test]
fn timestamps_are_monotonic_and_near_the_wall_clock() {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut last = baton::now_unix_nanos();
    assert!(
        last.abs_diff(wall) < 5_000_000_000,
        "within 5 s of the wall clock"
    );
    for _ in 0..100_000 {
        let now = baton::now_unix_nanos();
        assert!(now >= last);
        last = now;
    }
    let handles: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(baton::now_unix_nanos))
        .collect();
    for h in handles {
        assert!(h.join().unwrap() >= last, "one anchor for every thread");
    }
}

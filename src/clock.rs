//! Wall-clock timestamps that never go backwards within a process.
//!
//! One `SystemTime` reading is taken the first time the clock is used; every
//! later timestamp is that anchor plus an `Instant` delta. Spans therefore get
//! unix-epoch times that exporters understand, and durations that a wall-clock
//! step (NTP, a user changing the date) cannot make negative.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

struct Anchor {
    unix_nanos: u128,
    instant: Instant,
}

fn anchor() -> &'static Anchor {
    static ANCHOR: OnceLock<Anchor> = OnceLock::new();
    ANCHOR.get_or_init(|| Anchor {
        unix_nanos: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
        instant: Instant::now(),
    })
}

/// Nanoseconds since the unix epoch, monotonic within this process.
pub(crate) fn unix_nanos_now() -> u128 {
    let a = anchor();
    a.unix_nanos + a.instant.elapsed().as_nanos()
}

/// The same clock as a `u64`, as OTLP and `SpanData` carry it (good until 2554).
pub fn now_unix_nanos() -> u64 {
    u64::try_from(unix_nanos_now()).unwrap_or(u64::MAX)
}

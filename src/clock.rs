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

/// The same clock at `instant`, as a `u64` as OTLP and `SpanData` carry it
/// (good until 2554). Spans keep raw `Instant`s and convert once, when they
/// end.
pub(crate) fn unix_nanos_at(instant: Instant) -> u64 {
    let a = anchor();
    let unix = match instant.checked_duration_since(a.instant) {
        Some(after) => a.unix_nanos.saturating_add(after.as_nanos()),
        // Taken before the anchor was (the first span of the process).
        None => a
            .unix_nanos
            .saturating_sub(a.instant.duration_since(instant).as_nanos()),
    };
    u64::try_from(unix).unwrap_or(u64::MAX)
}

/// Nanoseconds since the unix epoch, monotonic within this process.
pub fn now_unix_nanos() -> u64 {
    unix_nanos_at(Instant::now())
}

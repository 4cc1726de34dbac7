//! Wall-clock timestamps that never go backwards within a process.
//!
//! One `SystemTime` reading is taken the first time the clock is used; every
//! later timestamp is that anchor plus an `Instant` delta. Spans therefore get
//! unix-epoch times that exporters understand, and durations that a wall-clock
//! step (NTP, a user changing the date) cannot make negative.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::instant_nanos::Reader;

struct Anchor {
    unix_nanos: u64,
    instant: Instant,
    reader: Reader,
    /// `instant` as `reader` reads it.
    read: Option<u64>,
}

impl Anchor {
    /// How many nanoseconds after the anchor `instant` is; `None` before it.
    #[inline]
    fn nanos_until(&self, instant: Instant) -> Option<u64> {
        match (self.read, self.reader.nanos(instant)) {
            (Some(anchor), Some(at)) => at.checked_sub(anchor),
            _ => instant.checked_duration_since(self.instant).map(nanos),
        }
    }

    /// See [`unix_nanos_at`].
    #[inline]
    fn unix_nanos_at(&self, instant: Instant) -> u64 {
        match self.nanos_until(instant) {
            Some(after) => self.unix_nanos.saturating_add(after),
            // Taken before the anchor was (the first span of the process).
            None => self
                .unix_nanos
                .saturating_sub(nanos(self.instant.duration_since(instant))),
        }
    }
}

fn anchor() -> &'static Anchor {
    static ANCHOR: OnceLock<Anchor> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let reader = Reader::checked();
        let instant = Instant::now();
        Anchor {
            unix_nanos: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, nanos),
            instant,
            reader,
            read: reader.nanos(instant),
        }
    })
}

/// `d` in nanoseconds, saturating (a `u64` holds 584 years). Computed in
/// 64 bits: `Duration::as_nanos` works in 128, which cost the export thread
/// about 11 more instructions per span for its two conversions.
pub(crate) fn nanos(d: Duration) -> u64 {
    d.as_secs()
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::from(d.subsec_nanos()))
}

/// The same clock at `instant`, as a `u64` as OTLP and `SpanData` carry it
/// (good until 2554). Spans keep raw `Instant`s and convert once, when they
/// end.
pub(crate) fn unix_nanos_at(instant: Instant) -> u64 {
    anchor().unix_nanos_at(instant)
}

/// [`unix_nanos_at`] of a span's start and end, the end never before the
/// start. The anchor is read once for both: each read is an atomic load
/// and a branch (callgrind: about 6 instructions).
#[inline]
pub(crate) fn unix_nanos_span(start: Instant, end: Instant) -> (u64, u64) {
    let a = anchor();
    let start = a.unix_nanos_at(start);
    (start, a.unix_nanos_at(end).max(start))
}

/// The instant of the same clock at `unix_nanos`: the inverse of
/// [`unix_nanos_at`], for timestamps that arrive as numbers. A time the
/// platform's `Instant` cannot hold (centuries away) gives the anchor.
pub(crate) fn instant_at(unix_nanos: u64) -> Instant {
    let a = anchor();
    if unix_nanos >= a.unix_nanos {
        let after = Duration::from_nanos(unix_nanos - a.unix_nanos);
        a.instant.checked_add(after).unwrap_or(a.instant)
    } else {
        let before = Duration::from_nanos(a.unix_nanos - unix_nanos);
        a.instant.checked_sub(before).unwrap_or(a.instant)
    }
}

/// How many nanoseconds after the anchor `instant` is; `None` before it.
#[cfg(test)]
pub(crate) fn nanos_since_anchor(instant: Instant) -> Option<u64> {
    anchor().nanos_until(instant)
}

/// How many nanoseconds after the anchor a span that ran from `start` to
/// `end` ended, and how long it ran (0 if `end` is not later); `None` if it
/// ended before the anchor. Spans that cross threads as numbers carry their
/// times this way, and [`unix_nanos_after_anchor`] gives the same unix time
/// as [`unix_nanos_at`] would have. The anchor and each instant are read
/// once: asked for apart, the end was read twice (callgrind).
#[inline]
pub(crate) fn span_since_anchor(start: Instant, end: Instant) -> Option<(u64, u64)> {
    let a = anchor();
    match (a.read, a.reader.nanos(start), a.reader.nanos(end)) {
        (Some(anchor), Some(start), Some(end)) => {
            Some((end.checked_sub(anchor)?, end.saturating_sub(start)))
        }
        _ => Some((
            a.nanos_until(end)?,
            nanos(end.saturating_duration_since(start)),
        )),
    }
}

/// The unix time `after` (in nanoseconds) the anchor.
pub(crate) fn unix_nanos_after_anchor(after: u64) -> u64 {
    anchor().unix_nanos.saturating_add(after)
}

/// Fixes the anchor now if it is not yet: every instant after this call
/// has a time [`span_since_anchor`].
pub(crate) fn fix_anchor() {
    anchor();
}

/// Nanoseconds since the unix epoch, monotonic within this process.
pub fn now_unix_nanos() -> u64 {
    unix_nanos_at(Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_at_inverts_unix_nanos_at() {
        let now = Instant::now();
        let later = now + Duration::from_millis(1500);
        for instant in [now, later] {
            let back = instant_at(unix_nanos_at(instant));
            let apart = back.max(instant) - back.min(instant);
            // Only the sub-nanosecond part of the instant is lost.
            assert!(apart < Duration::from_nanos(2), "{apart:?}");
        }
    }

    #[test]
    fn nanos_counts_every_nanosecond_and_saturates_past_584_years() {
        assert_eq!(nanos(Duration::new(5, 7)), 5_000_000_007);
        let edge = Duration::from_nanos(u64::MAX);
        assert_eq!(nanos(edge), u64::MAX);
        assert_eq!(nanos(edge + Duration::from_nanos(1)), u64::MAX);
        assert_eq!(nanos(Duration::MAX), u64::MAX);
    }

    #[test]
    fn a_time_since_the_anchor_reads_back_as_unix_nanos_at_gives_it() {
        fix_anchor();
        let now = Instant::now();
        let after = nanos_since_anchor(now).unwrap();
        assert_eq!(after, nanos(now - anchor().instant));
        assert_eq!(unix_nanos_after_anchor(after), unix_nanos_at(now));
        let before = anchor().instant.checked_sub(Duration::from_nanos(1));
        assert_eq!(before.and_then(nanos_since_anchor), None);
    }

    #[test]
    fn a_span_reads_its_end_after_the_anchor_and_a_duration_that_saturates_at_zero() {
        fix_anchor();
        let now = Instant::now();
        let later = now + Duration::new(1, 5);
        let end = nanos_since_anchor(later).unwrap();
        assert_eq!(span_since_anchor(now, later), Some((end, 1_000_000_005)));
        assert_eq!(
            span_since_anchor(later, now),
            Some((end - 1_000_000_005, 0))
        );
        let before = anchor()
            .instant
            .checked_sub(Duration::from_nanos(1))
            .unwrap();
        assert_eq!(span_since_anchor(before, before), None);
    }

    #[test]
    fn instant_at_keeps_the_order_of_extreme_times() {
        let now = instant_at(now_unix_nanos());
        assert!(instant_at(0) <= now);
        assert!(now <= instant_at(u64::MAX));
    }
}

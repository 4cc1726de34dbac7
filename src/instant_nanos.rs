//! An `Instant` as a number of nanoseconds, read without a call into std.
//!
//! Safe code reaches an `Instant`'s value only by subtracting another one,
//! and each subtraction is a call into std (`checked_duration_since`, then
//! `Timespec::sub_timespec`): about 30 instructions, twice per span on the
//! paths that turn times into numbers (callgrind, `.ci/instructions`). An
//! `Instant`'s `Hash` implementation is generic, so it is compiled here and
//! inlined, and on the platforms baton runs on it writes the instant's
//! seconds and then its nanoseconds. [`Reader`] reads them that way, after
//! checking once, on instants it made itself, that they mean what it takes
//! them to mean; where they do not, it reads nothing and callers subtract.

use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// Seconds past which an instant is not read (272 years): the nanoseconds
/// then always fit a `u64`.
const MAX_SECS: u64 = 1 << 33;

/// What an `Instant`'s hash writes, when it writes what [`Reader`] expects:
/// one `u64`, then one `u32`, and nothing else.
#[derive(Default)]
struct Fields {
    secs: u64,
    nanos: u32,
    writes: u8,
    unexpected: bool,
}

impl Hasher for Fields {
    fn finish(&self) -> u64 {
        self.secs ^ u64::from(self.nanos)
    }

    fn write(&mut self, _bytes: &[u8]) {
        self.unexpected = true;
    }

    fn write_u64(&mut self, secs: u64) {
        self.unexpected |= self.writes != 0;
        self.secs = secs;
        self.writes += 1;
    }

    fn write_u32(&mut self, nanos: u32) {
        self.unexpected |= self.writes != 1;
        self.nanos = nanos;
        self.writes += 1;
    }
}

/// Reads instants as nanoseconds, where this platform's `Instant` allows.
#[derive(Clone, Copy)]
pub(crate) struct Reader {
    works: bool,
}

impl Reader {
    /// A reader that reads only if its reading of three instants it makes
    /// (now, a nanosecond later, and just under two seconds later) gives
    /// the distances between them exactly.
    pub(crate) fn checked() -> Reader {
        let unchecked = Reader { works: true };
        let now = Instant::now();
        let read = |d: Duration| now.checked_add(d).and_then(|t| unchecked.nanos(t));
        let works = match (
            read(Duration::ZERO),
            read(Duration::from_nanos(1)),
            read(Duration::new(1, 999_999_999)),
        ) {
            (Some(a), Some(b), Some(c)) => {
                b.checked_sub(a) == Some(1) && c.checked_sub(a) == Some(1_999_999_999)
            }
            _ => false,
        };
        Reader { works }
    }

    /// `instant` in nanoseconds from its clock's origin; `None` where this
    /// platform's instants are not read so, or past [`MAX_SECS`].
    #[inline]
    pub(crate) fn nanos(self, instant: Instant) -> Option<u64> {
        if !self.works {
            return None;
        }
        let mut fields = Fields::default();
        instant.hash(&mut fields);
        let read = fields.writes == 2
            && !fields.unexpected
            && fields.secs < MAX_SECS
            && fields.nanos < 1_000_000_000;
        read.then(|| fields.secs * 1_000_000_000 + u64::from(fields.nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_as_std_computes_them() {
        let reader = Reader::checked();
        let now = Instant::now();
        for d in [
            Duration::ZERO,
            Duration::from_nanos(7),
            Duration::new(3, 999_999_999),
        ] {
            let later = now + d;
            if let (Some(a), Some(b)) = (reader.nanos(now), reader.nanos(later)) {
                assert_eq!(u128::from(b - a), d.as_nanos());
            }
        }
        // Where std's instants are seconds and nanoseconds (every unix and
        // Windows), they are read.
        #[cfg(any(unix, windows))]
        assert!(reader.nanos(now).is_some());
    }

    #[test]
    fn a_hash_that_writes_otherwise_is_not_read() {
        let mut fields = Fields::default();
        fields.write_u32(5);
        fields.write_u64(1);
        assert!(fields.unexpected);
        let mut fields = Fields::default();
        fields.write_u64(1);
        fields.write(b"x");
        assert!(fields.unexpected);
        assert!(Reader { works: false }.nanos(Instant::now()).is_none());
    }
}

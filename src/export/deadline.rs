//! Deadlines from timeouts that never overflow an `Instant`.

use std::io;
use std::time::{Duration, Instant};

/// When a request must be done by, and how long it was allowed in all: the
/// error saying it ran out of time names the latter.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub(crate) at: Instant,
    pub(crate) allowed: Duration,
}

impl Deadline {
    /// `allowed` from now, saturated as [`deadline_after`] does.
    pub(crate) fn after(allowed: Duration) -> Deadline {
        Deadline {
            at: deadline_after(allowed),
            allowed,
        }
    }
}

/// `timeout` from now, saturated at the latest instant the clock can hold:
/// `Duration::MAX` means no deadline, and adding it never panics.
///
/// The search halves the excess, so it takes at most 64 steps.
pub(crate) fn deadline_after(timeout: Duration) -> Instant {
    later(Instant::now(), timeout)
}

/// `start + by`, saturated like [`deadline_after`].
pub(crate) fn later(start: Instant, by: Duration) -> Instant {
    if let Some(at) = start.checked_add(by) {
        return at;
    }
    // The clock cannot hold `start + by`: find the latest it can, one bit at
    // a time from the top.
    let (mut fits, mut step) = (Duration::ZERO, by);
    while !step.is_zero() {
        if let Some(more) = fits.checked_add(step) {
            if start.checked_add(more).is_some() {
                fits = more;
            }
        }
        step /= 2;
    }
    start + fits
}

/// What is left until `deadline`; a `TimedOut` error once it has passed,
/// for the socket calls that take a timeout (none of which takes zero).
pub(crate) fn remaining(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(io::Error::new(io::ErrorKind::TimedOut, "deadline passed"))
    } else {
        Ok(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_max_saturates_instead_of_panicking() {
        let now = Instant::now();
        let far = later(now, Duration::MAX);
        assert!(far > now + Duration::from_secs(3600 * 24 * 365));
        // Saturated: nothing later fits.
        assert!(far.checked_add(Duration::from_secs(1)).is_none());
        assert_eq!(
            later(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
        let year = Duration::from_secs(3600 * 24 * 365);
        assert!(deadline_after(Duration::MAX) > Instant::now() + year);
    }
}

//! Deadlines from timeouts that never overflow an `Instant`.

use std::time::{Duration, Instant};

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

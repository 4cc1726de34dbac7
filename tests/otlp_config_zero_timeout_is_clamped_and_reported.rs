//! `OtlpConfig::timeout` set in code below `MIN_EXPORT_TIMEOUT` (zero, say)
//! takes effect clamped to it and is reported as an `invalid-argument`
//! diagnostic, as a `BatchConfig` built in code is.
//!
//! Bug: a zero timeout was kept as given, neither clamped nor reported, and
//! every export then failed at once with a 0 s timeout. Reads the global
//! diagnostic counters.

use std::time::Duration;

use baton::export::{OtlpConfig, MIN_EXPORT_TIMEOUT};
use baton::{diagnostic_count, DiagnosticKind};

#[test]
fn a_timeout_below_the_minimum_is_clamped_and_reported() {
    let config = || OtlpConfig::new("http://localhost:4318/v1/traces").unwrap();
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let zero = config().timeout(Duration::ZERO);
    assert_eq!(zero.get_timeout(), MIN_EXPORT_TIMEOUT);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
    // At the minimum, and `Duration::MAX` (no limit): kept, no report.
    for fine in [MIN_EXPORT_TIMEOUT, Duration::MAX] {
        assert_eq!(config().timeout(fine).get_timeout(), fine);
    }
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1,
        "in range: no report"
    );
}

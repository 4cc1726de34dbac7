//! `SpanExporter::set_export_timeout` called on an OTLP exporter directly
//! with a timeout below `MIN_EXPORT_TIMEOUT` (zero, say) takes effect
//! clamped to it and is reported as an `invalid-argument` diagnostic, as
//! `OtlpConfig::timeout` is: one rule on both routes.
//!
//! Bug (export probe, session 21): `set_export_timeout(Duration::ZERO)`
//! set a zero timeout, unclamped and unreported, and every export then
//! failed before it started. Reads the global diagnostic counters.

use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter, MIN_EXPORT_TIMEOUT};
use baton::{diagnostic_count, DiagnosticKind};

#[test]
fn a_zero_export_timeout_set_directly_is_clamped_and_reported() {
    let exporter =
        || OtlpExporter::new(OtlpConfig::new("http://localhost:4318/v1/traces").unwrap());
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut zero = exporter();
    zero.set_export_timeout(Duration::ZERO);
    assert_eq!(zero.config().get_timeout(), MIN_EXPORT_TIMEOUT);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
    // At the minimum, and `Duration::MAX` (no limit: the configured one
    // stays): kept, no report.
    for (given, kept) in [
        (MIN_EXPORT_TIMEOUT, MIN_EXPORT_TIMEOUT),
        (Duration::MAX, Duration::from_secs(10)),
    ] {
        let mut fine = exporter();
        fine.set_export_timeout(given);
        assert_eq!(fine.config().get_timeout(), kept, "{given:?}");
    }
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1,
        "in range: no report"
    );
}

//! A positive sampling ratio below 2^-57 keeps no value of the 56-bit
//! trace id randomness: `TraceIdRatio` samples nothing with it, so it
//! reports the ratio and says 0 is in force (found: `ratio()` and the
//! description gave `f64::MIN_POSITIVE` for a sampler that never sampled).
//! The same for `OTEL_TRACES_SAMPLER_ARG=1e-400`, which Rust parses as 0:
//! reported, not read as a 0 that was given; `-1e-400` is out of range.
//!
//! Its own file: the messages are read from the global handler.

use std::sync::Mutex;

use baton::export::sampler_from_env;
use baton::sampling::{Sampler, SamplingParams, TraceIdRatio};
use baton::{DiagnosticKind, TraceId};

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The sampling-ratio reports made while `f` ran.
fn reports_of(f: impl FnOnce()) -> Vec<String> {
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        let message = d.message.to_string();
        if d.kind == DiagnosticKind::InvalidArgument && message.starts_with("sampling ratio") {
            REPORTS.lock().unwrap().push(message);
        }
    }));
    // One test at a time: the handler is the process's.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    REPORTS.lock().unwrap().clear();
    f();
    std::mem::take(&mut *REPORTS.lock().unwrap())
}

/// The trace id whose randomness is the largest: sampled by every ratio
/// that keeps any value at all.
fn top() -> TraceId {
    TraceId::from_hex("000000000000000000ffffffffffffff").unwrap()
}

fn samples_top(sampler: &dyn Sampler) -> bool {
    sampler
        .should_sample(&SamplingParams::new(None, top(), "x"))
        .is_sampled()
}

#[test]
fn a_ratio_below_two_to_the_minus_57_is_zero_and_reported() {
    for tiny in [f64::MIN_POSITIVE, 1e-30, 2f64.powi(-57) * 0.99] {
        let mut sampler = None;
        let reports = reports_of(|| sampler = Some(TraceIdRatio::new(tiny)));
        let sampler = sampler.unwrap();
        assert_eq!(reports.len(), 1, "{tiny}: {reports:?}");
        assert!(reports[0].contains(&tiny.to_string()), "{reports:?}");
        assert!(reports[0].contains("using 0"), "{reports:?}");
        assert_eq!(sampler.ratio(), 0.0, "{tiny}");
        assert_eq!(sampler.description(), "TraceIdRatioBased{0}");
        assert!(!samples_top(&sampler), "{tiny}");
    }
}

#[test]
fn the_edge_keeps_one_value_and_reports_nothing() {
    // 2^-57 is half a value of the randomness, and rounds up to one.
    for edge in [2f64.powi(-57), 2f64.powi(-56)] {
        let mut sampler = None;
        let reports = reports_of(|| sampler = Some(TraceIdRatio::new(edge)));
        let sampler = sampler.unwrap();
        assert!(reports.is_empty(), "{edge}: {reports:?}");
        assert_eq!(sampler.ratio(), edge);
        assert!(samples_top(&sampler), "{edge}");
    }
}

#[test]
fn an_argument_that_parses_as_zero_but_is_not_is_reported() {
    let sampler_with = |arg: &'static str| {
        sampler_from_env(move |k: &str| match k {
            "OTEL_TRACES_SAMPLER" => Some("traceidratio".to_owned()),
            "OTEL_TRACES_SAMPLER_ARG" => Some(arg.to_owned()),
            _ => None,
        })
    };
    let mut read = None;
    let reports = reports_of(|| read = Some(sampler_with(" 1e-400 ")));
    let sampler = read.unwrap().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("1e-400 is below 2^-57"), "{reports:?}");
    assert_eq!(sampler.description(), "TraceIdRatioBased{0}");
    assert!(!samples_top(&*sampler));

    // A negative one is outside [0, 1], as `-0.5` is.
    let mut read = None;
    let reports = reports_of(|| read = Some(sampler_with("-1e-400")));
    let error = read.unwrap().expect_err("-1e-400 refused");
    assert_eq!(error.variable(), "OTEL_TRACES_SAMPLER_ARG");
    assert!(error.to_string().contains("from 0 to 1"), "{error}");
    assert!(reports.is_empty(), "{reports:?}");

    // Zero written any way is zero, and not reported.
    for zero in ["0", "0.000", "-0", "0e-400", "0E5"] {
        let mut read = None;
        let reports = reports_of(|| read = Some(sampler_with(zero)));
        let sampler = read.unwrap().unwrap();
        assert!(reports.is_empty(), "{zero}: {reports:?}");
        assert_eq!(sampler.description(), "TraceIdRatioBased{0}", "{zero}");
    }
}

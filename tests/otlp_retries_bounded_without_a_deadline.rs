//! An OTLP export with no deadline (`OTEL_EXPORTER_OTLP_TIMEOUT=0` and
//! `OTEL_BSP_EXPORT_TIMEOUT=0`, both "no limit") still ends: it sends its
//! request at most `MAX_EXPORT_ATTEMPTS` times, honours no `Retry-After`
//! longer than `MAX_RETRY_AFTER`, and a host name that does not resolve is
//! retried as a refused connection is, then fails naming the lookup.
//!
//! Bugs (export probe of session 21): a collector answering 503 for ever
//! was retried for ever, so the export never returned; a `Retry-After` of
//! 10^9 seconds (or an HTTP-date years ahead) was waited for; a lookup
//! failure was taken as permanent and not retried, though OpenTelemetry
//! takes it as transient. Installs the global pipeline once (to record the
//! fixture's span), so it runs in a process of its own.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::mpsc;
use std::time::Duration;

use baton::export::{
    ExportError, OtlpConfig, OtlpExporter, SpanExporter, MAX_EXPORT_ATTEMPTS, MAX_RETRY_AFTER,
};

/// How long a test waits for an export that should end well before it:
/// past it, the export is taken to hang (the bug), not to be slow.
const HANG: Duration = Duration::from_secs(120);

/// An exporter to `url` configured as from the environment with both
/// timeouts 0 (no limit), as a batch processor hands it its own.
fn without_deadline(url: &str) -> OtlpExporter {
    let env = |k: &str| match k {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" => Some(url.to_owned()),
        "OTEL_EXPORTER_OTLP_TIMEOUT" => Some("0".to_owned()),
        _ => None,
    };
    let config = OtlpConfig::from_lookup(env).unwrap();
    assert_eq!(config.get_timeout(), Duration::MAX, "no deadline");
    let mut exporter = OtlpExporter::new(config);
    exporter.set_export_timeout(Duration::MAX); // OTEL_BSP_EXPORT_TIMEOUT=0
    exporter
}

/// The export of one span to `url` with no deadline, run on a thread of
/// its own; `None` if it did not return within [`HANG`].
fn export_to(url: &str) -> Option<Result<(), ExportError>> {
    let mut exporter = without_deadline(url);
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(exporter.export(&[batch_fixture::span()]));
    });
    result.recv_timeout(HANG).ok()
}

const UNAVAILABLE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

/// How many requests `requests` carries, now that the export has returned,
/// if `expected` came: the server hands a request over after answering it,
/// so the last hand-over may lag the export's end.
fn count(requests: &mpsc::Receiver<loopback_collector::Request>, expected: usize) -> usize {
    let mut seen = 0;
    while seen < expected && requests.recv_timeout(Duration::from_secs(10)).is_ok() {
        seen += 1;
    }
    seen + requests.try_iter().count()
}

#[test]
fn a_lasting_503_is_sent_at_most_max_export_attempts_times() {
    // At the edge: the last attempt allowed is answered 200.
    let last = MAX_EXPORT_ATTEMPTS as usize - 1;
    let (base, requests) = loopback_collector::answering(100, move |n| {
        if n < last { UNAVAILABLE } else { OK }.to_vec()
    });
    let result = export_to(&format!("{base}/v1/traces")).expect("the export hung");
    assert_eq!(result, Ok(()));
    assert_eq!(
        count(&requests, MAX_EXPORT_ATTEMPTS as usize),
        MAX_EXPORT_ATTEMPTS as usize
    );

    // Past it: 503 for ever ends after the last attempt, saying so.
    let (base, requests) = loopback_collector::answering(100, |_| UNAVAILABLE.to_vec());
    let result = export_to(&format!("{base}/v1/traces")).expect("the export hung");
    let Err(ExportError::Failed(why)) = &result else {
        panic!("{result:?}")
    };
    assert!(
        why.contains("503") && why.contains(&format!("{MAX_EXPORT_ATTEMPTS} attempts")),
        "{why}"
    );
    assert_eq!(
        count(&requests, MAX_EXPORT_ATTEMPTS as usize),
        MAX_EXPORT_ATTEMPTS as usize
    );
}

#[test]
fn a_retry_after_past_the_cap_is_not_waited_for() {
    let past_cap = MAX_RETRY_AFTER.as_secs() + 1;
    for value in [
        past_cap.to_string(),
        "1000000000".to_owned(),
        "18446744073709551615".to_owned(),
        "Fri, 31 Dec 9999 23:59:59 GMT".to_owned(),
    ] {
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {value}\r\nContent-Length: 0\r\n\r\n"
        );
        let (base, requests) =
            loopback_collector::answering(100, move |_| answer.clone().into_bytes());
        let result = export_to(&format!("{base}/v1/traces"))
            .unwrap_or_else(|| panic!("Retry-After: {value}: waited for"));
        let Err(ExportError::Failed(why)) = &result else {
            panic!("Retry-After: {value}: {result:?}")
        };
        assert!(why.contains("MAX_RETRY_AFTER"), "{value}: {why}");
        assert_eq!(count(&requests, 1), 1, "Retry-After: {value}");
    }
}

#[test]
fn a_name_that_does_not_resolve_is_retried_then_named() {
    // `.invalid` never resolves (RFC 6761 §6.4): the lookup fails on every
    // attempt, as a typo in the endpoint does, and the export ends after
    // the last one with the lookup's error, not a loop.
    let result = export_to("http://collector.invalid:4318/v1/traces").expect("the export hung");
    let Err(ExportError::Failed(why)) = &result else {
        panic!("{result:?}")
    };
    assert!(
        why.contains("collector.invalid")
            && why.contains(&format!("{MAX_EXPORT_ATTEMPTS} attempts")),
        "{why}"
    );
}

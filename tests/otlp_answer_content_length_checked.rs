//! The OTLP exporter reads an answer's `Content-Length` as RFC 9112 §6.3
//! and RFC 9110 §8.6 say: a list of one value repeated (as a proxy that
//! joins duplicate fields sends it, `Content-Length: 0, 0`) is that value,
//! and a value that is not one (`abc`, `-1`, `+5`, two that differ) makes
//! the answer's framing invalid: an error naming it, not retried, and the
//! connection closed.
//!
//! Found: such a value was ignored and the body read to the end of the
//! connection. A keep-alive collector answering `Content-Length: 0, 0`
//! held every export to its timeout (then counted it delivered with a
//! warning and dropped the connection); `Content-Length: 0` beside
//! `Content-Length: 5` read five bytes of whatever came next; and
//! `Content-Length: abc` was read as a body up to the close.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::atomic::Ordering;
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use baton::{diagnostic_count, DiagnosticKind};
use loopback_collector::{answering, keeping_connections};

fn exporter(url: &str) -> OtlpExporter {
    let config = OtlpConfig::new(&format!("{url}/v1/traces"))
        .unwrap()
        .timeout(Duration::from_secs(1));
    OtlpExporter::new(config)
}

#[test]
fn a_list_of_one_length_repeated_is_that_length() {
    for answer in [
        "HTTP/1.1 200 OK\r\nContent-Length: 0, 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:0 ,0,  0\r\n\r\n",
    ] {
        let (url, connections, requests) = keeping_connections(move |_| answer.as_bytes().to_vec());
        let mut exporter = exporter(&url);
        let warnings = diagnostic_count(DiagnosticKind::ExportWarning);
        let span = batch_fixture::span();
        for _ in 0..3 {
            exporter
                .export(std::slice::from_ref(&span))
                .unwrap_or_else(|e| panic!("{answer:?}: {e}"));
        }
        assert_eq!(requests.try_iter().count(), 3, "{answer:?}");
        // Read to its end, so the connection carried the next request, and
        // no body was cut short by the deadline.
        assert_eq!(connections.load(Ordering::SeqCst), 1, "{answer:?}");
        assert_eq!(
            diagnostic_count(DiagnosticKind::ExportWarning),
            warnings,
            "{answer:?}"
        );
    }
}

#[test]
fn a_length_that_is_none_is_an_error_not_retried() {
    for (length, body) in [
        ("abc", ""),
        ("-1", ""),
        ("+5", "hello"),
        ("5 5", "hello"),
        ("", ""),
        ("0, 5", ""),
        ("0\r\nContent-Length: 5", "hello"),
        ("0x5", "hello"),
    ] {
        for status in ["200 OK", "503 Service Unavailable"] {
            let answer = format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\n\r\n{body}");
            let (url, requests) = answering(5, move |_| answer.clone().into_bytes());
            let result = exporter(&url).export(&[batch_fixture::span()]);
            let Err(ExportError::Failed(why)) = &result else {
                panic!("{status}, Content-Length: {length:?}: {result:?}");
            };
            assert!(
                why.contains("invalid Content-Length"),
                "{status}, Content-Length: {length:?}: {why}"
            );
            // The collector hands a request over after its answer: the
            // first is there at once, and a retry, sent before the export
            // returned, would follow it.
            requests.recv_timeout(Duration::from_secs(10)).unwrap();
            assert!(
                requests.recv_timeout(Duration::from_millis(500)).is_err(),
                "{status}, Content-Length: {length:?}: retried"
            );
        }
    }
}

#[test]
fn transfer_encoding_still_wins_over_any_length() {
    let (url, _requests) = answering(1, |_| {
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            .to_vec()
    });
    exporter(&url).export(&[batch_fixture::span()]).unwrap();
}

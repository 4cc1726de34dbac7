//! A 2xx answer whose body cannot be read to its end counts as delivered,
//! whatever broke it: the deadline, the end of the connection, or chunked
//! framing that does not decode. The status line is the collector's answer
//! ("If the processing of the request is successful, the server MUST
//! respond with HTTP 200 OK", OTLP/HTTP), and RFC 9112 §8 puts "decoding a
//! supposedly chunked transfer coding fails" beside "a connection is closed
//! prematurely": the message is incomplete, not absent. The warning says
//! so, since a partial success in the body is then unknown. A body past
//! the limit stays an error: the OTLP/HTTP spec has the client "treat the
//! response as a non-retryable error". Installs a diagnostic handler, so it
//! has its own file.
//!
//! Found: a 200 whose chunked body was malformed failed the export
//! ("malformed chunked body"), though the collector took the spans, while
//! one cut short counted as delivered.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter, MAX_RESPONSE_BODY};
use baton::DiagnosticKind;
use loopback_collector::answering;

/// The messages of the warnings reported so far.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Serialises the tests, which share `WARNINGS`.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Exports one span to a collector that answers with `head` and `body`
/// (as many times as asked) and closes the connection; returns the
/// collector's URL, the result, how many requests were sent, and the
/// warnings reported.
fn export(head: &str, body: &[u8]) -> (String, Result<(), ExportError>, usize, Vec<String>) {
    let _ = baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }));
    let mut answer = head.as_bytes().to_vec();
    answer.extend_from_slice(body);
    let (url, requests) = answering(5, move |_| answer.clone());
    let url = format!("{url}/v1/traces");
    let config = OtlpConfig::new(&url)
        .unwrap()
        .timeout(Duration::from_secs(10));
    WARNINGS.lock().unwrap().clear();
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    // The collector hands a request over after answering it: the first is
    // awaited, and any retry comes well within the wait after it.
    let sent =
        std::iter::from_fn(|| requests.recv_timeout(Duration::from_millis(500)).ok()).count();
    (url, result, sent, WARNINGS.lock().unwrap().clone())
}

const CHUNKED_200: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

#[test]
fn a_200_with_malformed_chunked_framing_is_delivered_with_a_warning() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (body, fault) in [
        // A chunk size that is no hex number.
        (&b"zz\r\n{}\r\n0\r\n\r\n"[..], "no chunk size at byte 0"),
        (
            b"2x\r\n{}\r\n0\r\n\r\n",
            "an unexpected byte after a chunk size",
        ),
        (b"fffffffffffffffff\r\n", "a chunk size past 64 bits"),
        // Data longer than its size.
        (b"1\r\n{}\r\n0\r\n\r\n", "chunk data longer than its size"),
        // A bare CR in a trailer field (RFC 9112 §2.2: no line terminator).
        (b"2\r\n{}\r\n0\r\nX: a\rb\r\n\r\n", "a CR without LF"),
    ] {
        let (url, result, sent, warnings) = export(CHUNKED_200, body);
        assert_eq!(result, Ok(()), "{fault}");
        assert_eq!(sent, 1, "not sent again: {fault}");
        assert_eq!(warnings.len(), 1, "{fault}: {warnings:?}");
        let warning = &warnings[0];
        assert!(
            warning.starts_with(&format!(
                "{url} answered 200, but its body could not be read"
            )),
            "{warning}"
        );
        assert!(
            warning.contains(&format!("malformed chunked body: {fault}")),
            "{warning}"
        );
        assert!(
            warning
                .ends_with("counted as delivered, but any partial success in the body is unknown"),
            "{warning}"
        );
    }
}

#[test]
fn a_200_with_a_chunked_body_cut_short_is_delivered_with_a_warning() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for body in [
        // In a chunk's data, in a chunk-size line, before the last chunk,
        // in the trailer section, before the final CRLF.
        &b"a\r\n{\"partial"[..],
        b"2\r\n{}\r\n1",
        b"2\r\n{}\r\n",
        b"2\r\n{}\r\n0\r\nX: 1\r\n",
        b"2\r\n{}\r\n0\r\n",
    ] {
        let (url, result, sent, warnings) = export(CHUNKED_200, body);
        let shown = String::from_utf8_lossy(body);
        assert_eq!(result, Ok(()), "{shown}");
        assert_eq!(sent, 1, "{shown}");
        assert_eq!(
            warnings,
            [format!(
                "{url} answered 200, but the connection ended before its body did: counted as \
                 delivered, but any partial success in the body is unknown"
            )],
            "{shown}"
        );
    }
}

#[test]
fn a_200_whose_chunked_body_is_past_the_limit_stays_an_error() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let past = format!("{:x}\r\n", MAX_RESPONSE_BODY + 1);
    let (_, result, sent, _) = export(CHUNKED_200, past.as_bytes());
    match result {
        Err(ExportError::Failed(why)) => assert!(
            why.contains(&format!("longer than the {MAX_RESPONSE_BODY}-byte limit")),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(sent, 1, "not retried");
}

#[test]
fn a_refusal_with_a_malformed_body_is_still_read_by_its_status() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // A 400 fails without a retry, naming its status; a 503 is retried
    // (the collector answers every attempt alike), as their statuses say.
    let head = |status: &str| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
    };
    let (url, result, sent, _) = export(&head("400 Bad Request"), b"3\r\nbad\r\nzz\r\n");
    assert_eq!(
        result,
        Err(ExportError::Failed(format!("{url} answered 400: bad")))
    );
    assert_eq!(sent, 1);
    let (url, result, sent, _) = export(&head("503 Service Unavailable"), b"zz\r\n");
    match result {
        Err(ExportError::Failed(why)) => {
            assert!(why.starts_with(&format!("{url} answered 503")), "{why}")
        }
        other => panic!("{other:?}"),
    }
    assert!(sent > 1, "retried: {sent}");
}

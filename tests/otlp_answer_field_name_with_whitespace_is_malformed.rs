//! A response field line with whitespace between its name and its colon
//! (`Content-Length : 2`), or that is no field line at all (no colon, a
//! name that is not a token), makes the answer head malformed. RFC 9112
//! §5.1: "No whitespace is allowed between the field name and colon", as
//! "differences in the handling of such whitespace have led to security
//! vulnerabilities in request routing and response handling"; a field
//! line is `field-name ":" OWS field-value OWS`, its name a token (RFC 9110
//! §5.1). Such an answer fails the export as any malformed head does (its
//! framing is unknown: RFC 9112 §6.3 has a user agent discard it), without
//! a retry, and its connection is not kept.
//!
//! Found: the line was skipped as if it were no field, so the body of
//! `Content-Length : 2` was read to the end of the connection; on a
//! connection the collector kept open the export waited until its
//! deadline, and then counted a 200 as delivered with a timeout warning,
//! or a 503 as a timeout instead of retrying it.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::atomic::Ordering;
use std::time::Duration;

use baton::export::__private_api::parse_head;
use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::keeping_connections;

#[test]
fn a_head_with_a_field_line_that_is_not_one_is_malformed() {
    for line in [
        "Content-Length : 2",
        "Content-Length\t: 2",
        "Transfer-Encoding :chunked",
        "X-Anything : y",
        "Content Length: 2",
        "Content-Length",
        ": 2",
        "Cont\u{e9}nt-Length: 2",
    ] {
        let head = format!("HTTP/1.1 200 OK\r\n{line}\r\n\r\n");
        let err = parse_head(head.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{line:?}");
        assert!(err.to_string().contains("response head"), "{line:?}: {err}");
    }
    // Whitespace after the colon, around the value, and folds are allowed.
    let head = b"HTTP/1.1 200 OK\r\nContent-Length:2\r\nX: \t\r\nY:a\r\n b\r\n\r\n";
    assert_eq!(parse_head(head).unwrap().content_length, Some(2));
}

#[test]
fn an_answer_with_whitespace_before_a_colon_fails_once_and_is_not_kept() {
    for status in ["200 OK", "503 Service Unavailable"] {
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length : 2\r\n\r\n{{}}"
        );
        // The collector keeps its connections open, so a body read to the
        // end of the connection would not end before the deadline.
        let (url, connections, requests) =
            keeping_connections(move |_| answer.clone().into_bytes());
        let config = OtlpConfig::new(&format!("{url}/v1/traces"))
            .unwrap()
            .timeout(Duration::from_secs(20));
        let mut exporter = OtlpExporter::new(config);
        for attempt in 0..2 {
            let result = exporter.export(&[batch_fixture::span()]);
            match &result {
                Err(ExportError::Failed(why)) => assert!(
                    why.contains("whitespace between a field name and its colon"),
                    "{status}: {why}"
                ),
                other => panic!("{status}: {other:?}"),
            }
            assert_eq!(requests.try_iter().count(), 1, "{status}: not retried");
            // Not kept: each export opens its own connection.
            assert_eq!(connections.load(Ordering::SeqCst), attempt + 1, "{status}");
        }
    }
}

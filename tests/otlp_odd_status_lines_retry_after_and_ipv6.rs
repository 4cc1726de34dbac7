//! Audit (OTLP exporter against odd collectors): a status line that is not
//! HTTP/1.x or a status code outside 100..=599 fails the export once,
//! without a retry; a `Retry-After` that is neither delay-seconds nor an
//! HTTP-date is ignored, so the 503 is still retried after the backoff; and
//! an IPv6 literal endpoint is connected to and named in `Host` with its
//! brackets (RFC 9112 §3.2).

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{answering, content_length, header, read_headers};

/// Generous: a bound on a loaded machine, not a timing.
const TIMEOUT: Duration = Duration::from_secs(20);

fn export(url: &str) -> Result<(), ExportError> {
    let config = OtlpConfig::new(url).unwrap().timeout(TIMEOUT);
    OtlpExporter::new(config).export(&[batch_fixture::span()])
}

#[test]
fn an_answer_that_is_no_http_1_status_fails_once_without_a_retry() {
    for (answer, says) in [
        (
            &b"HTTP/2 200\r\ncontent-length: 0\r\n\r\n"[..],
            "malformed status line",
        ),
        (
            b"HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n",
            "answered 600",
        ),
        // No class: a code below 100 (RFC 9110 §15).
        (
            b"HTTP/1.1 000 Odd\r\nContent-Length: 0\r\n\r\n",
            "malformed status line",
        ),
    ] {
        // A retry would be accepted: the export failing says there was none.
        let (base, _requests) = answering(MAX_SEEN, move |n| match n {
            0 => answer.to_vec(),
            _ => OK.to_vec(),
        });
        match export(&format!("{base}/v1/traces")) {
            Err(ExportError::Failed(why)) => assert!(why.contains(says), "{why}"),
            other => panic!("{says}: {other:?}"),
        }
    }
}

/// More requests than any export of these tests sends.
const MAX_SEEN: usize = 8;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

#[test]
fn an_unreadable_retry_after_is_ignored_and_the_503_retried_after_the_backoff() {
    for value in ["soon", "1.5", "-1", "5s", "Sun, 06 Nov 1994 08:49:37 UTC"] {
        let first =
            format!("HTTP/1.1 503 Busy\r\nRetry-After: {value}\r\nContent-Length: 0\r\n\r\n");
        let (base, _requests) = answering(MAX_SEEN, move |n| match n {
            0 => first.clone().into_bytes(),
            _ => OK.to_vec(),
        });
        // Only a retry is answered 200.
        assert_eq!(export(&format!("{base}/v1/traces")), Ok(()), "{value}");
    }
}

#[test]
fn an_ipv6_literal_endpoint_is_reached_with_a_bracketed_host() {
    // The base variable's form, with the signal path appended.
    let config_for = |port: u16| {
        let base = format!("http://[::1]:{port}");
        let config =
            OtlpConfig::from_lookup(|k| (k == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| base.clone()))
                .unwrap()
                .timeout(TIMEOUT);
        assert_eq!(config.endpoint(), format!("http://[::1]:{port}/v1/traces"));
        config
    };
    // Read the same way with or without an IPv6 loopback to send to.
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        config_for(4318);
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let headers = read_headers(&mut reader);
        let mut body = vec![0; content_length(&headers)];
        reader.read_exact(&mut body).unwrap();
        reader.get_mut().write_all(OK).unwrap();
        (request_line, header(&headers, "host").map(str::to_owned))
    });
    let result = OtlpExporter::new(config_for(port)).export(&[batch_fixture::span()]);
    assert_eq!(result, Ok(()));
    let (request_line, host) = server.join().unwrap();
    assert_eq!(request_line.trim_end(), "POST /v1/traces HTTP/1.1");
    assert_eq!(host, Some(format!("[::1]:{port}")));
}

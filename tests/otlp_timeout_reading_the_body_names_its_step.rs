//! A collector that sends its answer's status and headers, then only part
//! of the body before the deadline: the timeout names its own step,
//! `TimeoutStep::Reading`, and the answer's status. A 2xx still counts as
//! delivered (the collector took the spans), with a warning saying that a
//! partial success in the body is unknown; any other status fails the
//! export with `ExportError::Timeout`. Installs a diagnostic handler, so it
//! has its own file.
//!
//! Regression: the body read was part of `TimeoutStep::Waiting`, and a body
//! cut short by the deadline was read as the whole answer: a 503 said
//! "answered 503; no time left to retry", a 200 warned that its body was
//! not an OTLP response.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter, TimedOut, TimeoutStep};
use baton::DiagnosticKind;
use loopback_collector::{content_length, read_headers};

/// A collector that answers one request with `head_and_part` and then holds
/// the connection open, silent, until the returned sender is dropped.
fn stalling(head_and_part: &'static [u8]) -> (String, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let (hold, held) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        reader.read_line(&mut String::new()).unwrap();
        let headers = read_headers(&mut reader);
        let mut body = vec![0; content_length(&headers)];
        reader.read_exact(&mut body).unwrap();
        reader.get_mut().write_all(head_and_part).unwrap();
        let _ = held.recv_timeout(Duration::from_secs(30));
    });
    (url, hold)
}

const TIMEOUT: Duration = Duration::from_millis(500);

fn export(url: &str) -> Result<(), ExportError> {
    let config = OtlpConfig::new(url).unwrap().timeout(TIMEOUT);
    OtlpExporter::new(config).export(&[batch_fixture::span()])
}

#[test]
fn a_body_cut_by_the_deadline_fails_naming_the_reading_step_and_status() {
    for (answer, status) in [
        (
            &b"HTTP/1.1 503 Unavailable\r\nContent-Length: 100\r\n\r\nabc"[..],
            503,
        ),
        (
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            400,
        ),
        // Read to the end of the connection, which never comes.
        (b"HTTP/1.1 500 Oops\r\n\r\npartial", 500),
    ] {
        let (url, _hold) = stalling(answer);
        let result = export(&url);
        let expected =
            TimedOut::request(TimeoutStep::Reading, &*url, TIMEOUT).answer_status(status);
        assert_eq!(result, Err(ExportError::Timeout(expected)));
        assert_eq!(
            result.unwrap_err().to_string(),
            format!("timed out after 500 ms reading the body of the {status} answer from {url}")
        );
    }
}

#[test]
fn a_2xx_whose_body_is_cut_is_delivered_with_a_warning_naming_the_step() {
    static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let (url, _hold) = stalling(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n\x0a");
    assert_eq!(export(&url), Ok(()));
    assert_eq!(
        *WARNINGS.lock().unwrap(),
        [format!(
            "timed out after 500 ms reading the body of the 200 answer from {url}: counted as \
             delivered, but any partial success in the body is unknown"
        )]
    );
}

//! The OTLP exporter keeps its HTTP/1.1 connection between exports, as the
//! OTLP/HTTP spec asks ("The client SHOULD keep the connection alive between
//! requests"), while the answers allow it: framed by `Content-Length` or
//! chunking and read to the end, no `Connection: close`, HTTP/1.1. A kept
//! connection the collector closes before answering is replaced once,
//! without a retry's backoff. Checked against a loopback server counting
//! the connections it accepts.
//!
//! Regression: every request asked for `Connection: close` and went on a
//! connection of its own.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{content_length, header, read_headers};

/// What the server does with a request: answer it (then close the
/// connection, or not), or close without an answer.
#[derive(Clone, Copy)]
enum Reply {
    Answer(&'static [u8]),
    AnswerAndClose(&'static [u8]),
    Close,
}

/// An export timeout shorter than the first backoff (half of
/// `INITIAL_BACKOFF` at least, with jitter): no time for a retry.
const NO_TIME_TO_RETRY: Duration = Duration::from_millis(200);

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

struct Server {
    url: String,
    connections: Arc<AtomicUsize>,
    /// The `Connection` header of each request, if any.
    requests: Arc<Mutex<Vec<Option<String>>>>,
}

/// A server that replies to the `r`th request on its `c`th connection (both
/// from 0) with `reply(c, r)`; each connection is served on its own thread.
fn server(reply: impl Fn(usize, usize) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let reply = Arc::new(reply);
    let (counted, seen) = (Arc::clone(&connections), Arc::clone(&requests));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let c = counted.fetch_add(1, Ordering::SeqCst);
            let (reply, seen) = (Arc::clone(&reply), Arc::clone(&seen));
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut reader = BufReader::new(stream);
                for r in 0.. {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let headers = read_headers(&mut reader);
                    reader
                        .read_exact(&mut vec![0; content_length(&headers)])
                        .unwrap();
                    let connection = header(&headers, "connection").map(str::to_owned);
                    seen.lock().unwrap().push(connection);
                    match reply(c, r) {
                        Reply::Answer(bytes) => reader.get_mut().write_all(bytes).unwrap(),
                        Reply::AnswerAndClose(bytes) => {
                            reader.get_mut().write_all(bytes).unwrap();
                            return;
                        }
                        Reply::Close => return,
                    }
                }
            });
        }
    });
    Server {
        url,
        connections,
        requests,
    }
}

/// Exports one span `times` times; the results.
fn export(server: &Server, timeout: Duration, times: usize) -> Vec<bool> {
    let config = OtlpConfig::new(&server.url).unwrap().timeout(timeout);
    let mut exporter = OtlpExporter::new(config);
    let span = batch_fixture::span();
    (0..times)
        .map(|_| exporter.export(std::slice::from_ref(&span)).is_ok())
        .collect()
}

#[test]
fn answers_framed_by_length_or_chunks_keep_one_connection() {
    let answers: [&'static [u8]; 3] = [
        OK,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        // No body, whatever the headers say: not read to the end of the
        // connection.
        b"HTTP/1.1 204 No Content\r\n\r\n",
    ];
    for answer in answers {
        let server = server(move |_, _| Reply::Answer(answer));
        assert_eq!(export(&server, Duration::from_secs(5), 3), [true; 3]);
        assert_eq!(
            server.connections.load(Ordering::SeqCst),
            1,
            "{}",
            String::from_utf8_lossy(answer)
        );
        let requests = server.requests.lock().unwrap();
        assert_eq!(requests.len(), 3);
        assert!(
            requests.iter().all(Option::is_none),
            "HTTP/1.1 is persistent without asking: {requests:?}"
        );
    }
}

#[test]
fn answers_that_end_the_connection_are_not_reused() {
    let answers = [
        Reply::Answer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        Reply::Answer(
            b"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n",
        ),
        Reply::Answer(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        // Close-delimited: the connection's end is the body's.
        Reply::AnswerAndClose(b"HTTP/1.1 200 OK\r\n\r\n"),
        // Framed, then closed while idle: found closed before it is used.
        Reply::AnswerAndClose(OK),
    ];
    for (i, answer) in answers.into_iter().enumerate() {
        let server = server(move |_, _| answer);
        assert_eq!(export(&server, Duration::from_secs(5), 3), [true; 3], "{i}");
        assert_eq!(server.connections.load(Ordering::SeqCst), 3, "answer {i}");
        assert_eq!(server.requests.lock().unwrap().len(), 3, "answer {i}");
    }
}

#[test]
fn a_kept_connection_closed_before_an_answer_is_replaced_once() {
    // The first connection answers once, then closes on the next request
    // unanswered, as a server dropping an idle connection does when the
    // request crosses its close; the second answers.
    let server_ = server(|c, r| match (c, r) {
        (0, 0) | (1, _) => Reply::Answer(OK),
        _ => Reply::Close,
    });
    // 200 ms: less than the first backoff (250 ms at least), so the export
    // succeeds only if the request is sent again at once.
    assert_eq!(export(&server_, NO_TIME_TO_RETRY, 2), [true, true]);
    assert_eq!(server_.connections.load(Ordering::SeqCst), 2);
    assert_eq!(server_.requests.lock().unwrap().len(), 3, "sent again once");

    // Once only: a new connection closed unanswered is an export failure
    // (retried with backoff, for which there is no time).
    let server_ = server(|c, r| match (c, r) {
        (0, 0) => Reply::Answer(OK),
        _ => Reply::Close,
    });
    assert_eq!(export(&server_, NO_TIME_TO_RETRY, 2), [true, false]);
    assert_eq!(server_.connections.load(Ordering::SeqCst), 2);
}

//! A collector (Go `net/http`) closes an idle keep-alive connection when its
//! `IdleTimeout` passes; the close can cross the next request, which then
//! goes out on a dead socket and ends, unanswered, with an EOF or a reset
//! (or, from some servers, a 408 answer).
//! The exporter sends such a request again at once on a new connection
//! (as curl, Go and hyper do), without a retry's backoff, and counts the
//! batch once: delivered. A request that fails on a new connection is an
//! ordinary failure (retried with backoff while the timeout allows).
//!
//! Checked against a loopback server scripted per connection and request,
//! through a `BatchProcessor`'s counts. The export timeout is half of
//! `INITIAL_BACKOFF`, the least a jittered backoff waits: no retry with
//! backoff ever fits, so an export succeeds after a lost request only if it
//! was sent again at once.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, OtlpConfig, OtlpExporter, SpanProcessor,
    INITIAL_BACKOFF,
};
use loopback_collector::{content_length, read_headers};

/// What the server does with a request.
#[derive(Clone, Copy, Debug)]
enum Reply {
    /// Answers 200 and keeps the connection.
    Ok,
    /// Reads the request, then closes the connection unanswered (a FIN).
    Close,
    /// Reads only the request line, then closes with the rest unread, which
    /// makes the kernel reset the connection (an RST) while the request is
    /// still being written.
    Reset,
    /// Reads the request, answers 408 (the server gave up waiting for a
    /// request on the connection) and closes it.
    RequestTimeout,
}

/// The `(connection, request)` pairs the server saw, both from 0.
type Seen = Arc<Mutex<Vec<(usize, usize)>>>;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const REQUEST_TIMEOUT: &[u8] =
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/// A server replying `reply(c, r)` to the `r`th request on its `c`th
/// connection (both from 0); returns its URL and what it saw.
fn server(reply: impl Fn(usize, usize) -> Reply + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let reply = Arc::new(reply);
    std::thread::spawn(move || {
        for (c, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { return };
            let (reply, log) = (Arc::clone(&reply), Arc::clone(&log));
            std::thread::spawn(move || {
                stream
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                // Unbuffered past the request line: what the server has not
                // read is still in the kernel when it closes.
                let mut reader = BufReader::with_capacity(1, stream);
                for r in 0.. {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    log.lock().unwrap().push((c, r));
                    let reply = reply(c, r);
                    if let Reply::Reset = reply {
                        // Unread bytes are left: the close is a reset.
                        return;
                    }
                    let headers = read_headers(&mut reader);
                    reader
                        .read_exact(&mut vec![0; content_length(&headers)])
                        .unwrap();
                    match reply {
                        Reply::Ok => reader.get_mut().write_all(OK).unwrap(),
                        Reply::RequestTimeout => {
                            reader.get_mut().write_all(REQUEST_TIMEOUT).unwrap();
                            let _ = reader.get_mut().shutdown(Shutdown::Both);
                            return;
                        }
                        _ => {
                            let _ = reader.get_mut().shutdown(Shutdown::Both);
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, seen)
}

/// Exports `spans` one batch at a time through a `BatchProcessor` over an
/// `OtlpExporter` with `timeout`; the processor's counts at the end.
fn export(url: &str, timeout: Duration, spans: &[baton::SpanData]) -> BatchStats {
    let config = OtlpConfig::new(url).unwrap().timeout(timeout);
    let processor = BatchProcessor::new(OtlpExporter::new(config), BatchConfig::default());
    for span in spans {
        processor.on_end(span.clone());
        // An error says how many spans failed; the counts below say it too.
        let _ = processor.force_flush(Instant::now() + Duration::from_secs(30));
    }
    let stats = processor.stats();
    let _ = processor.shutdown(Instant::now() + Duration::from_secs(30));
    stats
}

fn counts(stats: &BatchStats) -> (u64, u64, u64, u64) {
    (stats.exported, stats.failed, stats.dropped, stats.in_flight)
}

#[test]
fn a_kept_connection_closed_or_reset_unanswered_is_replaced_at_once() {
    let no_backoff = INITIAL_BACKOFF / 2;
    for lost in [Reply::Close, Reply::Reset] {
        let (url, seen) = server(move |c, r| match (c, r) {
            (0, 1) => lost,
            _ => Reply::Ok,
        });
        let spans = [batch_fixture::span(), batch_fixture::span()];
        let stats = export(&url, no_backoff, &spans);
        assert_eq!(counts(&stats), (2, 0, 0, 0), "{lost:?}: {stats:?}");
        // The second batch: once on the kept connection, once on a new one.
        assert_eq!(*seen.lock().unwrap(), [(0, 0), (0, 1), (1, 0)], "{lost:?}");
    }
}

/// A server that times out an idle connection may answer the request that
/// crossed its close with 408 rather than close unanswered (RFC 9110
/// §15.5.9: the client "MAY repeat that request", on a new connection);
/// Go's client sends it again at once, as for a close. On a new
/// connection a 408 is the server's answer to this request: not retryable
/// in OTLP, the batch fails.
#[test]
fn a_request_timeout_on_a_kept_connection_is_sent_again_once() {
    let no_backoff = INITIAL_BACKOFF / 2;
    let (url, seen) = server(|c, r| match (c, r) {
        (0, 1) => Reply::RequestTimeout,
        _ => Reply::Ok,
    });
    let spans = [batch_fixture::span(), batch_fixture::span()];
    let stats = export(&url, no_backoff, &spans);
    assert_eq!(counts(&stats), (2, 0, 0, 0), "{stats:?}");
    assert_eq!(*seen.lock().unwrap(), [(0, 0), (0, 1), (1, 0)]);

    let (url, seen) = server(|c, _| match c {
        0 => Reply::RequestTimeout,
        _ => Reply::Ok,
    });
    let stats = export(&url, no_backoff, &[batch_fixture::span()]);
    assert_eq!(counts(&stats), (0, 1, 0, 0), "{stats:?}");
    assert_eq!(*seen.lock().unwrap(), [(0, 0)]);
}

#[test]
fn a_reset_while_a_large_request_is_written_is_sent_again_once() {
    // Larger than the loopback socket buffers: the reset comes while the
    // body is still being written.
    let mut large = batch_fixture::span();
    large.name = "x".repeat(32 << 20).into();
    let (url, seen) = server(|c, r| match (c, r) {
        (0, 1) => Reply::Reset,
        _ => Reply::Ok,
    });
    let stats = export(
        &url,
        Duration::from_secs(60),
        &[batch_fixture::span(), large],
    );
    assert_eq!(counts(&stats), (2, 0, 0, 0), "{stats:?}");
    assert_eq!(*seen.lock().unwrap(), [(0, 0), (0, 1), (1, 0)]);
}

#[test]
fn a_new_connection_lost_unanswered_is_an_ordinary_failure() {
    let no_backoff = INITIAL_BACKOFF / 2;
    for lost in [Reply::Close, Reply::Reset] {
        // Every connection is lost at once: not sent again without a backoff.
        let (url, seen) = server(move |_, _| lost);
        let stats = export(&url, no_backoff, &[batch_fixture::span()]);
        assert_eq!(counts(&stats), (0, 1, 0, 0), "{lost:?}: {stats:?}");
        assert_eq!(*seen.lock().unwrap(), [(0, 0)], "{lost:?}");

        // The kept connection is lost, and then the new one too: sent twice,
        // one failure.
        let (url, seen) = server(move |c, r| match (c, r) {
            (0, 0) => Reply::Ok,
            _ => lost,
        });
        let spans = [batch_fixture::span(), batch_fixture::span()];
        let stats = export(&url, no_backoff, &spans);
        assert_eq!(counts(&stats), (1, 1, 0, 0), "{lost:?}: {stats:?}");
        assert_eq!(*seen.lock().unwrap(), [(0, 0), (0, 1), (1, 0)], "{lost:?}");
    }
}

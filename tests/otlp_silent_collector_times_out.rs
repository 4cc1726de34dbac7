//! A collector that vanished without a FIN or RST (a host gone, a NAT that
//! forgot the connection) never answers: every connect, write and read is
//! bounded by what is left of the export timeout, so the export fails with
//! `ExportError::Timeout` when it passes, and the batch counts as failed.
//! `Duration::MAX` is no deadline, never a panic.
//!
//! Checked against loopback listeners that accept and then never answer, or
//! never read; a hang is caught by a deadline of seconds.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, OtlpConfig, OtlpExporter, SpanExporter,
    SpanProcessor, TimedOut, TimeoutStep,
};
use baton::SpanData;

/// Far longer than any timeout given to the exporter here: reached only if
/// the export hangs.
const HANG: Duration = Duration::from_secs(60);

/// How the server misbehaves.
#[derive(Clone, Copy, Debug)]
enum Silence {
    /// Answers every request.
    None,
    /// Reads every request, answers none.
    ReadsButNeverAnswers,
    /// Accepts, never reads: a large request fills the socket buffers.
    NeverReads,
    /// Answers the first request on a connection, then goes silent.
    AnswersOnceThenSilent,
}

/// A server behaving as `silence` says; its URL. Connections are held open
/// until the test process ends.
fn server(silence: Silence) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            match silence {
                Silence::NeverReads => held.push(stream),
                _ => {
                    std::thread::spawn(move || serve(stream, silence));
                }
            }
        }
    });
    url
}

fn serve(stream: TcpStream, silence: Silence) {
    let mut reader = BufReader::new(stream);
    for r in 0.. {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.trim_end().split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        if reader.read_exact(&mut vec![0; length]).is_err() {
            return;
        }
        let answers = match silence {
            Silence::None => true,
            Silence::AnswersOnceThenSilent => r == 0,
            _ => false,
        };
        if answers {
            let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
            reader.get_mut().write_all(ok).unwrap();
        }
    }
}

/// The result of `exporter.export(batch)` for each batch, run on a thread
/// so that a hang fails the test instead of stalling it.
fn export_each(
    mut exporter: OtlpExporter,
    batches: Vec<Vec<SpanData>>,
) -> Vec<Result<(), ExportError>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let results: Vec<_> = batches.iter().map(|b| exporter.export(b)).collect();
        let _ = tx.send(results);
    });
    rx.recv_timeout(HANG)
        .expect("the export hung past its timeout")
}

fn large_span() -> SpanData {
    let mut span = batch_fixture::span();
    // Larger than the loopback socket buffers, so that writing blocks.
    span.name = "x".repeat(32 << 20).into();
    span
}

#[test]
fn a_silent_collector_is_a_timeout_at_the_deadline() {
    let timeout = Duration::from_millis(500);
    // Issue: the error said only "deadline exceeded", not which collector
    // or what step ran out of time.
    let cases = [
        (
            Silence::ReadsButNeverAnswers,
            vec![vec![batch_fixture::span()]],
            TimeoutStep::Waiting,
            "waiting for the answer from",
        ),
        (
            Silence::NeverReads,
            vec![vec![large_span()]],
            TimeoutStep::Writing,
            "writing the request to",
        ),
        // The second request goes on the kept connection: its read times out
        // too, and is not taken for a lost connection sent again.
        (
            Silence::AnswersOnceThenSilent,
            vec![vec![batch_fixture::span()], vec![batch_fixture::span()]],
            TimeoutStep::Waiting,
            "waiting for the answer from",
        ),
    ];
    for (silence, batches, step, doing) in cases {
        let url = server(silence);
        let config = OtlpConfig::new(&url).unwrap().timeout(timeout);
        let results = export_each(OtlpExporter::new(config), batches);
        let last = results.last().unwrap();
        let timed_out = TimedOut::request(step, url.clone(), timeout);
        assert_eq!(
            *last,
            Err(ExportError::Timeout(timed_out)),
            "{silence:?}: {results:?}"
        );
        assert_eq!(
            last.as_ref().unwrap_err().to_string(),
            format!("timed out after 500 ms {doing} {url}")
        );
        if results.len() == 2 {
            assert_eq!(results[0], Ok(()), "{silence:?}");
        }
    }
}

#[test]
fn a_timed_out_export_counts_its_spans_as_failed() {
    let config = OtlpConfig::new(&server(Silence::ReadsButNeverAnswers))
        .unwrap()
        .timeout(Duration::from_millis(500));
    let processor = BatchProcessor::new(OtlpExporter::new(config), BatchConfig::default());
    for _ in 0..3 {
        processor.on_end(batch_fixture::span());
    }
    let flushed = processor.force_flush(Instant::now() + HANG);
    let stats = processor.stats();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.failed,
            stats.in_flight
        ),
        (3, 0, 3, 0),
        "{stats:?}"
    );
    assert!(
        matches!(flushed, Err(ExportError::Undelivered { .. })),
        "{flushed:?}"
    );
    let _ = processor.shutdown(Instant::now() + HANG);
}

#[test]
fn no_deadline_is_no_panic() {
    // `Duration::MAX`: the socket timeouts derived from it saturate.
    let config = OtlpConfig::new(&server(Silence::None))
        .unwrap()
        .timeout(Duration::MAX);
    let results = export_each(
        OtlpExporter::new(config),
        vec![vec![batch_fixture::span()], vec![batch_fixture::span()]],
    );
    assert_eq!(results, [Ok(()), Ok(())]);
}

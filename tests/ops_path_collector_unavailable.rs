//! The operator's path when the collector is not there or pushes back:
//! a pipeline built from `OTEL_*` variables (through lookups, as
//! `Config::from_lookup`, `OtlpConfig::from_lookup` and
//! `BatchConfig::from_lookup` take them), a collector down at start that
//! comes up later, one that answers 503 or 429 with `Retry-After`, and one
//! that keeps answering 503. Each outcome is checked in the processor's
//! `BatchStats` and in what `shutdown` returns, as the README says:
//! "an export that fails is an error, never success", and
//! `produced == exported + dropped + failed + in_flight`.
//!
//! Installs the global pipeline: the tests take turns.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;
#[path = "common/protobuf.rs"]
mod protobuf;

use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, BatchStatsHandle, ExportError, OtlpConfig,
    OtlpExporter,
};
use loopback_collector::{answering, lookup, Request};

static TURN: Mutex<()> = Mutex::new(());

/// A pipeline from `vars` as an operator builds one to read its counts:
/// the batch processor over the OTLP exporter, both from the variables.
fn install(vars: &[(&str, &str)]) -> (baton::PipelineGuard, BatchStatsHandle) {
    let otlp = OtlpConfig::from_lookup(lookup(vars)).unwrap();
    let batch = BatchConfig::from_lookup(lookup(vars)).unwrap();
    let processor = BatchProcessor::new(OtlpExporter::new(otlp), batch);
    let stats = processor.stats_handle();
    let config = baton::Config::from_lookup(lookup(vars)).unwrap();
    assert!(config.ignored().is_empty(), "{:?}", config.ignored());
    (baton::init(config.processor(processor)).unwrap(), stats)
}

/// Three requests of a service, one span each.
fn three_requests() {
    for i in 0..3 {
        baton::span("GET /health")
            .kind(baton::SpanKind::Server)
            .attr("request", i as i64)
            .start()
            .end();
    }
}

fn spans_in(requests: &[Request]) -> usize {
    requests
        .iter()
        .map(|r| protobuf::spans(&r.body).len())
        .sum()
}

fn drain(requests: &std::sync::mpsc::Receiver<Request>) -> Vec<Request> {
    let mut got = Vec::new();
    while let Ok(r) = requests.recv_timeout(Duration::from_millis(300)) {
        got.push(r);
    }
    got
}

fn assert_adds_up(s: &BatchStats) {
    assert_eq!(
        s.produced,
        s.exported + s.dropped + s.failed + s.in_flight,
        "{s:?}"
    );
}

/// A collector restarting while the service starts: the port refuses
/// connections at first, then a collector listens on it. README: "It
/// retries ... refused ... connections ... with jittered exponential backoff
/// (0.5 s doubling to 5 s), at most `MAX_EXPORT_ATTEMPTS` (5) sends": the
/// spans arrive once, and count as exported.
#[test]
fn a_collector_down_at_start_and_up_later_gets_the_spans() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let reserved = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let endpoint = format!("http://{addr}");
    let vars = [
        ("OTEL_SERVICE_NAME", "checkout"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
    ];
    let (pipeline, stats) = install(&vars);
    three_requests();
    // The first send (after the 50 ms schedule delay) is refused.
    std::thread::sleep(Duration::from_millis(300));
    // The collector comes up on the same port.
    let listener = TcpListener::bind(addr).expect("the port is free again");
    let (tx, requests) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader, Read, Write};
        for stream in listener.incoming().take(4) {
            let mut reader = BufReader::new(stream.unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let headers = loopback_collector::read_headers(&mut reader);
            let mut body = vec![0; loopback_collector::content_length(&headers)];
            reader.read_exact(&mut body).unwrap();
            reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .unwrap();
            let _ = tx.send(Request {
                request_line: line.trim_end().to_owned(),
                headers,
                body,
            });
        }
    });
    let result = pipeline.shutdown(Duration::from_secs(30));
    let s = stats.get();
    assert_adds_up(&s);
    assert_eq!(result, Ok(()), "{s:?}");
    assert_eq!((s.produced, s.exported, s.failed, s.dropped), (3, 3, 0, 0));
    let got = drain(&requests);
    assert_eq!(spans_in(&got), 3, "each span once");
}

/// A collector shedding load answers 503 with `Retry-After: 1`, then
/// accepts. README: it "retries 429, 502, 503 and 504 answers ...
/// honouring `Retry-After`": sent again, delivered, counted once as
/// exported; nothing counted failed.
#[test]
fn a_503_with_retry_after_is_sent_again_and_counted_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (endpoint, requests) = answering(5, |n| {
        match n {
        0 => b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 11\r\n\r\noverloaded\n"
            .to_vec(),
        _ => b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec(),
    }
    });
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
    ];
    let (pipeline, stats) = install(&vars);
    three_requests();
    let result = pipeline.shutdown(Duration::from_secs(30));
    let s = stats.get();
    assert_adds_up(&s);
    assert_eq!(result, Ok(()), "{s:?}");
    assert_eq!((s.exported, s.failed, s.dropped), (3, 0, 0));
    let got = drain(&requests);
    assert_eq!(got.len(), 2, "the refused request, then the accepted one");
    assert_eq!(got[0].body, got[1].body, "the same batch sent again");
}

/// A collector rate-limiting with `Retry-After` past `MAX_RETRY_AFTER`
/// (60 s). README: "a longer one fails the export at once": one request,
/// the spans failed, and the shutdown says so (`Undelivered`), well
/// before two minutes.
#[test]
fn a_429_asking_for_more_than_a_minute_fails_at_once_and_says_so() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (endpoint, requests) = answering(5, |_| {
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n".to_vec()
    });
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
    ];
    let (pipeline, stats) = install(&vars);
    three_requests();
    let started = Instant::now();
    let result = pipeline.shutdown(Duration::from_secs(90));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let s = stats.get();
    assert_adds_up(&s);
    assert_eq!((s.exported, s.failed), (0, 3), "{s:?}");
    assert!(
        matches!(result, Err(ExportError::Undelivered { .. })),
        "{result:?}"
    );
    assert_eq!(drain(&requests).len(), 1);
}

/// A collector that keeps answering 503 (no `Retry-After`): at most
/// `MAX_EXPORT_ATTEMPTS` (5) sends, then the spans count as failed and
/// the shutdown reports them, with no deadline set anywhere
/// (`OTEL_BSP_EXPORT_TIMEOUT=0`, `OTEL_EXPORTER_OTLP_TIMEOUT=0`).
#[test]
fn a_collector_that_keeps_answering_503_gets_five_sends_then_a_reported_failure() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let (endpoint, requests) = answering(10, |_| {
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec()
    });
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "0"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "0"),
    ];
    let (pipeline, stats) = install(&vars);
    three_requests();
    let result = pipeline.shutdown(Duration::from_secs(60));
    let s = stats.get();
    assert_adds_up(&s);
    assert_eq!((s.exported, s.failed, s.in_flight), (0, 3, 0), "{s:?}");
    match result {
        Err(ExportError::Undelivered { stats, .. }) => assert_eq!(stats.failed, 3),
        other => panic!("{other:?}"),
    }
    assert_eq!(drain(&requests).len(), 5);
}

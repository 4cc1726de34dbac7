//! A `BatchProcessor` built in code tells the OTLP exporter its export
//! timeout, as the environment path does: issue 11 found that only
//! `Config::from_env` passed `BatchConfig::export_timeout` down, so a
//! processor built in code waited out the OTLP timeout (10 s) against a hung
//! collector. Installs a pipeline (to record the spans).

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, OtlpConfig, OtlpExporter, SpanProcessor,
};

/// Generous: a correctness bound on a loaded machine, not a timing.
const SLACK: Duration = Duration::from_secs(5);

/// A collector that accepts, reads and never answers; returns its URL.
fn hung_collector() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                // Until the client hangs up (bounded in case it never does).
                let _ = stream.set_read_timeout(Some(Duration::from_secs(90)));
                let mut sink = [0u8; 4096];
                while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
            });
        }
    });
    url
}

#[test]
fn the_export_timeout_of_a_code_built_processor_bounds_the_request() {
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("request", || baton::in_span("child", || {}));
    drop(guard);
    let spans = memory.take();
    assert_eq!(spans.len(), 2);

    // The OTLP timeout (60 s) is far past the flush deadline (1 s + SLACK);
    // the batch export timeout (1 s) is within it.
    let exporter = OtlpExporter::new(
        OtlpConfig::new(&hung_collector())
            .unwrap()
            .timeout(Duration::from_secs(60)),
    );
    let mut config = BatchConfig::default();
    config.export_timeout = Duration::from_secs(1);
    let processor = BatchProcessor::new(exporter, config);
    for span in spans {
        processor.on_end(span);
    }
    let started = Instant::now();
    let result = processor.force_flush(started + Duration::from_secs(1) + SLACK);
    // The export gave up at its timeout and counted its spans as failed;
    // without the timeout it would still be in flight when the flush's
    // deadline passed.
    let Err(ExportError::Undelivered {
        stats,
        deadline_passed,
    }) = result
    else {
        panic!("a hung collector reported as {result:?}");
    };
    assert!(!deadline_passed, "{stats:?}");
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.failed,
            stats.in_flight
        ),
        (2, 0, 2, 0)
    );
    assert!(started.elapsed() < Duration::from_secs(1) + SLACK);
}

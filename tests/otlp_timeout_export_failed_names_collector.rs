//! When a batch export times out, the `export-failed` diagnostic the batch
//! worker reports names the collector's URL, the step that ran out of time
//! and the time allowed. Issue: it said only "deadline exceeded", so a user
//! whose collector never answered could not tell which one, or why. Its own
//! process: it installs the diagnostic handler.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, OtlpConfig, OtlpExporter, SpanProcessor};
use baton::{set_diagnostic_handler, DiagnosticKind};

static FAILED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A collector that accepts connections and never answers; its URL.
fn silent_collector() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_timed_out_export_reports_the_collector_and_the_step() {
    set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportFailed {
            FAILED.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let url = silent_collector();
    let config = OtlpConfig::new(&url)
        .unwrap()
        .timeout(Duration::from_millis(500));
    let processor = BatchProcessor::new(OtlpExporter::new(config), BatchConfig::default());
    processor.on_end(batch_fixture::span());
    let hang = Duration::from_secs(60);
    let _ = processor.force_flush(Instant::now() + hang);
    let _ = processor.shutdown(Instant::now() + hang);
    let failed = FAILED.lock().unwrap();
    let expected =
        format!("1 of 1 span(s) lost: timed out after 500 ms waiting for the answer from {url}");
    assert!(failed.contains(&expected), "{failed:?}");
}

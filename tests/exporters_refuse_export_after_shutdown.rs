//! Every exporter of the crate refuses an export after its shutdown with
//! `AlreadyShutDown` and delivers nothing, as the OpenTelemetry SDK spec
//! says ("After the call to Shutdown subsequent calls to Export are not
//! allowed and should return a Failure result"); a second shutdown says
//! so too. Found: each of them exported as before (the OTLP exporter
//! opened a new connection and posted the batch, the others wrote it),
//! and reported success. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::OnceLock;
use std::time::Duration;

use baton::export::{
    ConsoleExporter, ExportError, JsonLinesExporter, OtlpConfig, OtlpExporter, SpanExporter,
};
use baton::{InMemoryExporter, SpanData};

/// One span, recorded once through the global pipeline.
fn batch() -> Vec<SpanData> {
    static SPAN: OnceLock<SpanData> = OnceLock::new();
    let span = SPAN.get_or_init(|| {
        let spans = InMemoryExporter::default();
        let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
        baton::in_span("late", || {});
        pipeline.shutdown(Duration::from_secs(10)).unwrap();
        spans.take().remove(0)
    });
    vec![span.clone()]
}

/// Exports once, shuts down, and checks that the next export and the next
/// shutdown are refused.
fn export_shut_down_export(exporter: &mut dyn SpanExporter) {
    assert_eq!(exporter.export(&batch()), Ok(()));
    assert_eq!(exporter.shutdown(), Ok(()));
    assert_eq!(exporter.export(&batch()), Err(ExportError::AlreadyShutDown));
    assert_eq!(exporter.shutdown(), Err(ExportError::AlreadyShutDown));
}

#[test]
fn in_memory() {
    let spans = InMemoryExporter::default();
    let mut exporter = spans.clone();
    export_shut_down_export(&mut exporter);
    assert_eq!(spans.take().len(), 1, "the export before the shutdown only");
    // A clone made before the shutdown is an exporter of its own.
    let mut other = spans.clone();
    assert_eq!(other.export(&batch()), Ok(()));
    assert_eq!(spans.take().len(), 1);
}

#[test]
fn json_lines() {
    let mut exporter = JsonLinesExporter::new(Vec::new());
    export_shut_down_export(&mut exporter);
    let text = String::from_utf8(exporter.into_inner()).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn console() {
    let mut exporter = ConsoleExporter::new(Vec::new());
    export_shut_down_export(&mut exporter);
    let text = String::from_utf8(exporter.into_inner()).unwrap();
    assert_eq!(text.matches("late").count(), 1, "{text}");
}

#[test]
fn otlp() {
    let (base, requests) = loopback_collector::collector(2);
    let config = OtlpConfig::new(&format!("{base}/v1/traces")).unwrap();
    let mut exporter = OtlpExporter::new(config);
    export_shut_down_export(&mut exporter);
    assert!(requests.recv_timeout(Duration::from_secs(10)).is_ok());
    assert!(
        requests.recv_timeout(Duration::from_millis(500)).is_err(),
        "nothing was posted after the shutdown"
    );
}

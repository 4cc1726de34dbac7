//! `Tracer::enabled` (OpenTelemetry's Tracer `Enabled`) says whether a span
//! started now could reach an exporter: not before a pipeline is installed, not
//! on the thread running the exporter (whose spans are suppressed), not
//! after shutdown, and not with `OTEL_SDK_DISABLED`. Installs the global
//! pipeline, one after the other, in one test.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton::export::{ExportError, SimpleProcessor, SpanExporter};
use baton::SpanData;

/// Reports, for each batch, what `enabled` said on the exporting thread.
struct Asking(Arc<Mutex<mpsc::Sender<bool>>>);

impl SpanExporter for Asking {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        let enabled = baton::tracer("asking").build().enabled();
        self.0.lock().unwrap().send(enabled).unwrap();
        Ok(())
    }
}

#[test]
fn enabled_follows_the_pipeline() {
    let tracer = baton::tracer("my.library").build();
    assert!(!tracer.enabled(), "no pipeline installed");

    let (sent, asked) = mpsc::channel();
    let exporter = Asking(Arc::new(Mutex::new(sent)));
    let pipeline =
        baton::init(baton::Config::new().processor(SimpleProcessor::new(exporter))).unwrap();
    assert!(tracer.enabled());
    let span = tracer.span("recorded").start();
    assert!(span.is_recording());
    drop(span);
    assert_eq!(
        asked.recv_timeout(Duration::from_secs(30)),
        Ok(false),
        "inside the exporter"
    );
    assert!(tracer.enabled(), "back on the application's thread");

    pipeline.shutdown(Duration::from_secs(30)).unwrap();
    assert!(!tracer.enabled(), "after shutdown");

    let disabled =
        baton::Config::from_lookup(|name| (name == "OTEL_SDK_DISABLED").then(|| "true".into()))
            .unwrap();
    let pipeline = baton::init(disabled).unwrap();
    assert!(!tracer.enabled(), "OTEL_SDK_DISABLED");
    assert!(!tracer.span("disabled").start().is_recording());
    pipeline.shutdown(Duration::from_secs(30)).unwrap();
}

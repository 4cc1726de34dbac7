//! Zero durations in a `BatchConfig` neither panic nor spin: a zero
//! schedule delay is clamped to `MIN_SCHEDULE_DELAY`, a zero export timeout
//! to `MIN_EXPORT_TIMEOUT`, each clamp is reported, and the spans are still
//! exported. Reads the global diagnostic counters.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor, MIN_EXPORT_TIMEOUT,
    MIN_SCHEDULE_DELAY,
};
use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter, SpanData};

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

/// The diagnostic counters are global: one test at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Keeps what it exports, and the export timeout the processor told it.
struct Told {
    spans: InMemoryExporter,
    timeout: Arc<Mutex<Option<Duration>>>,
}

impl SpanExporter for Told {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.spans.export(batch)
    }

    fn set_export_timeout(&mut self, timeout: Duration) {
        *self.timeout.lock().unwrap() = Some(timeout);
    }
}

#[test]
fn zero_delay_and_timeout_are_clamped_and_reported_once() {
    let _serial = serial();
    let span = batch_fixture::span();
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::ZERO;
    config.export_timeout = Duration::ZERO;
    let spans = InMemoryExporter::default();
    let processor = BatchProcessor::new(spans.clone(), config);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1
    );
    let shown = format!("{processor:?}");
    assert!(shown.contains(&format!("scheduled_delay: {MIN_SCHEDULE_DELAY:?}")));
    assert!(shown.contains(&format!("export_timeout: {MIN_EXPORT_TIMEOUT:?}")));
    for _ in 0..10 {
        processor.on_end(span.clone());
    }
    processor
        .shutdown(Instant::now() + Duration::from_secs(3600))
        .unwrap();
    assert_eq!(spans.finished_spans().len(), 10);
}

#[test]
fn an_export_timeout_below_the_minimum_is_clamped_and_reported() {
    // Bug: `export_timeout: Duration::ZERO` was taken as is, so an OTLP
    // exporter, told a zero timeout, failed every export at once.
    let _serial = serial();
    let just_short = MIN_EXPORT_TIMEOUT - Duration::from_nanos(1);
    for (asked, reported) in [
        (Duration::ZERO, true),
        (just_short, true),
        (MIN_EXPORT_TIMEOUT, false),
    ] {
        let before = diagnostic_count(DiagnosticKind::InvalidArgument);
        let timeout = Arc::new(Mutex::new(None));
        let spans = InMemoryExporter::default();
        let exporter = Told {
            spans: spans.clone(),
            timeout: Arc::clone(&timeout),
        };
        let mut config = BatchConfig::default();
        config.export_timeout = asked;
        let processor = BatchProcessor::new(exporter, config);
        assert_eq!(
            *timeout.lock().unwrap(),
            Some(MIN_EXPORT_TIMEOUT),
            "asked for {asked:?}"
        );
        assert_eq!(
            diagnostic_count(DiagnosticKind::InvalidArgument),
            before + u64::from(reported),
            "asked for {asked:?}"
        );
        processor.on_end(batch_fixture::span());
        processor
            .shutdown(Instant::now() + Duration::from_secs(3600))
            .unwrap();
        assert_eq!(spans.finished_spans().len(), 1);
    }
}

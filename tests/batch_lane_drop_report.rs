//! A plain span's lane hands its spans to a full queue: the drop is
//! reported once, to a handler that records a span of its own. That span,
//! begun inside pipeline code, records nothing (as for every other span
//! hand-over), so the handler cannot feed the queue it is told about, and
//! every span is counted. Installs the diagnostic handler and the global
//! pipeline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter};
use baton::{DiagnosticKind, SpanData};

static DROP_REPORTS: AtomicU64 = AtomicU64::new(0);

fn handler(d: &baton::Diagnostic<'_>) {
    if d.kind == DiagnosticKind::SpanDropped {
        DROP_REPORTS.fetch_add(1, Ordering::SeqCst);
        baton::in_span("from the handler", || {});
    }
}

/// Holds its first export until released, so the queue fills behind it.
struct Held(Arc<(Mutex<bool>, Condvar)>);

impl SpanExporter for Held {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        let (released, cv) = &*self.0;
        let mut released = released.lock().unwrap();
        while !*released {
            released = cv.wait(released).unwrap();
        }
        Ok(())
    }
}

#[test]
fn a_drop_reported_from_a_lane_hand_over_runs_the_handler_as_pipeline_code() {
    baton::set_diagnostic_handler(Box::new(handler)).unwrap();
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let mut config = BatchConfig::default();
    config.max_queue_size = 8;
    config.max_export_batch_size = 4;
    let processor = BatchProcessor::new(Held(Arc::clone(&gate)), config);
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let spans = 400;
    for _ in 0..spans {
        drop(baton::span("plain").start());
    }
    *gate.0.lock().unwrap() = true;
    gate.1.notify_all();
    let _ = pipeline.shutdown(Duration::MAX);
    let stats = stats.get();
    assert_eq!(DROP_REPORTS.load(Ordering::SeqCst), 1, "{stats:?}");
    assert!(stats.dropped > 0, "{stats:?}");
    assert_eq!(stats.produced, spans, "the handler's span records nothing");
    assert_eq!(
        stats.produced,
        stats.exported + stats.dropped + stats.failed + stats.in_flight,
        "{stats:?}"
    );
    assert_eq!(stats.in_flight, 0, "{stats:?}");
}

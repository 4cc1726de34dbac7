//! Code called from inside baton (an exporter run when a guard drops, a
//! diagnostic handler) may call any public API without a
//! `RefCell already borrowed` panic, a deadlock or unbounded recursion.
//!
//! opentelemetry-rust has had `RefCell already borrowed` panics on re-entry.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton::export::{ExportError, SpanExporter};
use baton::SpanData;

#[derive(Clone, Default)]
struct TracingExporter {
    seen: Arc<Mutex<Vec<String>>>,
    flush_results: Arc<Mutex<Vec<Result<(), ExportError>>>>,
}

impl SpanExporter for TracingExporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        // Everything an exporter might do: start spans (not recorded, so no
        // feedback loop), attach contexts, read the current span, flush.
        let _g = baton::set_baggage("in", "exporter");
        baton::in_span("exporter's own span", || {
            let _child = baton::span("nested").enter();
            assert!(!baton::current_span().unwrap().is_recording());
        });
        self.flush_results
            .lock()
            .unwrap()
            .push(baton::export::force_flush(Duration::from_secs(1)));
        let mut seen = self.seen.lock().unwrap();
        seen.extend(batch.iter().map(|s| s.name.to_string()));
        Ok(())
    }
}

static HANDLER_CALLS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn an_exporter_and_a_handler_may_call_back_into_baton() {
    baton::set_diagnostic_handler(Box::new(|_| {
        HANDLER_CALLS.fetch_add(1, Ordering::Relaxed);
        // A handler that itself starts spans and attaches contexts.
        let _g = baton::set_baggage("in", "handler");
        baton::in_span("handler span", || {});
    }))
    .unwrap();
    let exporter = TracingExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(exporter.clone())).unwrap();

    baton::in_span("work", || baton::in_span("step", || {}));
    assert_eq!(
        *exporter.seen.lock().unwrap(),
        ["step", "work"],
        "no span from inside the exporter"
    );
    // One flush per export, each refused rather than deadlocking.
    assert_eq!(
        *exporter.flush_results.lock().unwrap(),
        [Err(ExportError::Reentrant), Err(ExportError::Reentrant)]
    );

    // A misuse diagnostic fired while a guard is being dropped runs the
    // handler, which attaches contexts of its own.
    let a = baton::set_baggage("x", "1");
    let b = baton::set_baggage("x", "2");
    drop(a);
    drop(b);
    assert!(HANDLER_CALLS.load(Ordering::Relaxed) >= 1);
    assert!(baton::Context::current().is_empty());
}

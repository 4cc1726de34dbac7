//! A fan-out of a simple and a batch processor whose exporters call back
//! into baton from inside an export (a flush of the pipeline, a span, the
//! counters) and fail every other call, with a diagnostic handler that
//! does the same on each report and then panics: nothing deadlocks, the
//! spans made inside the pipeline are not recorded (so not counted), every
//! span ended outside it is counted once by each processor, each loss is
//! reported, and the shutdown says what was lost.
//!
//! Found sound (export audit, h-expaudit); `reentrant_exporter.rs` covers
//! one simple processor. Installs the global pipeline and the diagnostic
//! handler: one test alone in its file.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, FanOut, SimpleProcessor, SpanExporter,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// What calling back into baton from pipeline code does: flush the
/// pipeline (which must not wait on itself), end a span (not recorded
/// there), read the counters.
fn call_back() {
    let _ = baton::export::force_flush(Duration::MAX);
    baton::in_span("inside the pipeline", || {});
    let _ = baton::export::stats();
}

/// Calls back into baton on every export; fails every other one.
#[derive(Default)]
struct CallingBack {
    calls: u64,
    received: u64,
}

static RECEIVED: AtomicU64 = AtomicU64::new(0);

impl SpanExporter for CallingBack {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        call_back();
        self.calls += 1;
        assert!(batch.iter().all(|s| s.name != "inside the pipeline"));
        if self.calls % 2 == 0 {
            return Err(ExportError::Failed("every other call".into()));
        }
        self.received += batch.len() as u64;
        RECEIVED.fetch_add(batch.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn callbacks_into_baton_from_exporters_and_handler_keep_the_counts() {
    baton::set_diagnostic_handler(Box::new(|_| {
        call_back();
        panic!("handler bug");
    }))
    .unwrap();
    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains("handler bug") {
            eprintln!("{info}");
        }
    }));
    let mut small = BatchConfig::default();
    small.max_export_batch_size = 4;
    small.scheduled_delay = Duration::from_millis(1);
    let fan_out = FanOut::new(vec![
        Box::new(SimpleProcessor::new(CallingBack::default())),
        Box::new(BatchProcessor::new(CallingBack::default(), small)),
    ]);
    let pipeline = baton::init(baton::Config::new().processor(fan_out)).unwrap();
    let failed_reports = diagnostic_count(DiagnosticKind::ExportFailed);

    // Run where a deadlock fails the test instead of hanging it.
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let threads: Vec<_> = (0..3)
            .map(|_| {
                thread::spawn(|| {
                    for _ in 0..20 {
                        baton::in_span("parent", || baton::in_span("child", || {}));
                    }
                    baton::export::force_flush(Duration::from_millis(1))
                })
            })
            .collect();
        let mut results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        results.push(pipeline.force_flush(Duration::MAX));
        results.push(pipeline.shutdown(Duration::MAX));
        let _ = done.send(results);
    });
    let results = finished
        .recv_timeout(Duration::from_secs(120))
        .expect("a deadlock: the calls did not return");
    drop(std::panic::take_hook());

    let s = baton::export::stats().unwrap();
    let ended = 3 * 20 * 2;
    assert_eq!(
        s.produced,
        2 * ended,
        "each processor counted every span: {s:?}"
    );
    assert_eq!(s.in_flight, 0, "{s:?}");
    assert_eq!(s.produced, s.exported + s.dropped + s.failed, "{s:?}");
    assert_eq!(s.exported, RECEIVED.load(Ordering::SeqCst), "{s:?}");
    assert!(s.failed > 0, "every other export failed: {s:?}");
    assert!(diagnostic_count(DiagnosticKind::ExportFailed) > failed_reports);
    // The losses were said by the call that first found them (the
    // shutdown, with no deadline, finds any left).
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(ExportError::Undelivered { .. }))),
        "{results:?}"
    );
}

//! A simple processor drops its exporter once the exporter is shut down; an
//! exporter whose `Drop` panics is caught there like a panic in any of its
//! calls and reported as `export-failed`: the shutdown still returns its
//! result, and a span whose end finishes a shutdown that had to wait (the
//! export it ended into held the exporter) does not unwind into the traced
//! code.
//!
//! Found (export audit, h-expaudit): every exporter call was caught but
//! the drop, so the panic came out of `PipelineGuard::shutdown` (with no
//! result, and out of the guard's `Drop`, which aborts the process while
//! unwinding), and out of the drop of a span's guard on whichever thread
//! finished a waiting shutdown.
//!
//! Installs the global pipeline and counts diagnostics: one test alone in
//! its file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Delivers every span; its `Drop` panics.
struct PanicsWhenDropped;

impl SpanExporter for PanicsWhenDropped {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Ok(())
    }
}

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("exporter bug in drop");
    }
}

/// Asks for its own processor's shutdown from inside an export (which
/// cannot wait for itself), once: the exporter is then shut down and
/// dropped as that export returns, inside the span's end.
struct ShutsItselfDown;

static SELF_SHUTTING: OnceLock<SimpleProcessor> = OnceLock::new();
static ASKED: AtomicBool = AtomicBool::new(false);

impl SpanExporter for ShutsItselfDown {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        if !ASKED.swap(true, Ordering::SeqCst) {
            let later = Instant::now() + Duration::from_secs(60);
            let shut = SELF_SHUTTING.get().unwrap().shutdown(later);
            assert_eq!(shut, Err(ExportError::Reentrant));
        }
        Ok(())
    }
}

impl Drop for ShutsItselfDown {
    fn drop(&mut self) {
        panic!("exporter bug in drop");
    }
}

#[test]
fn a_panic_dropping_the_exporter_is_caught_and_reported() {
    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains("exporter bug") {
            eprintln!("{info}");
        }
    }));

    // Shut down by the pipeline.
    let pipeline =
        baton::init(baton::Config::new().processor(SimpleProcessor::new(PanicsWhenDropped)))
            .unwrap();
    baton::in_span("one", || {});
    let reported = diagnostic_count(DiagnosticKind::ExportFailed);
    let shut = catch_unwind(AssertUnwindSafe(|| {
        pipeline.shutdown(Duration::from_secs(60))
    }));
    assert_eq!(shut.ok(), Some(Ok(())), "the shutdown returns its result");
    assert!(diagnostic_count(DiagnosticKind::ExportFailed) > reported);

    // Shut down as the export that held it returns, at a span's end: the
    // processor is fed by hand, the pipeline only records the span.
    let memory = baton::InMemoryExporter::default();
    let recording = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::in_span("two", || {});
    let span = memory.take().remove(0);
    let processor = SELF_SHUTTING.get_or_init(|| SimpleProcessor::new(ShutsItselfDown));
    let reported = diagnostic_count(DiagnosticKind::ExportFailed);
    let ended = catch_unwind(AssertUnwindSafe(|| processor.on_end(span)));
    assert!(ended.is_ok(), "the exporter's panic reached the span's end");
    assert!(diagnostic_count(DiagnosticKind::ExportFailed) > reported);
    let s = processor.stats();
    assert_eq!((s.produced, s.exported, s.in_flight), (1, 1, 0));
    recording.shutdown(Duration::from_secs(60)).unwrap();
}

//! An application's processor that panics on one span of the batch a
//! thread hands over (the children that ended inside a span still open on
//! the thread) loses that span only: the other spans of the batch still
//! reach the processor, or are counted in `dropped_spans()` and reported
//! as `span-dropped`.
//!
//! Found (export audit, h-expaudit): `Installed::on_end_batch` in
//! `src/export/pipeline.rs` hands a processor other than the batch
//! processor each span with `spans.drain(..).for_each(..)`; the panic on
//! the first span unwinds out of it and the drain's drop discards the
//! rest, neither handed on nor counted: here `ok`, ended beside `boom`,
//! vanished with `dropped_spans()` unchanged and no diagnostic. Proposed
//! fix (pipeline.rs may not be edited in this audit): hand each span under
//! `catch_unwind`, go on with the rest after a panic and resume the first
//! panic once all were handed; or count the spans left in the drain as
//! dropped (`recorder::report_dropped`) while unwinding.
//!
//! Installs the global pipeline and a quiet panic hook: one test alone in
//! its file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{ExportError, SpanProcessor};
use baton::{diagnostic_count, Config, DiagnosticKind, SpanData};

/// The names of the spans the processor took.
static TAKEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Panics on the span named `boom`; keeps the names of the others.
struct PanicsOnBoom;

impl SpanProcessor for PanicsOnBoom {
    fn on_end(&self, span: SpanData) {
        if span.name == "boom" {
            panic!("processor bug");
        }
        TAKEN.lock().unwrap().push(span.name.into_owned());
    }

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
#[ignore = "bug in src/export/pipeline.rs (not editable in this audit): the rest of a thread's batch is discarded uncounted when the processor panics on one span"]
fn the_spans_beside_the_one_the_processor_panicked_on_are_handed_on_or_counted() {
    std::panic::set_hook(Box::new(|_| {}));
    let pipeline = baton::init(Config::new().processor(PanicsOnBoom)).unwrap();
    let dropped = baton::export::dropped_spans();
    let reported = diagnostic_count(DiagnosticKind::SpanDropped);
    let ended = catch_unwind(AssertUnwindSafe(|| {
        baton::in_span("parent", || {
            baton::in_span("boom", || {});
            baton::in_span("ok", || {});
        })
    }));
    // The default hook again, so that a failed assertion says why.
    drop(std::panic::take_hook());
    assert!(ended.is_err(), "the processor's panic reaches the caller");
    let taken = TAKEN.lock().unwrap().clone();
    let ok_counted = baton::export::dropped_spans() - dropped;
    let ok_reported = diagnostic_count(DiagnosticKind::SpanDropped) - reported;
    assert!(
        taken.iter().any(|name| name == "ok") || (ok_counted == 1 && ok_reported >= 1),
        "`ok` was neither handed on nor counted: taken {taken:?}, dropped {ok_counted}, \
         reported {ok_reported}"
    );
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
}

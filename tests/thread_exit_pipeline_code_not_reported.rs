//! A processor or exporter that enters a span or attaches a context while
//! a thread exits (the thread's stack ending its open spans, or a span
//! kept in a thread-local destroyed after the stack) did nothing wrong:
//! what pipeline code starts is not recorded anyway. Bug: each such call
//! was reported as `thread-exiting`, as if the application's code had run
//! outside its context. Installs the global pipeline.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::{diagnostic_count, Context, DiagnosticKind, Span, SpanData};

/// Keeps the names of the spans it exports, after entering a span and
/// attaching a context, as an instrumented exporter would.
#[derive(Clone, Default)]
struct Instrumented(Arc<Mutex<Vec<String>>>);

/// Code a processor or exporter might run: a span of its own, and a
/// context attached; neither is recorded nor reported.
fn pipeline_work() {
    let _cx = Context::default().with_baggage("k", "v").attach();
    let span = baton::span("inside the pipeline").enter();
    assert!(!span.is_recording());
}

impl SpanExporter for Instrumented {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        pipeline_work();
        let mut names = self.0.lock().unwrap();
        names.extend(batch.iter().map(|s| s.name.to_string()));
        Ok(())
    }
}

/// A processor of the application's doing the same in `on_end`.
struct InstrumentedProcessor(SimpleProcessor);

impl SpanProcessor for InstrumentedProcessor {
    fn on_end(&self, span: SpanData) {
        pipeline_work();
        self.0.on_end(span);
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.shutdown(deadline)
    }
}

thread_local! {
    static KEPT: RefCell<Option<Span>> = const { RefCell::new(None) };
}

/// Runs a thread that leaves a guard open for its stack to end at exit,
/// and, when `kept`, a span in a thread-local destroyed after the stack.
fn thread_leaving_spans(kept: bool) {
    std::thread::spawn(move || {
        if kept {
            // Used before baton's stack, so destroyed after it.
            KEPT.with(|_| {});
            let span = baton::span("kept in a thread-local").start();
            KEPT.with(|k| *k.borrow_mut() = Some(span));
        }
        std::mem::forget(baton::span("left open").enter());
    })
    .join()
    .unwrap();
}

#[test]
fn pipeline_code_run_at_thread_exit_is_not_reported() {
    let exported = Instrumented::default();
    let config = baton::Config::new().processor(SimpleProcessor::new(exported.clone()));
    let pipeline = baton::init(config).unwrap();
    let before = diagnostic_count(DiagnosticKind::ThreadExiting);
    thread_leaving_spans(true);
    assert_eq!(
        *exported.0.lock().unwrap(),
        ["left open", "kept in a thread-local"]
    );
    assert_eq!(diagnostic_count(DiagnosticKind::ThreadExiting), before);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    let exported = Instrumented::default();
    let processor = InstrumentedProcessor(SimpleProcessor::new(exported.clone()));
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    thread_leaving_spans(true);
    assert_eq!(
        *exported.0.lock().unwrap(),
        ["left open", "kept in a thread-local"]
    );
    assert_eq!(diagnostic_count(DiagnosticKind::ThreadExiting), before);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    // The application's own code in a thread-local's destructor still is.
    std::thread::spawn(|| {
        AT_EXIT.with(|_| {});
        drop(baton::span("touches the stack").enter());
        AT_EXIT.with(|a| *a.borrow_mut() = Some(AtExit));
    })
    .join()
    .unwrap();
    assert_eq!(diagnostic_count(DiagnosticKind::ThreadExiting), before + 1);
}

/// Attaches a context when dropped, as the application's code in a
/// thread-local's destructor.
struct AtExit;

impl Drop for AtExit {
    fn drop(&mut self) {
        drop(Context::default().with_baggage("k", "v").attach());
    }
}

thread_local! {
    static AT_EXIT: RefCell<Option<AtExit>> = const { RefCell::new(None) };
}

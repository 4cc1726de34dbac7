//! `let _pipeline = baton::init(..)` in `main`: a panic in `main` unwinds
//! through the pipeline's guard, whose drop shuts the processor down.
//! Bug: a processor whose `shutdown` (or `force_flush`) panicked there
//! aborted the process ("panic in a destructor during cleanup") instead of
//! letting the application's panic end it. Run in a child process, so an
//! abort is seen as its exit status.

use std::panic::catch_unwind;
use std::time::Instant;

use baton::export::{ExportError, SpanProcessor};
use baton::{diagnostic_count, span, Config, DiagnosticKind, SpanData};
use child_process::run_alone;

#[path = "common/child_process.rs"]
mod child_process;

struct PanicsOnShutdown;

impl SpanProcessor for PanicsOnShutdown {
    fn on_end(&self, _: SpanData) {}

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        panic!("processor bug");
    }
}

#[test]
fn a_processor_panicking_in_shutdown_while_the_guard_unwinds_is_caught() {
    let stderr = run_alone::<&str>("child_pipeline_dropped_while_unwinding", &[]);
    assert!(
        stderr.contains("the span processor panicked in shutdown while the thread unwound another panic; caught"),
        "{stderr}"
    );
}

#[test]
#[ignore = "run in a child process by a_processor_panicking_in_shutdown_while_the_guard_unwinds_is_caught"]
fn child_pipeline_dropped_while_unwinding() {
    std::panic::set_hook(Box::new(|_| {}));
    let before = diagnostic_count(DiagnosticKind::ExportFailed);
    let caught = catch_unwind(|| {
        let _pipeline = baton::init(Config::new().processor(PanicsOnShutdown)).unwrap();
        let _request = span("request").enter();
        panic!("the application's panic");
    });
    // The application's panic went on; the processor's was caught and said.
    assert_eq!(
        caught.unwrap_err().downcast_ref::<&str>(),
        Some(&"the application's panic")
    );
    assert_eq!(diagnostic_count(DiagnosticKind::ExportFailed) - before, 1);
    assert_eq!(baton::__stack_depth(), 0);
}

//! A processor that panics where a panic cannot unwind must not abort the
//! process: while the thread already unwinds a panic (a span's guard
//! dropped on the way), or as an exiting thread ends the spans still open
//! on it (in a thread-local's destructor). Its own process: it installs
//! the global pipeline and counts diagnostics.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

use baton::export::{ExportError, SpanProcessor};
use baton::{diagnostic_count, span, Config, DiagnosticKind, SpanData};

/// Panics on the span named "inner"; keeps the names of the others.
struct PanicsOnInner(&'static Mutex<Vec<String>>);

impl SpanProcessor for PanicsOnInner {
    fn on_end(&self, span: SpanData) {
        if span.name == "inner" {
            panic!("processor bug");
        }
        self.0.lock().unwrap().push(span.name.into_owned());
    }

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
fn a_processor_panicking_during_unwinding_is_caught_and_reported() {
    static ENDED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let _pipeline = baton::init(Config::new().processor(PanicsOnInner(&ENDED))).unwrap();
    std::panic::set_hook(Box::new(|_| {}));
    // Outside unwinding, the processor's panic reaches the owner's drop.
    let plain = catch_unwind(|| drop(span("inner").enter()));
    assert!(plain.is_err());
    let before = diagnostic_count(DiagnosticKind::ExportFailed);
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        let _outer = span("outer").enter();
        let _inner = span("inner").enter();
        panic!("the application's panic");
    }));
    let payload = unwound.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the application's panic")
    );
    assert_eq!(diagnostic_count(DiagnosticKind::ExportFailed) - before, 1);
    // The outer span still ended, after the inner one's processor panicked.
    assert_eq!(*ENDED.lock().unwrap(), ["outer"]);
    assert_eq!(baton::__stack_depth(), 0);

    // A thread exits with both spans open: its stack ends them as it is
    // destroyed, the inner one first.
    std::thread::spawn(|| {
        std::mem::forget(span("outer at exit").enter());
        std::mem::forget(span("inner").enter());
    })
    .join()
    .expect("the thread exits; the process goes on");
    assert_eq!(diagnostic_count(DiagnosticKind::ExportFailed) - before, 2);
    assert_eq!(*ENDED.lock().unwrap(), ["outer", "outer at exit"]);
}

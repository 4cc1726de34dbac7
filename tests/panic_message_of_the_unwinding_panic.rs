//! A span unwound by a panic records that panic's message, never one left
//! from an earlier panic on its thread: a panic resumed with
//! `resume_unwind` runs no hook, and a hook the application sets later
//! replaces baton's. Its own process: it sets panic hooks.

mod common;

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use baton::{span, Status, TraceId};

/// Runs `f` inside an entered span named `name`, catching its panic, and
/// returns the span's trace.
fn unwound(name: &str, f: impl FnOnce()) -> TraceId {
    let mut trace = None;
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let guard = span(name.to_owned()).enter();
        trace = Some(guard.trace_id());
        f();
    }));
    assert!(caught.is_err());
    trace.unwrap()
}

fn status(trace: TraceId) -> Status {
    common::spans_of(trace).remove(0).status
}

fn error(description: &'static str) -> Status {
    Status::Error {
        description: description.into(),
    }
}

#[test]
fn each_span_records_the_panic_that_unwound_it() {
    common::exporter();
    let quiet = std::panic::take_hook();
    let first = unwound("first", || panic!("first message"));
    assert_eq!(status(first), error("first message"));
    // No hook runs for a resumed panic: its text is not known.
    let unseen = error("panic whose message baton's panic hook did not see");
    let resumed = unwound("resumed", || resume_unwind(Box::new(42u32)));
    assert_eq!(status(resumed), unseen);
    let resumed_text = unwound("resumed text", || resume_unwind(Box::new("resumed")));
    assert_eq!(status(resumed_text), unseen);
    // baton's hook sees panics again until the application replaces it.
    let second = unwound("second", || panic!("second message"));
    assert_eq!(status(second), error("second message"));
    std::panic::set_hook(Box::new(|_| {}));
    let after = unwound("after the application's hook", || panic!("not seen"));
    assert_eq!(status(after), unseen);
    std::panic::set_hook(quiet);
}

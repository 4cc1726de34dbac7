//! A wrapped job that leaves a guard live (forgotten, or returned) still
//! restores the worker's own context when it returns: the guard's frame
//! comes off with the job's, its span ends, and the leak is reported once,
//! naming where the guard was created.
//!
//! Before, the job's own guard was only marked dead under the leaked one:
//! the worker stayed inside the job's context (the captured request's span
//! and baggage), so its next spans became children of another request, and
//! the report named baton's own `src/thread.rs`.

mod common;

use std::sync::Mutex;

use baton::DiagnosticKind;

/// The locations named by out-of-order reports, in order.
static REPORTED_AT: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn watch_reports() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        baton::set_diagnostic_handler(Box::new(|d| {
            if d.kind == DiagnosticKind::GuardDroppedOutOfOrder {
                let at = d.location.map(ToString::to_string).unwrap_or_default();
                REPORTED_AT.lock().unwrap().push(at);
            }
        }))
        .unwrap();
    });
}

/// Whether an out-of-order report named `line` of this file.
fn reported_at(line: u32) -> bool {
    let wanted = format!("{}:{line}:", file!());
    REPORTED_AT
        .lock()
        .unwrap()
        .iter()
        .any(|at| at.starts_with(&wanted))
}

/// What the worker sees: its own baggage mark, the leaked key, its span.
fn seen() -> (Option<String>, Option<String>, Option<String>) {
    (
        baton::baggage("mark"),
        baton::baggage("leaked"),
        baton::current_span().map(|s| s.name().to_owned()),
    )
}

#[test]
fn a_forgotten_context_guard_is_taken_off_and_reported_where_it_was_made() {
    watch_reports();
    let job = {
        let _mark = baton::set_baggage("mark", "request");
        let _request = baton::span("request").enter();
        baton::copy_context_to_thread(|| {
            let line = line!() + 1;
            std::mem::forget(baton::set_baggage("leaked", "1"));
            line
        })
    };
    std::thread::spawn(move || {
        let _own = baton::set_baggage("mark", "worker");
        let depth = baton::__stack_depth();
        let line = job();
        assert_eq!(seen(), (Some("worker".into()), None, None));
        assert_eq!(baton::__stack_depth(), depth);
        assert!(reported_at(line), "{:?}", REPORTED_AT.lock().unwrap());
    })
    .join()
    .unwrap();
}

#[test]
fn a_forgotten_span_guard_ends_with_the_job_and_parents_nothing_after() {
    common::exporter();
    watch_reports();
    let request = baton::span("request").start();
    let job = {
        let _g = request.context().attach();
        baton::copy_context_to_thread(|| std::mem::forget(baton::span("leaked span").enter()))
    };
    let trace_id = request.trace_id();
    std::thread::spawn(move || {
        job();
        assert_eq!(seen(), (None, None, None));
        let next = baton::span("next job's span").start();
        assert_eq!(
            next.parent_span_id(),
            None,
            "a root, not a child of the leak"
        );
        assert_ne!(next.trace_id(), trace_id);
    })
    .join()
    .unwrap();
    drop(request);
    let spans = common::spans_of(trace_id);
    let leaked = spans.iter().find(|s| s.name == "leaked span");
    assert!(leaked.is_some(), "the leaked span ended: {spans:?}");
}

#[test]
fn a_guard_returned_by_the_job_is_taken_off_and_its_later_drop_changes_nothing() {
    watch_reports();
    let _mark = baton::set_baggage("mark", "request");
    let job = baton::copy_context_to_thread(|| baton::set_baggage("leaked", "1"));
    std::thread::spawn(move || {
        let _own = baton::set_baggage("mark", "worker");
        let returned = job();
        assert_eq!(seen(), (Some("worker".into()), None, None));
        drop(returned);
        assert_eq!(seen(), (Some("worker".into()), None, None));
    })
    .join()
    .unwrap();
}

#[test]
fn a_wrapped_function_restores_the_callers_context_after_each_call() {
    watch_reports();
    let f = {
        let _mark = baton::set_baggage("mark", "request");
        baton::copy_context_to_fn(|n: u32| {
            std::mem::forget(baton::set_baggage("leaked", &n.to_string()));
            baton::baggage("mark")
        })
    };
    let _own = baton::set_baggage("mark", "caller");
    for n in 0..3 {
        assert_eq!(f(n).as_deref(), Some("request"));
        assert_eq!(seen(), (Some("caller".into()), None, None));
    }
}

#[test]
fn a_job_that_leaks_then_panics_still_restores_and_ends_the_span() {
    common::exporter();
    watch_reports();
    let root = baton::span("panicking request").start();
    let trace_id = root.trace_id();
    let job = {
        let _g = root.context().attach();
        baton::copy_context_to_thread(|| {
            std::mem::forget(baton::span("leaked before the panic").enter());
            panic!("job failed");
        })
    };
    std::thread::spawn(move || {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        assert!(caught.is_err());
        assert_eq!(seen(), (None, None, None));
    })
    .join()
    .unwrap();
    drop(root);
    // The panic escaped the leaked span too: it records it as any span
    // the panic unwinds past does.
    common::assert_recorded_panic(trace_id, "leaked before the panic", "job failed");
}

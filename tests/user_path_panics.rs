//! Panics where users of OpenTelemetry Python expect `record_exception` and
//! an error status from `start_as_current_span`'s `__exit__`: in a pool
//! function run twice (the first run panics), and in a future whose poll
//! panics under an executor that catches the panic, as a task runner that
//! reports failed tasks does.

mod common;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context as TaskContext, Waker};

use baton::{FutureExt, SpanData, Status, Value};

fn exception_message(span: &SpanData) -> Option<String> {
    let event = span.events.iter().find(|e| e.name == "exception")?;
    event
        .attributes
        .iter()
        .find(|kv| kv.key == "exception.message")
        .map(|kv| kv.value.to_string())
}

fn escaped(span: &SpanData) -> Option<Value> {
    let event = span.events.iter().find(|e| e.name == "exception")?;
    event
        .attributes
        .iter()
        .find(|kv| kv.key == "exception.escaped")
        .map(|kv| kv.value.clone())
}

/// A pool's map function whose first call panics and second succeeds: each
/// call's span records its own outcome, both under the request, and the
/// worker is back in its own context after each.
#[test]
fn a_pool_function_run_twice_records_the_panic_of_the_run_that_panicked() {
    let spans = common::record(|| {
        let _request = baton::span("request").enter();
        let process = baton::copy_context_to_fn(|item: &'static str| {
            baton::in_span(format!("process {item}"), || {
                if item == "bad" {
                    panic!("cannot parse {item:?}");
                }
            })
        });
        let worker = std::thread::spawn(move || {
            let first = catch_unwind(AssertUnwindSafe(|| process("bad")));
            let first_left = baton::Context::current().is_empty();
            let second = catch_unwind(AssertUnwindSafe(|| process("good")));
            (first.is_err(), first_left, second.is_ok())
        });
        assert_eq!(worker.join().unwrap(), (true, true, true));
    });
    let request = common::named(&spans, "request");
    let bad = common::named(&spans, "process bad");
    let good = common::named(&spans, "process good");
    assert_eq!(bad.parent_span_id, Some(request.span_id()));
    assert_eq!(good.parent_span_id, Some(request.span_id()));
    assert_eq!(
        bad.status,
        Status::Error {
            description: "cannot parse \"bad\"".into()
        }
    );
    assert_eq!(
        exception_message(bad).as_deref(),
        Some("cannot parse \"bad\"")
    );
    assert_eq!(escaped(bad), Some(Value::Bool(true)));
    assert_eq!(good.status, Status::Unset);
    assert!(good.events.is_empty());
    assert_eq!(
        request.status,
        Status::Unset,
        "the panic was caught below it"
    );
}

/// An executor that catches a panicking poll (to report the task failed
/// and keep running the others) and drops the task once the poll has
/// returned. The panic began inside the future's span and escaped it, so
/// the span records it, as a guard's span does.
#[test]
fn a_future_whose_poll_panicked_records_the_panic_when_dropped_after_catching() {
    let spans = common::record(|| {
        let mut task: Pin<Box<dyn Future<Output = ()>>> = Box::pin(
            async {
                let _ = baton::current_trace_id();
                panic!("payment declined");
            }
            .in_span(baton::span("charge card")),
        );
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            task.as_mut()
                .poll(&mut TaskContext::from_waker(Waker::noop()))
        }));
        assert!(outcome.is_err());
        // Reported as a failed task; the task is dropped now.
        drop(task);
    });
    let charge = common::named(&spans, "charge card");
    assert_eq!(
        charge.status,
        Status::Error {
            description: "payment declined".into()
        }
    );
    assert_eq!(
        exception_message(charge).as_deref(),
        Some("payment declined")
    );
}

/// The same future, its poll's panic not caught: the unwinding drops the
/// task (as a `Vec` of tasks is dropped), and the span records the panic.
#[test]
fn a_future_whose_poll_panic_unwinds_through_its_owner_records_it() {
    let spans = common::record(|| {
        let caught = catch_unwind(|| {
            let mut task = Box::pin(
                async {
                    panic!("payment declined");
                }
                .in_span(baton::span("charge card")),
            );
            let _ = task
                .as_mut()
                .poll(&mut TaskContext::from_waker(Waker::noop()));
        });
        assert!(caught.is_err());
    });
    let charge = common::named(&spans, "charge card");
    assert_eq!(
        charge.status,
        Status::Error {
            description: "payment declined".into()
        }
    );
}

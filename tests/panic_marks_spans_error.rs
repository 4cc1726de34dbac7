//! A span whose guard drops while its thread panics ends with status Error
//! and an `exception` event, as OpenTelemetry SDKs record an exception that
//! escapes a span (issue 12: "a span unwound by a panic ends with status
//! Unset and no event").

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{in_span, span, Status, Value};

fn attr<'a>(attributes: &'a [baton::KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| &kv.value)
}

#[test]
fn a_panic_through_three_nested_spans_leaves_three_error_statuses() {
    common::exporter();
    let root = span("request").enter();
    let trace_id = root.trace_id();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let _outer = span("outer").enter();
        let _middle = span("middle").enter();
        in_span("inner", || panic!("disk full: {}", 42));
    }));
    assert!(caught.is_err());
    // The span around the caught panic is current again, and records no error.
    assert_eq!(baton::current_span().unwrap().name(), "request");
    drop(root);

    let spans = common::spans_of(trace_id);
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(names, ["inner", "middle", "outer", "request"]);
    for s in &spans[..3] {
        assert_eq!(
            s.status,
            Status::Error {
                description: "disk full: 42".into()
            },
            "{}",
            s.name
        );
        let [event] = &s.events[..] else {
            panic!("one exception event on {}: {:?}", s.name, s.events)
        };
        assert_eq!(event.name, "exception");
        assert_eq!(
            attr(&event.attributes, "exception.message").map(Value::to_string),
            Some("disk full: 42".to_owned())
        );
        assert_eq!(
            attr(&event.attributes, "exception.type").map(Value::to_string),
            Some("panic".to_owned())
        );
        assert_eq!(
            attr(&event.attributes, "exception.escaped"),
            Some(&Value::Bool(true))
        );
    }
    assert_eq!(spans[3].status, Status::Unset);
    assert!(spans[3].events.is_empty());
}

#[test]
fn a_panic_with_a_payload_that_is_not_text_still_marks_the_span() {
    common::exporter();
    let trace_id = {
        let s = span("job").enter();
        let trace_id = s.trace_id();
        let caught = catch_unwind(AssertUnwindSafe(move || {
            let _s = s;
            std::panic::panic_any(7_u32);
        }));
        assert!(caught.is_err());
        trace_id
    };
    let spans = common::spans_of(trace_id);
    assert!(matches!(spans[0].status, Status::Error { .. }));
    assert_eq!(spans[0].events[0].name, "exception");
}

#[test]
fn a_started_span_dropped_by_a_panic_records_it_too() {
    common::exporter();
    let job = span("background job").start();
    let trace_id = job.trace_id();
    let caught = catch_unwind(AssertUnwindSafe(move || {
        let _job = job;
        panic!("worker lost");
    }));
    assert!(caught.is_err());
    let spans = common::spans_of(trace_id);
    assert_eq!(
        spans[0].status,
        Status::Error {
            description: "worker lost".into()
        }
    );
}

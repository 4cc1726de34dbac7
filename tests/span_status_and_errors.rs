//! `set_status` follows the OpenTelemetry API (Ok is final, Unset never
//! overrides), and `record_error` records the error's type and its
//! `source()` chain (issue 12).

mod common;

use std::fmt;

use baton::{span, Status, Value};

#[derive(Debug)]
struct Outer(Inner);

#[derive(Debug)]
struct Inner;

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request failed")
    }
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset")
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl std::error::Error for Inner {}

#[test]
fn unset_never_overrides_and_ok_is_final() {
    common::exporter();
    let (a, b) = {
        let a = span("a").start();
        a.set_status(Status::Error {
            description: "bad".into(),
        });
        a.set_status(Status::Unset);
        let b = span("b").start();
        b.set_status(Status::Ok);
        b.set_status(Status::Error {
            description: "later".into(),
        });
        b.set_status(Status::Unset);
        (a.trace_id(), b.trace_id())
    };
    assert_eq!(
        common::spans_of(a)[0].status,
        Status::Error {
            description: "bad".into()
        }
    );
    assert_eq!(common::spans_of(b)[0].status, Status::Ok);
}

#[test]
fn record_error_records_type_message_and_source_chain() {
    common::exporter();
    let trace_id = {
        let g = span("call").enter();
        g.record_error(&Outer(Inner));
        // Through a trait object, the type comes from the Debug form.
        let parse = "x".parse::<i32>().unwrap_err();
        let as_dyn: &dyn std::error::Error = &parse;
        g.record_error(as_dyn);
        g.trace_id()
    };
    let s = &common::spans_of(trace_id)[0];
    assert_eq!(
        s.status,
        Status::Error {
            description: "invalid digit found in string".into()
        }
    );
    let get = |e: usize, key: &str| {
        s.events[e]
            .attributes
            .iter()
            .find(|kv| kv.key == key)
            .map(|kv| kv.value.clone())
    };
    assert_eq!(
        get(0, "exception.type").map(|v| v.to_string()),
        Some(std::any::type_name::<Outer>().to_owned())
    );
    assert_eq!(
        get(0, "exception.message").map(|v| v.to_string()),
        Some("request failed".to_owned())
    );
    assert_eq!(
        get(0, "exception.source_chain"),
        Some(Value::from(vec!["connection reset"]))
    );
    assert_eq!(get(0, "exception.escaped"), None);
    assert_eq!(
        get(1, "exception.type").map(|v| v.to_string()),
        Some("ParseIntError".to_owned())
    );
    assert_eq!(get(1, "exception.source_chain"), None);
}

#[test]
fn record_error_with_adds_attributes_that_win_over_the_events_own() {
    // The OpenTelemetry API: RecordException "MUST accept an optional
    // parameter to provide any additional event attributes", and those
    // "take precedence" over attributes of the same name. Bug: there was no
    // way to pass them.
    common::exporter();
    let trace_id = {
        let s = span("call").start();
        s.record_error_with(
            &Outer(Inner),
            vec![
                baton::KeyValue::new("exception.message", "redacted"),
                baton::KeyValue::new("retry", 2),
            ],
        );
        s.trace_id()
    };
    let s = &common::spans_of(trace_id)[0];
    // Without `exception.stacktrace`, which is there only when the
    // environment asks for stack traces (tests/exception_stacktrace.rs).
    let attributes: Vec<(String, String)> = s.events[0]
        .attributes
        .iter()
        .filter(|kv| kv.key != "exception.stacktrace")
        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
        .collect();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        attributes,
        [
            pair("exception.type", std::any::type_name::<Outer>()),
            pair("exception.message", "redacted"),
            pair("exception.source_chain", "[connection reset]"),
            pair("retry", "2"),
        ]
    );
    // The status says what the event says: a message given in place of
    // the error's own, to redact it, does not go out in the status either
    // (it did, until an audit found it).
    assert_eq!(
        s.status,
        Status::Error {
            description: "redacted".into()
        }
    );
}

#[test]
fn record_error_with_an_empty_message_leaves_the_status_without_one() {
    // The empty value, given to hide the error's message, is no message:
    // the status said `null`, which the error never said.
    common::exporter();
    let trace_id = {
        let s = span("call").start();
        s.record_error_with(
            &Outer(Inner),
            vec![baton::KeyValue::new(
                "exception.message",
                baton::Value::Empty,
            )],
        );
        s.trace_id()
    };
    let s = &common::spans_of(trace_id)[0];
    assert_eq!(
        s.status,
        Status::Error {
            description: "".into()
        }
    );
    let message = s.events[0]
        .attributes
        .iter()
        .find(|kv| kv.key == "exception.message");
    assert_eq!(message.map(|kv| &kv.value), Some(&baton::Value::Empty));
}

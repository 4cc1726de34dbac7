//! Nested spans form the expected tree, and each parent is current again when
//! its child ends.

mod common;

use baton::{in_span, span, SpanKind, SpanType, Status};

#[test]
fn nested_spans_print_as_the_expected_tree() {
    common::exporter();
    let root = span("request").kind(SpanKind::Server).enter();
    let trace_id = root.trace_id();
    in_span("auth", || {
        in_span("lookup user", || {});
    });
    {
        let _db = span("db").kind(SpanKind::Client).enter();
        in_span("query", || {});
        in_span("decode", || {});
    }
    let llm = span("answer").span_type(SpanType::Llm).enter();
    assert_eq!(baton::current_span().unwrap().name(), "answer");
    drop(llm);
    assert_eq!(baton::current_span().unwrap().name(), "request");
    drop(root);
    assert!(baton::current_span().is_none());

    assert_eq!(
        common::tree(trace_id),
        "request\n  auth\n    lookup user\n  db\n    query\n    decode\n  answer\n"
    );
}

#[test]
fn span_records_kind_type_attributes_events_and_status() {
    common::exporter();
    let trace_id = {
        let s = span("fetch")
            .kind(SpanKind::Client)
            .span_type(SpanType::Retrieval)
            .attr("url", "http://x")
            .attr("tags", vec!["a", "b"])
            .enter();
        s.set_attribute("status_code", 200);
        // Borrowed text of any lifetime is accepted (and copied).
        let host = String::from("example.test");
        s.set_attribute("host", host.as_str());
        s.set_attribute("url", "http://y");
        s.add_event("retry", vec![baton::KeyValue::new("attempt", 2)]);
        s.set_status(Status::Ok);
        s.set_status(Status::Error {
            description: "late".into(),
        });
        s.trace_id()
    };
    let spans = common::spans_of(trace_id);
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(s.kind, SpanKind::Client);
    assert_eq!(s.span_type, Some(SpanType::Retrieval));
    let keys: Vec<&str> = s.attributes.iter().map(|kv| kv.key.as_ref()).collect();
    assert_eq!(
        keys,
        ["url", "tags", "status_code", "host"],
        "a re-set key keeps its place"
    );
    assert_eq!(s.attribute("url").unwrap().to_string(), "http://y");
    assert_eq!(s.attribute("tags").unwrap().to_string(), "[a, b]");
    assert_eq!(s.events.len(), 1);
    assert_eq!(s.events[0].name, "retry");
    assert_eq!(s.status, Status::Ok, "Ok is final");
    assert!(s.end_unix_nanos >= s.start_unix_nanos);
    assert!(s.events[0].time_unix_nanos >= s.start_unix_nanos);
}

#[test]
fn explicit_parent_and_started_spans() {
    common::exporter();
    let job = span("job").start();
    assert!(
        baton::current_span().is_none(),
        "start() does not make the span current"
    );
    let child = span("step").parent(&job.context()).start();
    assert_eq!(child.parent_span_id(), Some(job.span_id()));
    assert_eq!(child.trace_id(), job.trace_id());
    let trace_id = job.trace_id();
    child.end();
    child.end(); // idempotent
    drop(child);
    job.end();
    assert_eq!(common::tree(trace_id), "job\n  step\n");
    assert_eq!(
        common::spans_of(trace_id).len(),
        2,
        "each span is exported once"
    );
}

#[test]
fn record_error_sets_status_and_adds_an_exception_event() {
    common::exporter();
    let s = span("parse").start();
    let err = "x".parse::<i32>().unwrap_err();
    s.record_error(&err);
    let trace_id = s.trace_id();
    drop(s);
    let data = &common::spans_of(trace_id)[0];
    assert_eq!(data.events[0].name, "exception");
    assert!(
        matches!(&data.status, Status::Error { description } if description.contains("invalid digit"))
    );
}

#[test]
fn links_and_root_spans() {
    common::exporter();
    let _outer = span("outer").enter();
    let other = span("other").root().start();
    assert_eq!(other.parent_span_id(), None);
    assert_ne!(other.trace_id(), _outer.trace_id());
    let linked = span("batch")
        .link(other.span_context().clone(), vec![])
        .start();
    let trace_id = linked.trace_id();
    drop(linked);
    let data = &common::spans_of(trace_id)[1 - 1..];
    let batch = data.iter().find(|s| s.name == "batch").unwrap();
    assert_eq!(batch.links[0].span_context.span_id(), other.span_id());
}

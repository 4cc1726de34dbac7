//! `Context::span` gives the local span active in a context, as
//! OpenTelemetry's API must ("extract the Span from a Context"): a context
//! captured on one thread and handed to another (a queue message, a job
//! argument) records into its span there. A context without a span of
//! this process (empty, or a remote parent only) has none, as
//! `current_span` says. Found: a captured `Context` gave no way back to
//! its span; only `current_span()`, on the thread where it was entered or
//! attached, did. Installs the global pipeline.

use std::collections::HashMap;

use baton::{Context, FutureExt, InMemoryExporter, Value};

mod common;

#[test]
fn a_context_gives_back_its_span_wherever_it_goes() {
    // The only test here that records spans, so no other's reach its pipeline.
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let guard = baton::span("request").enter();
    let captured = Context::current();
    // A context derived from it (baggage added) still has the span.
    let derived = captured.with_baggage("tenant", "7");
    std::thread::spawn(move || {
        let span = captured.span().expect("the request span");
        assert!(span.is_recording());
        span.set_attribute("from.captured", 1);
        let again = derived.span().expect("the same span");
        assert_eq!(again.span_id(), span.span_id());
        again.add_event("from.derived", Vec::new());
        // The handle's own context gives the handle back.
        assert_eq!(span.context().span().unwrap().span_id(), span.span_id());
    })
    .join()
    .unwrap();
    // On the span's own thread, the current context gives what
    // `current_span` gives.
    let here = Context::current().span().unwrap();
    assert_eq!(
        Some(here.span_id()),
        baton::current_span().map(|s| s.span_id())
    );
    let span_id = guard.span_id();
    drop(guard);

    let finished = spans.take();
    assert_eq!(finished.len(), 1);
    let request = &finished[0];
    assert_eq!(request.span_id(), span_id);
    assert_eq!(request.attribute("from.captured"), Some(&Value::I64(1)));
    assert_eq!(request.events.len(), 1);
    assert_eq!(request.events[0].name, "from.derived");

    assert!(
        Context::current().span().is_none(),
        "no span is current any more"
    );

    // The context of a span that ended still names it; it records no more.
    let guard = baton::span("short").enter();
    let cx = Context::current();
    drop(guard);
    let span = cx.span().expect("the context still names its span");
    assert!(!span.is_recording());
    assert_eq!(span.name(), "short");

    // A future's context gives the future's span.
    let in_future = common::block_on(
        async { Context::current().span().map(|s| s.name()) }.in_span(baton::span("task")),
    );
    assert_eq!(in_future.as_deref(), Some("task"));
    spans.take();
}

#[test]
fn a_context_without_a_local_span_has_none() {
    assert!(Context::default().span().is_none());
    assert!(Context::default().with_baggage("k", "v").span().is_none());
    let headers = HashMap::from([(
        "traceparent".to_string(),
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_string(),
    )]);
    let remote = baton::extract_context(&headers);
    assert!(remote.span_context().is_some_and(|sc| sc.is_remote()));
    assert!(
        remote.span().is_none(),
        "a remote parent is not a span of ours"
    );
}

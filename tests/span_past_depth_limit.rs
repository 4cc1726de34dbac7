//! A span entered on a full stack cannot become current, but it is still a
//! whole span: its guard records into it, gives its context (with the
//! parent's baggage) and ends it.

use std::time::Duration;

use baton::{Context, InMemoryExporter, MAX_CONTEXT_DEPTH};

#[test]
fn a_span_entered_past_the_depth_limit_records_through_its_guard() {
    let memory = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    let parent = baton::span("parent").start();
    let mut guards = vec![parent.context().with_baggage("tenant", "acme").attach()];
    while baton::__stack_depth() < MAX_CONTEXT_DEPTH {
        guards.push(Context::current().attach());
    }

    let deep = baton::span("deep").enter();
    assert_eq!(baton::__stack_depth(), MAX_CONTEXT_DEPTH, "not pushed");
    assert_eq!(deep.parent_span_id(), Some(parent.span_id()));
    assert_eq!(deep.name(), "deep");
    assert!(deep.is_recording());
    deep.set_attribute("n", 7);
    let cx = deep.context();
    assert_eq!(
        cx.span_context().map(|sc| sc.span_id()),
        Some(deep.span_id())
    );
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    deep.end();
    assert!(!deep.is_recording());
    deep.set_attribute("after_end", true);
    drop(deep);

    while guards.pop().is_some() {}
    drop(parent);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let spans = memory.take();
    let deep = spans
        .iter()
        .find(|s| s.name == "deep")
        .expect("deep exported");
    assert_eq!(deep.attribute("n"), Some(&baton::Value::I64(7)));
    assert_eq!(deep.attribute("after_end"), None);
    assert_eq!(
        spans.iter().filter(|s| s.name == "deep").count(),
        1,
        "ended once"
    );
}

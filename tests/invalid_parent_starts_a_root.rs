//! A context made from the invalid span context (`SpanContext::INVALID`,
//! e.g. a disabled SDK's span or a link target) holds no span, so a span
//! started in it is a root with ids of its own, as an OpenTelemetry SDK
//! treats an invalid parent. Found: the span became a child of the
//! placeholder ids, not valid itself, and was exported with all-zero ids
//! and a parent. Installs the global pipeline.

use baton::{Context, InMemoryExporter, SpanContext};

#[test]
fn a_span_under_the_invalid_context_is_a_valid_root() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    let invalid = Context::default()
        .with_baggage("k", "v")
        .with_span_context(SpanContext::INVALID);
    assert!(invalid.span_context().is_none());
    assert_eq!(invalid.baggage().get("k"), Some("v"));

    drop(baton::span("explicit").parent(&invalid).start());
    {
        let _g = invalid.attach();
        drop(baton::span("current").enter());
    }
    let finished = spans.take();
    assert_eq!(finished.len(), 2);
    for s in &finished {
        assert!(s.span_context.is_valid(), "{}", s.name);
        assert_eq!(s.parent_span_id, None, "{}", s.name);
    }
    assert_ne!(
        finished[0].span_context.trace_id(),
        finished[1].span_context.trace_id()
    );
}

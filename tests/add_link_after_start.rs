//! A started span takes links (the OpenTelemetry API: "A `Span` MUST have
//! the ability to add `Link`s associated with it after its creation"),
//! through every handle, in order after the builder's, within the link
//! limit. Found: only the builder took links. Installs the global
//! pipeline.

use baton::{
    diagnostic_count, DiagnosticKind, InMemoryExporter, KeyValue, SpanContext, SpanId, SpanLimits,
    TraceFlags, TraceId,
};

fn target(n: u64) -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(u128::from(n)).unwrap(),
        SpanId::from_u64(n).unwrap(),
        TraceFlags::from_bits(1),
    )
}

#[test]
fn links_added_after_the_start_are_exported_in_order_within_the_limit() {
    let spans = InMemoryExporter::default();
    let limits = SpanLimits {
        max_links: 3,
        max_attributes_per_link: 1,
        ..SpanLimits::default()
    };
    let _pipeline = baton::init(
        baton::Config::new()
            .span_limits(limits)
            .exporter(spans.clone()),
    )
    .unwrap();

    let invalid_before = diagnostic_count(DiagnosticKind::InvalidArgument);
    {
        let guard = baton::span("batch").link(target(1), Vec::new()).enter();
        guard.add_link(
            target(2),
            vec![KeyValue::new("a", 1), KeyValue::new("b", 2)],
        );
        baton::current_span()
            .unwrap()
            .add_link(target(3), Vec::new());
        // Past the limit of three: counted as dropped.
        guard.add_link(target(4), Vec::new());
        // A link to no span that says nothing: reported, not recorded.
        guard.add_link(SpanContext::INVALID, Vec::new());
    }
    let started = baton::span("started").start();
    started.add_link(
        SpanContext::INVALID,
        vec![KeyValue::new("messaging.message.id", "m-1")],
    );
    started.end();
    // Ended: nothing more is recorded.
    started.add_link(target(5), Vec::new());
    drop(started);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument) - invalid_before,
        1
    );

    let finished = spans.take();
    let [batch, started] = &finished[..] else {
        panic!("{finished:?}")
    };
    let ids: Vec<TraceId> = batch
        .links
        .iter()
        .map(|l| l.span_context.trace_id())
        .collect();
    assert_eq!(ids, [1, 2, 3].map(|n| TraceId::from_u128(n).unwrap()));
    assert_eq!(batch.dropped_links_count, 1);
    assert_eq!(batch.links[1].attributes.len(), 1);
    assert_eq!(batch.links[1].dropped_attributes_count, 1);
    assert_eq!(started.links.len(), 1);
    assert!(!started.links[0].span_context.is_valid());
    assert_eq!(started.dropped_links_count, 0);
}

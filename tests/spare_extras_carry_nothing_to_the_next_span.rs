//! A span's extras (what it holds out of line) are handed back when it is
//! exported and filled again by the next span that needs them (see
//! `spare_boxes`): that span records what it was given, and nothing of the
//! span before. Exported where they end (a simple processor), each span
//! here takes the extras of the one before it. Installs the global
//! pipeline.

use baton::{
    InMemoryExporter, KeyValue, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId,
};

#[test]
fn a_span_after_one_with_everything_records_only_its_own() {
    let memory = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    let linked = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
    for round in 0..3 {
        let full = baton::span("full")
            .kind(SpanKind::Server)
            .attr("from.builder", "b")
            .link(linked.clone(), vec![KeyValue::new("link.attr", 1)])
            .start_time(baton::now_unix_nanos() - 1_000)
            .start();
        for i in 0..10 {
            full.set_attribute(format!("key{i}"), i);
        }
        full.add_event("event", vec![KeyValue::new("event.attr", true)]);
        full.add_link(linked.clone(), Vec::new());
        full.update_name("renamed");
        full.set_status(Status::Error {
            description: "failed".into(),
        });
        full.end();

        let before = baton::now_unix_nanos();
        baton::span("plain").attr("only", round).start().end();

        let mut spans = memory.take();
        assert_eq!(spans.len(), 2);
        let plain = spans.pop().unwrap();
        let full = spans.pop().unwrap();
        assert_eq!(full.name, "renamed");
        assert_eq!(full.attributes.len(), 11);
        assert_eq!((full.events.len(), full.links.len()), (1, 2));

        assert_eq!(plain.name, "plain");
        assert_eq!(plain.kind, SpanKind::Internal);
        assert_eq!(plain.attributes, vec![KeyValue::new("only", round)]);
        assert!(plain.events.is_empty() && plain.links.is_empty());
        assert_eq!(plain.status, Status::Unset);
        assert_eq!(
            (
                plain.dropped_attributes_count,
                plain.dropped_events_count,
                plain.dropped_links_count
            ),
            (0, 0, 0)
        );
        assert!(plain.start_unix_nanos >= before);
        assert!(plain.end_unix_nanos >= plain.start_unix_nanos);
        assert_eq!(plain.scope().name(), full.scope().name());
    }
}

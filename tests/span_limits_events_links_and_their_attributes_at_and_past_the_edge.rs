//! Events, links, and the attributes of each, at the default limit of 128
//! (`SpanLimits::DEFAULT_MAX`, OpenTelemetry's): exactly 128 are kept with
//! nothing dropped and nothing reported; one more is dropped, counted and
//! reported once per span (`LimitExceeded`). Installs the global pipeline;
//! reads the global diagnostic counters.

use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter, KeyValue, SpanData, SpanLimits};

const MAX: usize = SpanLimits::DEFAULT_MAX;

fn attrs(n: usize) -> Vec<KeyValue> {
    (0..n)
        .map(|i| KeyValue::new(format!("a{i}"), i as i64))
        .collect()
}

fn record(spans: &InMemoryExporter, n: usize) -> (SpanData, u64) {
    let before = diagnostic_count(DiagnosticKind::LimitExceeded);
    let target = baton::span("target").start();
    let mut builder = baton::span("s");
    for _ in 0..n {
        builder = builder.link(target.span_context().clone(), attrs(n));
    }
    let s = builder.start();
    for i in 0..n {
        s.add_event(format!("e{i}"), attrs(n));
    }
    s.end();
    drop(target);
    let data = spans.take().into_iter().find(|d| d.name == "s").unwrap();
    (
        data,
        diagnostic_count(DiagnosticKind::LimitExceeded) - before,
    )
}

#[test]
fn at_128_nothing_is_dropped_and_at_129_one_of_each_is_counted_and_reported() {
    assert_eq!(MAX, 128);
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let (at, reports) = record(&spans, MAX);
    assert_eq!((at.events.len(), at.dropped_events_count), (MAX, 0));
    assert_eq!((at.links.len(), at.dropped_links_count), (MAX, 0));
    assert!(at
        .events
        .iter()
        .all(|e| e.attributes.len() == MAX && e.dropped_attributes_count == 0));
    assert!(at
        .links
        .iter()
        .all(|l| l.attributes.len() == MAX && l.dropped_attributes_count == 0));
    assert_eq!(reports, 0, "at the limit: nothing to report");

    let (past, reports) = record(&spans, MAX + 1);
    assert_eq!((past.events.len(), past.dropped_events_count), (MAX, 1));
    assert_eq!((past.links.len(), past.dropped_links_count), (MAX, 1));
    assert!(past
        .events
        .iter()
        .all(|e| e.attributes.len() == MAX && e.dropped_attributes_count == 1));
    assert!(past
        .links
        .iter()
        .all(|l| l.attributes.len() == MAX && l.dropped_attributes_count == 1));
    assert_eq!(
        past.events.last().unwrap().name,
        format!("e{}", MAX - 1),
        "the first 128 are kept"
    );
    assert_eq!(reports, 1, "past the limit: one report for the span");
}

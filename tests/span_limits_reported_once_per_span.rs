//! A span that reaches its limits is reported once, as a `LimitExceeded`
//! diagnostic, however much it discarded: the OpenTelemetry SDK spec asks
//! for a message when an attribute, event or link is discarded, "at most
//! once per span", and baton reports every limit hit. Bug: discarded
//! attributes, events and links were only counted in the span, never
//! reported. Reads the global diagnostic counters; installs the pipeline.

use baton::{diagnostic_count, span, DiagnosticKind, InMemoryExporter, KeyValue, SpanLimits};

#[test]
fn a_span_past_its_limits_is_reported_once_and_one_within_them_not_at_all() {
    let memory = InMemoryExporter::default();
    let limits = SpanLimits {
        max_attributes: 1,
        max_events: 1,
        max_links: 1,
        max_attributes_per_event: 1,
        max_attributes_per_link: 1,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(memory.clone());
    std::mem::forget(baton::init(config).unwrap());
    let target = span("target").start();
    let two = || vec![KeyValue::new("a", 1), KeyValue::new("b", 2)];

    let before = diagnostic_count(DiagnosticKind::LimitExceeded);
    let within = span("within")
        .attr("a", 1)
        .link(target.span_context().clone(), vec![KeyValue::new("a", 1)])
        .start();
    within.add_event("e", vec![KeyValue::new("a", 1)]);
    within.end();
    assert_eq!(diagnostic_count(DiagnosticKind::LimitExceeded), before);

    // Each limit on its own is reported.
    let cases: [(&str, &dyn Fn(baton::Span)); 5] = [
        ("attributes", &|s| s.set_attribute("b", 2)),
        ("events", &|s| {
            s.add_event("e1", Vec::new());
            s.add_event("e2", Vec::new());
        }),
        ("event attributes", &|s| s.add_event("e", two())),
        ("links", &|_| {}),
        ("link attributes", &|_| {}),
    ];
    for (what, act) in cases {
        let before = diagnostic_count(DiagnosticKind::LimitExceeded);
        let mut builder = span(what).attr("a", 1);
        if what == "links" {
            builder = builder
                .link(target.span_context().clone(), Vec::new())
                .link(target.span_context().clone(), Vec::new());
        }
        if what == "link attributes" {
            builder = builder.link(target.span_context().clone(), two());
        }
        let s = builder.start();
        act(s);
        assert_eq!(
            diagnostic_count(DiagnosticKind::LimitExceeded),
            before + 1,
            "{what}"
        );
    }

    // Everything at once: still one report.
    let before = diagnostic_count(DiagnosticKind::LimitExceeded);
    let busy = span("busy")
        .attr("a", 1)
        .attr("b", 2)
        .link(target.span_context().clone(), two())
        .link(target.span_context().clone(), two())
        .start();
    for i in 0..10 {
        busy.add_event(format!("e{i}"), two());
    }
    busy.end();
    assert_eq!(diagnostic_count(DiagnosticKind::LimitExceeded), before + 1);
    let exported = memory.take();
    let busy = exported.iter().find(|d| d.name == "busy").unwrap();
    assert_eq!(
        (
            busy.dropped_attributes_count,
            busy.dropped_events_count,
            busy.dropped_links_count
        ),
        (1, 9, 1)
    );
}

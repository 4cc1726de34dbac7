//! The console exporter names a span's events (the first
//! `MAX_SHOWN_ATTRIBUTES`, the rest counted) and counts its links, so an
//! `exception` event or a link is never left out without a word. Found:
//! neither appeared anywhere in the output. Installs the global pipeline.

use baton::export::{ConsoleExporter, SpanExporter, MAX_SHOWN_ATTRIBUTES};
use baton::{SpanContext, SpanId, TraceFlags, TraceId};

#[test]
fn events_are_named_and_links_counted() {
    let spans = baton::InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    let linked = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(1),
    );
    let span = baton::span("job")
        .link(linked.clone(), vec![])
        .link(linked, vec![])
        .start();
    span.record_error(&std::io::Error::other("disk full"));
    for i in 0..MAX_SHOWN_ATTRIBUTES {
        span.add_event(format!("retry\n{i}"), vec![]);
    }
    drop(span);
    drop(baton::span("quiet").start());

    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&spans.take()).unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    let job = text.lines().find(|l| l.contains("job")).unwrap();
    let shown: Vec<String> = (0..MAX_SHOWN_ATTRIBUTES - 1)
        .map(|i| format!("retry\\n{i}"))
        .collect();
    assert!(
        job.ends_with(&format!(
            "  events: exception, {} (+1 more)  links: 2",
            shown.join(", ")
        )),
        "{job}"
    );
    let quiet = text.lines().find(|l| l.contains("quiet")).unwrap();
    assert!(
        !quiet.contains("events") && !quiet.contains("links"),
        "{quiet}"
    );
}

//! `Span::end_at` with a time before the span's start is taken as the
//! start: the record then says the span lasted nothing. Bug: the end the
//! caller gave was replaced without a word, though nothing a caller passes
//! in may be lost silently, and a value passed to the API that is not used
//! as given is an `InvalidArgument` diagnostic elsewhere (a `BatchConfig`
//! or OTLP timeout out of range, an empty session id). Now the record keeps
//! the start for the end, and the replacement is reported once. Installs
//! the global pipeline; reads the global diagnostic counters.

use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter};

#[test]
fn an_end_before_the_start_is_taken_as_the_start_and_reported() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    // At the edge: an end equal to the start is a valid zero-length span.
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let s = baton::span("instant").start_time(7_000).start();
    s.end_at(7_000);
    drop(s);
    assert_eq!(diagnostic_count(DiagnosticKind::InvalidArgument), before);

    // One nanosecond past it: the end given is not what is recorded.
    let s = baton::span("backwards").start_time(7_000).start();
    s.end_at(6_999);
    drop(s);
    let exported = spans.take();
    let back = exported.iter().find(|d| d.name == "backwards").unwrap();
    assert_eq!((back.start_unix_nanos, back.end_unix_nanos), (7_000, 7_000));
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1,
        "the end given (6999) was replaced by the start (7000) without a report"
    );

    // Without an explicit start: an end at 0 (before any clock reading).
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let g = baton::span("guard").enter();
    g.end_at(0);
    drop(g);
    assert_eq!(
        diagnostic_count(DiagnosticKind::InvalidArgument),
        before + 1,
        "end_at(0) on a span started now was replaced without a report"
    );
}

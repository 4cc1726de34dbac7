//! The console exporter tells a span whose parent was printed already by
//! the parent's trace and span id together: span ids need only be unique
//! within a trace (an `IdGenerator` may number each trace's spans from 1).
//!
//! Regression: it remembered printed span ids alone, so a span of one
//! trace whose parent had the id of a span printed in another trace was
//! printed at once, headed `AFTER_PARENT`, and its own trace's tree came
//! out without it.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use baton::export::{ConsoleExporter, SpanExporter, AFTER_PARENT};
use baton::{SpanContext, SpanData, SpanId, TraceFlags, TraceId};

/// Span `id` of trace `trace`, under `parent`.
fn span(name: &'static str, trace: u128, id: u64, parent: Option<u64>) -> SpanData {
    let mut span = batch_fixture::span();
    span.name = name.into();
    span.span_context = SpanContext::new(
        TraceId::from_u128(trace).unwrap(),
        SpanId::from_u64(id).unwrap(),
        TraceFlags::from_bits(1),
    );
    span.parent_span_id = parent.and_then(SpanId::from_u64);
    span.start_unix_nanos = id;
    span.end_unix_nanos = id;
    span
}

#[test]
fn a_span_whose_parent_id_was_printed_in_another_trace_waits_for_its_root() {
    let mut console = ConsoleExporter::new(Vec::new());
    // Trace 1, spans 1 and 2, printed whole.
    console
        .export(&[span("a2", 1, 2, Some(1)), span("a1", 1, 1, None)])
        .unwrap();
    // Trace 2 numbers its spans the same way; span 3 ends under its span
    // 2, still open.
    console.export(&[span("b3", 2, 3, Some(2))]).unwrap();
    assert_eq!(console.pending_spans(), 1, "held for its root");
    console
        .export(&[span("b2", 2, 2, Some(1)), span("b1", 2, 1, None)])
        .unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    assert!(!text.contains(AFTER_PARENT), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[3..],
        [
            "trace 00000000000000000000000000000002",
            "  b1  internal  0.0µs",
            "    b2  internal  0.0µs",
            "      b3  internal  0.0µs",
        ],
        "{text}"
    );
}

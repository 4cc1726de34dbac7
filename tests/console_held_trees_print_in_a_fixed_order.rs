//! Trees held for a root that never ended, printed together (at a flush,
//! at shutdown, past `MAX_PENDING_SPANS`, when the exporter is dropped),
//! come out in a fixed order: by when each one's first span started, then
//! by trace id. The same spans print the same text every time.
//!
//! Regression: they came out in the order of a `HashMap` with a random
//! seed, so one run's output differed from the next.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use baton::export::{ConsoleExporter, SpanExporter, ROOT_NOT_ENDED};
use baton::{SpanContext, SpanData, SpanId, TraceFlags, TraceId};

/// A span of trace `trace` whose parent never reaches the exporter,
/// started at `start`.
fn orphan(trace: u128, start: u64) -> SpanData {
    let mut span = batch_fixture::span();
    span.name = format!("in trace {trace}").into();
    span.span_context = SpanContext::new(
        TraceId::from_u128(trace).unwrap(),
        SpanId::from_u64(2).unwrap(),
        TraceFlags::from_bits(1),
    );
    span.parent_span_id = SpanId::from_u64(1);
    span.start_unix_nanos = start;
    span.end_unix_nanos = start + 1;
    span
}

/// The names of the spans printed, in order, and each header ends with
/// `ROOT_NOT_ENDED`.
fn names_printed(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(2)
        .map(|tree| {
            assert!(tree[0].ends_with(ROOT_NOT_ENDED), "{text}");
            tree[1].split("  ").nth(1).unwrap()
        })
        .collect()
}

#[test]
fn held_trees_print_by_start_then_trace_id() {
    // Started in the order 5, 3, 1, then 2 and 4 together.
    let batch = [
        orphan(1, 300),
        orphan(2, 400),
        orphan(3, 200),
        orphan(4, 400),
        orphan(5, 100),
    ];
    let expected = [
        "in trace 5",
        "in trace 3",
        "in trace 1",
        "in trace 2",
        "in trace 4",
    ];
    // Each exporter has a map of its own: one right order by chance is
    // not three.
    for _ in 0..3 {
        let mut console = ConsoleExporter::new(Vec::new());
        console.export(&batch).unwrap();
        console.force_flush().unwrap();
        let text = String::from_utf8(console.into_inner()).unwrap();
        assert_eq!(names_printed(&text), expected, "{text}");

        let mut console = ConsoleExporter::new(Vec::new());
        console.export(&batch).unwrap();
        let text = String::from_utf8(console.into_inner()).unwrap();
        assert_eq!(names_printed(&text), expected, "into_inner: {text}");
    }
}

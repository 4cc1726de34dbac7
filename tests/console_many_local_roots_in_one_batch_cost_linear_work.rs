//! A batch holding many local roots of one trace (a queue consumer's spans
//! in its producer's trace), or many spans whose parent was printed
//! already, is split into its trees in one pass over the spans held for
//! that trace, so the work grows with the batch, not with its square.
//! Found: each such span rebuilt an index of every span held for its trace
//! and moved them all, so one `export` of 5000 consumer spans took 5 s
//! (release build), 20000 took 78 s, and 4× the allocation for 2× the
//! spans. Installs the global pipeline.

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;
#[path = "common/span_in_one_trace.rs"]
mod span_in_one_trace;

use baton::export::{ConsoleExporter, SpanExporter};
use baton::SpanData;
use counting_alloc::allocated_by;

/// A span with id `id` under `parent` (remote when `remote`), in one trace,
/// started at `id`.
fn span(template: &SpanData, id: u64, parent: Option<u64>, remote: bool) -> SpanData {
    let mut span = span_in_one_trace::span(template, &template.name, id, parent);
    span.parent_is_remote = remote;
    span
}

/// Bytes `export` allocates for `batch`, on a console that has printed
/// `before` already, and the text of `batch`.
fn export(before: &[SpanData], batch: &[SpanData]) -> (usize, String) {
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(before).unwrap();
    let (result, bytes) = allocated_by(|| console.export(batch));
    result.unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    (bytes, text)
}

/// `n` consumer spans, each a local root with a child.
fn consumers(template: &SpanData, n: u64) -> Vec<SpanData> {
    (1..=n)
        .flat_map(|i| {
            [
                span(template, 2 * i, Some(1_000_000 + i), true),
                span(template, 2 * i + 1, Some(2 * i), false),
            ]
        })
        .collect()
}

#[test]
fn many_local_roots_of_one_trace_print_each_with_its_child_in_linear_work() {
    let template = common::record(|| baton::in_span("t", || {})).remove(0);
    let (small, text) = export(&[], &consumers(&template, 1000));
    let trees: Vec<&str> = text.split("trace ").skip(1).collect();
    assert_eq!(trees.len(), 1000);
    assert!(trees.iter().all(|t| t.lines().count() == 3), "{}", trees[0]);
    let (large, _) = export(&[], &consumers(&template, 2000));
    assert!(
        large < 3 * small,
        "1000 local roots: {small} B, 2000: {large} B"
    );
}

#[test]
fn many_spans_under_a_printed_parent_print_at_once_in_linear_work() {
    let template = common::record(|| baton::in_span("t", || {})).remove(0);
    // The root, printed first; an open local root keeps spans of the
    // trace held, so each late child is looked for among them.
    let before = [span(&template, 1, None, false)];
    let late = |n: u64| -> Vec<SpanData> {
        (2..n + 2)
            .map(|id| span(&template, id, Some(1), false))
            .chain((0..n).map(|i| span(&template, 100_000 + i, Some(99_999), false)))
            .collect()
    };
    let (small, text) = export(&before, &late(1000));
    assert_eq!(text.matches(baton::export::AFTER_PARENT).count(), 1000);
    let (large, _) = export(&before, &late(2000));
    assert!(
        large < 3 * small,
        "1000 late spans: {small} B, 2000: {large} B"
    );
}

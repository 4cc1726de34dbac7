//! A span id repeated within a trace (a misused `IdGenerator`, or spans
//! built by hand) prints each span once, in work growing with the spans,
//! not with their square. Found: every copy of an id pushed all the spans
//! under that id again, so 16,000 copies of one id under one root, with
//! 16,000 spans under that id, took 743 ms to print (release build), and
//! 16,000 copies parented on their own id 2 s, leaving a stack of some
//! 128 million entries (each copy printed a level below the one before);
//! 16,000 local roots of one id were 16,000 searches of its copies, and
//! each parent cycle left a search for the unprinted from the first span.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;
#[path = "common/span_in_one_trace.rs"]
mod span_in_one_trace;

use baton::export::{ConsoleExporter, SpanExporter};
use baton::SpanData;
use counting_alloc::allocated_by;

const COPIES: u64 = 16_000;

/// Span `id` of trace 1 under `parent` (remote when `remote`), started at
/// `start`.
fn span(id: u64, parent: Option<u64>, remote: bool, start: u64) -> SpanData {
    let template = batch_fixture::span();
    let mut span = span_in_one_trace::span(&template, &format!("s{id}"), id, parent);
    span.parent_is_remote = remote;
    span.start_unix_nanos = start;
    span.end_unix_nanos = start;
    span
}

/// The console's text for `batch`, everything held printed, and the bytes
/// that took.
fn printed(batch: &[SpanData]) -> (String, usize) {
    let mut console = ConsoleExporter::new(Vec::new());
    let (result, bytes) = allocated_by(|| {
        console.export(batch)?;
        console.force_flush()
    });
    result.unwrap();
    (String::from_utf8(console.into_inner()).unwrap(), bytes)
}

/// Each span line of `text`, as its depth (by indentation) and name.
fn lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .filter(|l| !l.starts_with("trace "))
        .map(|l| {
            let name = l.trim_start();
            let depth = (l.len() - name.len()) / 2 - 1;
            (depth, name.split("  ").next().unwrap())
        })
        .collect()
}

#[test]
fn the_spans_under_a_repeated_id_print_once_under_its_first_copy() {
    let batch: Vec<SpanData> = std::iter::once(span(1, None, false, 0))
        .chain((0..COPIES).map(|i| span(2, Some(1), false, 1 + i)))
        .chain((0..COPIES).map(|i| span(10 + i, Some(2), false, COPIES + 1 + i)))
        .collect();
    let (text, _) = printed(&batch);
    let expected: Vec<(usize, String)> = [(0, "s1".to_owned()), (1, "s2".to_owned())]
        .into_iter()
        .chain((0..COPIES).map(|i| (2, format!("s{}", 10 + i))))
        .chain((1..COPIES).map(|_| (1, "s2".to_owned())))
        .collect();
    let got: Vec<(usize, String)> = lines(&text)
        .into_iter()
        .map(|(depth, name)| (depth, name.to_owned()))
        .collect();
    assert!(got == expected, "{}", &text[..500]);
}

#[test]
fn copies_of_an_id_under_that_id_print_once_each_in_linear_memory() {
    // No root: each copy is a parent of them all, a parent cycle.
    let copies = |n: u64| -> Vec<SpanData> { (0..n).map(|i| span(2, Some(2), false, i)).collect() };
    let (text, small) = printed(&copies(1000));
    let depths: Vec<usize> = lines(&text).into_iter().map(|(depth, _)| depth).collect();
    // The first copy printed takes the spans under its id: the others.
    let mut expected = vec![1; 1000];
    expected[0] = 0;
    assert_eq!(depths, expected);
    let (_, large) = printed(&copies(2000));
    assert!(large < 3 * small, "1000 copies: {small} B, 2000: {large} B");
    let (text, _) = printed(&copies(COPIES));
    assert_eq!(lines(&text).len() as u64, COPIES);
}

#[test]
fn local_roots_of_one_id_print_each_and_the_spans_under_it_once() {
    let batch: Vec<SpanData> = (0..COPIES)
        .map(|i| span(2, Some(1), true, i))
        .chain((0..COPIES).map(|i| span(10 + i, Some(2), false, COPIES + i)))
        .collect();
    let (text, _) = printed(&batch);
    assert_eq!(text.matches("trace ").count() as u64, COPIES);
    let got = lines(&text);
    assert_eq!(got.len() as u64, 2 * COPIES);
    // The first local root takes the spans under its id.
    assert!(got[..=COPIES as usize]
        .iter()
        .enumerate()
        .all(|(i, &(depth, _))| depth == usize::from(i > 0)));
    assert!(got[COPIES as usize + 1..] == vec![(0, "s2"); COPIES as usize - 1]);
}

#[test]
fn many_parent_cycles_print_each_span_once() {
    // Spans 10 and 11 each other's parent, 12 and 13, …
    let batch: Vec<SpanData> = (0..COPIES)
        .map(|i| span(10 + i, Some(10 + (i ^ 1)), false, i))
        .collect();
    let (text, _) = printed(&batch);
    let got = lines(&text);
    let expected: Vec<(usize, String)> = (0..COPIES)
        .map(|i| (usize::from(i % 2 == 1), format!("s{}", 10 + i)))
        .collect();
    assert_eq!(got.len(), expected.len());
    assert!(got
        .iter()
        .zip(&expected)
        .all(|(&(d, n), (e, m))| d == *e && n == m));
}

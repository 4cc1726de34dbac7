//! A span that ends after its parent was printed (a span started with
//! `start()` that outlives its parent) is printed by the console exporter
//! at once, with the spans under it, headed `AFTER_PARENT`, while the
//! parent is one of the last `MAX_REMEMBERED_SPANS` printed. Found: it was
//! held until the next flush (or until `MAX_PENDING_SPANS` piled up) and
//! then printed under `ROOT_NOT_ENDED`, though its root had ended and been
//! printed. Spans whose parent is still open keep waiting for their root.
//! Installs the global pipeline.

use std::collections::HashMap;

use baton::export::{
    ConsoleExporter, SpanExporter, AFTER_PARENT, MAX_REMEMBERED_SPANS, ROOT_NOT_ENDED,
};
use baton::propagation::{Propagator, TraceContext};
use baton::{Context, SpanContext, SpanData, SpanId, TraceId};

mod common;

use common::record;

/// A root, and its child ended after it, each alone in its batch.
fn root_then_late_child() -> (SpanData, SpanData) {
    let mut child = None;
    let root = record(|| {
        let root = baton::span("root").start();
        child = Some(baton::span("late").parent(&root.context()).start());
    });
    let late = record(|| drop(child));
    assert_eq!((root.len(), late.len()), (1, 1));
    (
        root.into_iter().next().unwrap(),
        late.into_iter().next().unwrap(),
    )
}

/// The text of `batches` exported one after the other, and what is held.
fn print(batches: &[Vec<SpanData>]) -> (String, usize) {
    let mut console = ConsoleExporter::new(Vec::new());
    for batch in batches {
        console.export(batch).unwrap();
    }
    let held = console.pending_spans();
    (String::from_utf8(console.into_inner()).unwrap(), held)
}

/// `n` roots of traces of their own, copies of `root` with new ids.
fn other_roots(root: &SpanData, n: usize) -> Vec<SpanData> {
    (0..n)
        .map(|_| {
            let mut other = root.clone();
            other.span_context = SpanContext::new(
                TraceId::random(),
                SpanId::random(),
                root.span_context.flags(),
            );
            other
        })
        .collect()
}

#[test]
fn a_span_ending_after_its_printed_root_is_printed_at_once() {
    let (root, late) = root_then_late_child();
    let trace = root.trace_id();
    let (text, held) = print(&[vec![root], vec![late]]);
    assert_eq!(held, 0, "nothing waits for a flush");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], format!("trace {trace}"));
    assert!(lines[1].starts_with("  root  internal  "), "{text}");
    assert_eq!(lines[2], format!("trace {trace}{AFTER_PARENT}"));
    assert!(lines[3].starts_with("  late  internal  "), "{text}");
    assert!(!text.contains(ROOT_NOT_ENDED), "{text}");
}

#[test]
fn a_late_span_brings_the_spans_under_it() {
    let mut late = None;
    let mut spans = record(|| {
        let root = baton::span("root").start();
        let child = baton::span("late").parent(&root.context()).start();
        drop(baton::span("under late").parent(&child.context()).start());
        late = Some(child);
    });
    let late = record(|| drop(late));
    // After the root: "under late", held while its parent is open.
    let under = spans.remove(0);
    let (text, held) = print(&[spans, vec![under], late]);
    assert_eq!(held, 0, "{text}");
    let tail: Vec<&str> = text.lines().skip(2).collect();
    assert!(tail[0].ends_with(AFTER_PARENT), "{text}");
    assert!(tail[1].starts_with("  late  "), "{text}");
    assert!(tail[2].starts_with("    under late  "), "{text}");
}

/// A span whose parent is remote but in this process (a queue consumer
/// in the producer's trace) prints early as a local root; the spans of the
/// open root keep waiting for it and print as its tree.
#[test]
fn spans_under_an_open_parent_still_wait_for_their_root() {
    let spans = record(|| {
        baton::in_span("root", || {
            baton::in_span("producer", || {
                let mut message = HashMap::new();
                baton::inject_context(&mut message);
                let consumer_cx = TraceContext.extract(&Context::default(), &message);
                drop(baton::span("consumer").parent(&consumer_cx).start());
            });
            baton::in_span("after", || {});
        })
    });
    let names: Vec<&str> = spans.iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["consumer", "producer", "after", "root"]);
    let batches: Vec<Vec<SpanData>> = spans.into_iter().map(|s| vec![s]).collect();
    let (text, held) = print(&batches);
    assert_eq!(held, 0);
    assert!(!text.contains(AFTER_PARENT), "{text}");
    let last_tree: Vec<&str> = text.lines().skip(2).collect();
    assert!(last_tree[1].starts_with("  root  "), "{text}");
    assert!(last_tree[2].starts_with("    producer  "), "{text}");
    assert!(last_tree[3].starts_with("    after  "), "{text}");
}

#[test]
fn the_last_max_remembered_spans_are_remembered() {
    let (root, late) = root_then_late_child();
    // The root is the oldest of MAX_REMEMBERED_SPANS printed: remembered.
    let others = other_roots(&root, MAX_REMEMBERED_SPANS - 1);
    let (_, held) = print(&[vec![root.clone()], others, vec![late.clone()]]);
    assert_eq!(held, 0);

    // One more span printed since: forgotten, the span waits for a root.
    let others = other_roots(&root, MAX_REMEMBERED_SPANS);
    let (text, held) = print(&[vec![root], others, vec![late.clone()]]);
    assert_eq!(held, 1);
    assert!(
        text.contains(&format!(
            "trace {}{ROOT_NOT_ENDED}\n  late  ",
            late.trace_id()
        )),
        "printed when the exporter is taken apart"
    );
}

//! A write that fails part-way (a full disk, a non-blocking pipe that
//! would block) leaves a cut line in the console's output. The next tree,
//! in the same call or a later one, starts on a line of its own: its
//! header is never glued to the fragment, which would hide it and make its
//! spans read as the cut tree's.
//!
//! Regression: the next tree's `trace <id>` header went on after the cut,
//! so the spans under it read as spans of the tree before.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/fails_once.rs"]
mod fails_once;

use std::io;

use fails_once::FailsOnce;

use baton::export::{ConsoleExporter, ExportError, SpanExporter};
use baton::{SpanContext, SpanData, SpanId, TraceFlags, TraceId};

/// A root span named `name` in a trace of its own.
fn root(name: &'static str, trace: u128) -> SpanData {
    let mut span = batch_fixture::span();
    span.name = name.into();
    span.span_context = SpanContext::new(
        TraceId::from_u128(trace).unwrap(),
        SpanId::from_u64(1).unwrap(),
        TraceFlags::from_bits(1),
    );
    span.parent_span_id = None;
    span
}

/// What the console prints for `spans`, with a writer that never fails.
fn printed(spans: &[SpanData]) -> String {
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(spans).unwrap();
    String::from_utf8(console.into_inner()).unwrap()
}

#[test]
fn the_tree_after_a_cut_line_starts_on_a_new_line() {
    let (first, second) = (root("first", 1), root("second", 2));
    let first_tree = printed(std::slice::from_ref(&first));
    let second_tree = printed(std::slice::from_ref(&second));
    // Cut in the header, in the span line, just before the last line
    // break, and before anything was written.
    for budget in [10, first_tree.len() - 5, first_tree.len() - 1, 0] {
        for kind in [io::ErrorKind::StorageFull, io::ErrorKind::WouldBlock] {
            let cut = &first_tree[..budget];
            let expected = if cut.is_empty() {
                second_tree.clone()
            } else {
                format!("{cut}\n{second_tree}")
            };

            // The two trees in one call: the first is lost, the second
            // delivered.
            let out = FailsOnce {
                out: Vec::new(),
                budget: Some(budget),
                kind,
            };
            let mut console = ConsoleExporter::new(out);
            let failed = console.export(&[first.clone(), second.clone()]);
            assert!(
                matches!(
                    failed,
                    Err(ExportError::PartlyDelivered { delivered: 1, .. })
                ),
                "{failed:?}"
            );
            let text = String::from_utf8(console.into_inner().out).unwrap();
            assert_eq!(
                text, expected,
                "one call, cut after {budget} bytes ({kind:?})"
            );

            // The second tree in the next call.
            let out = FailsOnce {
                out: Vec::new(),
                budget: Some(budget),
                kind,
            };
            let mut console = ConsoleExporter::new(out);
            let failed = console.export(std::slice::from_ref(&first));
            assert!(matches!(failed, Err(ExportError::Failed(_))), "{failed:?}");
            console.export(std::slice::from_ref(&second)).unwrap();
            let text = String::from_utf8(console.into_inner().out).unwrap();
            assert_eq!(
                text, expected,
                "two calls, cut after {budget} bytes ({kind:?})"
            );
        }
    }
}

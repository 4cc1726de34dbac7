//! A panic unwinding through nested guards while the batch processor is
//! installed: the children that ended before it, waiting in the thread's
//! batch, reach the exporter with the spans the panic ended, which record
//! it; each once, with its parent. After the panic is caught the thread's
//! batch works as before, and a shutdown finds no span left waiting.
//! Installs the global pipeline, one test at a time.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Duration;

use baton::{FutureExt as _, SpanData, SpanId, Status};

mod common;
#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::by_name;

static PIPELINE: Mutex<()> = Mutex::new(());

fn failed_with(span: &SpanData, message: &str) -> bool {
    matches!(&span.status, Status::Error { description } if description.contains(message))
}

#[test]
fn spans_ended_by_a_panic_and_those_waiting_for_them_are_exported_once() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = flushed_pipeline::install();
    let caught = catch_unwind(|| {
        let _outer = baton::span("outer").enter();
        drop(baton::span("done before").enter());
        let _middle = baton::span("middle").enter();
        drop(baton::span("done inside").enter());
        let _inner = baton::span("inner").enter();
        panic!("boom in inner");
    });
    assert!(caught.is_err());
    // The thread goes on: its batch takes the next tree as before.
    {
        let _next = baton::span("next").enter();
        drop(baton::span("next child").enter());
    }
    baton::export::force_flush(Duration::MAX).unwrap();
    let spans = by_name(installed.exporter.take());
    let mut names: Vec<_> = spans.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "done before",
            "done inside",
            "inner",
            "middle",
            "next",
            "next child",
            "outer"
        ]
    );
    let id = |name: &str| spans[name].span_context.span_id();
    let parent_of = |name: &str| spans[name].parent_span_id;
    assert_eq!(parent_of("outer"), None);
    assert_eq!(parent_of("done before"), Some(id("outer")));
    assert_eq!(parent_of("middle"), Some(id("outer")));
    assert_eq!(parent_of("done inside"), Some(id("middle")));
    assert_eq!(parent_of("inner"), Some(id("middle")));
    assert_eq!(parent_of("next child"), Some(id("next")));
    assert_ne!(spans["next"].trace_id(), spans["outer"].trace_id());
    for name in ["outer", "middle", "inner"] {
        assert!(
            failed_with(&spans[name], "boom in inner"),
            "{:?}",
            spans[name]
        );
    }
    for name in ["done before", "done inside", "next", "next child"] {
        assert_eq!(spans[name].status, Status::Unset, "{name}");
    }
    for span in spans.values() {
        assert!(span.end_unix_nanos >= span.start_unix_nanos, "{span:?}");
    }
    // Nothing waits for a span on this thread: the shutdown says no
    // thread's parents are open.
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let s = installed.stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (7, 7, 0, 0)
    );
}

#[test]
fn a_panic_in_a_poll_with_a_guard_held_across_await_exports_every_span_once() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = flushed_pipeline::install();
    let task_id = std::cell::Cell::new(None::<SpanId>);
    let caught = catch_unwind(AssertUnwindSafe(|| {
        common::block_on(
            async {
                task_id.set(baton::current_span().map(|s| s.span_id()));
                let _held = baton::span("held").enter();
                drop(baton::span("before await").enter());
                common::YieldN(1).await;
                drop(baton::span("after await").enter());
                panic!("boom in poll");
            }
            .in_span(baton::span("task")),
        );
    }));
    assert!(caught.is_err());
    baton::export::force_flush(Duration::MAX).unwrap();
    let spans = by_name(installed.exporter.take());
    let mut names: Vec<_> = spans.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["after await", "before await", "held", "task"]);
    let id = |name: &str| spans[name].span_context.span_id();
    assert_eq!(Some(id("task")), task_id.get());
    assert_eq!(spans["held"].parent_span_id, Some(id("task")));
    assert_eq!(spans["before await"].parent_span_id, Some(id("held")));
    assert_eq!(spans["after await"].parent_span_id, Some(id("held")));
    for name in ["held", "task"] {
        assert!(
            failed_with(&spans[name], "boom in poll"),
            "{:?}",
            spans[name]
        );
    }
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let s = installed.stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (4, 4, 0, 0)
    );
}

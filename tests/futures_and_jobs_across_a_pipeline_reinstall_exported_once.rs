//! Work captured under one pipeline and run after it was shut down and
//! another installed: a `copy_context_to_thread` job, a
//! `copy_context_to_fn` run twice, and a future with a span polled once
//! before the change and completed on another thread after it. What they
//! start and end goes to the new pipeline, parented on the span captured
//! under the old one, in its trace; each span is exported once, and
//! nothing is dropped (the future's span and the captured one end while
//! a pipeline is in force). Found: sound. Installs the global pipeline.

mod common;

use std::time::Duration;

use baton::{span, FutureExt, InMemoryExporter};

#[test]
fn work_captured_before_a_reinstall_reaches_the_new_pipeline_once() {
    let first = InMemoryExporter::default();
    let p1 = baton::init(baton::Config::new().exporter(first.clone())).unwrap();
    let dropped = baton::export::dropped_spans();
    let outer = span("outer").enter();
    let job = baton::copy_context_to_thread(|| {
        baton::in_span("job child", || {});
        baton::current_trace_id()
    });
    let f = baton::copy_context_to_fn(|_: u8| baton::in_span("fn child", || {}));
    let mut fut = Box::pin(
        async {
            baton::in_span("fut child 1", || {});
            common::YieldN(1).await;
            baton::in_span("fut child 2", || {});
        }
        .in_span(span("fut")),
    );
    assert!(common::poll_once(fut.as_mut()).is_pending());
    let (outer_id, trace) = (outer.span_id(), outer.trace_id());
    drop(outer);
    p1.shutdown(Duration::from_secs(5)).unwrap();
    let second = InMemoryExporter::default();
    let p2 = baton::init(baton::Config::new().exporter(second.clone())).unwrap();
    assert_eq!(std::thread::spawn(job).join().unwrap(), Some(trace));
    std::thread::spawn(move || {
        f(1);
        f(2);
    })
    .join()
    .unwrap();
    std::thread::spawn(move || assert!(common::poll_once(fut.as_mut()).is_ready()))
        .join()
        .unwrap();
    p2.shutdown(Duration::from_secs(5)).unwrap();
    let (before, after) = (first.finished_spans(), second.finished_spans());
    let names = |spans: &[baton::SpanData]| {
        let mut n: Vec<_> = spans.iter().map(|s| s.name.to_string()).collect();
        n.sort_unstable();
        n
    };
    assert_eq!(names(&before), ["fut child 1", "outer"]);
    assert_eq!(
        names(&after),
        ["fn child", "fn child", "fut", "fut child 2", "job child"]
    );
    let fut_id = common::named(&after, "fut").span_id();
    for s in before.iter().chain(&after) {
        assert_eq!(s.trace_id(), trace, "{s:?}");
        let parent = match &*s.name {
            "outer" => None,
            "fut child 1" | "fut child 2" => Some(fut_id),
            _ => Some(outer_id),
        };
        assert_eq!(s.parent_span_id, parent, "{s:?}");
    }
    assert_eq!(baton::export::dropped_spans(), dropped);
}

//! With the batch processor installed, a span that ends with no span open
//! on its thread and carries nothing but ids, a static name, its kind and
//! its times (a plain span) goes to the processor through its thread's
//! lane of atomic words, without a lock. Such spans still reach a flush
//! called on any thread while their own thread sits idle, keep their order
//! among the thread's other spans, keep every field, and are counted.
//! Installs the global pipeline, one test at a time.

use std::collections::HashMap;
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use baton::export::THREAD_CHUNK_SIZE;
use baton::propagation::{Propagator, TraceContext};
use baton::{Context, SpanData, SpanKind};

/// The tests share the global pipeline.
static PIPELINE: Mutex<()> = Mutex::new(());

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::{install, Installed};

fn names(spans: &[SpanData]) -> Vec<&str> {
    spans.iter().map(|s| &*s.name).collect()
}

/// Runs `work` on a thread of its own, which then waits, alive and idle,
/// while a flush is called from this thread; returns what it exported.
fn flushed_while_idle(installed: &Installed, work: impl FnOnce() + Send) -> Vec<SpanData> {
    let (done, worked) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    thread::scope(|s| {
        s.spawn(move || {
            work();
            done.send(()).unwrap();
            released.recv().unwrap();
        });
        worked.recv().unwrap();
        baton::export::force_flush(Duration::MAX).unwrap();
        let exported = installed.exporter.take();
        release.send(()).unwrap();
        exported
    })
}

#[test]
fn plain_spans_of_an_idle_thread_reach_a_flush_called_elsewhere() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let exported = flushed_while_idle(&installed, || {
        drop(baton::span("started").start());
        baton::in_span("in span", || {});
        drop(baton::span("entered").enter());
    });
    assert_eq!(names(&exported), ["started", "in span", "entered"]);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.dropped,
            stats.in_flight
        ),
        (3, 3, 0, 0)
    );
}

#[test]
fn plain_spans_keep_their_order_among_the_threads_other_spans() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let exported = flushed_while_idle(&installed, || {
        drop(baton::span("plain 1").start());
        drop(baton::span("with an attribute").attr("k", 1).start());
        drop(baton::span("plain 2").start());
        drop(baton::span(String::from("an owned name")).start());
        baton::in_span("with children", || drop(baton::span("child").enter()));
        drop(baton::span("plain 3").start());
    });
    assert_eq!(
        names(&exported),
        [
            "plain 1",
            "with an attribute",
            "plain 2",
            "an owned name",
            "child",
            "with children",
            "plain 3"
        ]
    );
    assert_eq!(exported[1].attributes.len(), 1);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

fn unix_nanos_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

#[test]
fn a_plain_span_keeps_its_ids_kind_parent_and_times() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let carrier = HashMap::from([(
        "traceparent".to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
    )]);
    let remote = TraceContext.extract(&Context::default(), &carrier);
    let mut expected = Vec::new();
    let before = unix_nanos_now();
    let exported = flushed_while_idle(&installed, || {
        let span = baton::span("served")
            .kind(SpanKind::Server)
            .parent(&remote)
            .start();
        expected.push(span.span_context().clone());
        thread::sleep(Duration::from_millis(2));
        drop(span);
        let root = baton::span("client root")
            .kind(SpanKind::Client)
            .root()
            .start();
        expected.push(root.span_context().clone());
        drop(root);
    });
    let after = unix_nanos_now();
    let [served, root] = &exported[..] else {
        panic!("{exported:?}");
    };
    assert_eq!(served.span_context, expected[0]);
    assert_eq!(
        served.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(
        served.parent_span_id.unwrap().to_string(),
        "00f067aa0ba902b7"
    );
    assert!(served.parent_is_remote);
    assert_eq!(served.kind, SpanKind::Server);
    assert!(served.end_unix_nanos - served.start_unix_nanos >= 2_000_000);
    assert_eq!(root.span_context, expected[1]);
    assert_eq!((root.parent_span_id, root.parent_is_remote), (None, false));
    assert_eq!(root.kind, SpanKind::Client);
    // The clock's anchor may sit a little off the wall clock; a minute
    // tells a right time from a misread one.
    let slack = 60_000_000_000;
    for span in [served, root] {
        assert!(span.start_unix_nanos <= span.end_unix_nanos);
        assert!(span.start_unix_nanos + slack >= before, "{span:?}");
        assert!(span.end_unix_nanos <= after + slack, "{span:?}");
    }
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

#[test]
fn stats_count_plain_spans_before_any_flush() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    for _ in 0..5 {
        drop(baton::span("counted").start());
    }
    let stats = installed.stats.get();
    assert_eq!((stats.produced, stats.exported, stats.in_flight), (5, 0, 5));
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!((stats.produced, stats.exported, stats.in_flight), (5, 5, 0));
    assert_eq!(installed.exporter.finished_spans().len(), 5);
}

/// A thread's lane holds one chunk of plain spans; the thread takes it
/// into the queue whenever it fills. Past several fills, the lane's
/// places are reused: every span still arrives once, in order, with its
/// own ids.
#[test]
fn plain_spans_past_several_full_lanes_arrive_once_in_order() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let count = 3 * THREAD_CHUNK_SIZE + 5;
    let mut expected = Vec::new();
    let exported = flushed_while_idle(&installed, || {
        for _ in 0..count {
            let span = baton::span("lane").root().start();
            expected.push(span.span_context().clone());
        }
    });
    let got: Vec<_> = exported.iter().map(|s| s.span_context.clone()).collect();
    assert_eq!(got, expected);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    let count = count as u64;
    assert_eq!(
        (stats.produced, stats.exported, stats.dropped),
        (count, count, 0)
    );
}

//! A `SpanRef` ends its span, as OpenTelemetry's `Span.End` does through
//! any handle: once, whoever holds the span, in any order. The guard that
//! still holds the span keeps it current until it drops, its drop then
//! ends nothing more, and a second end through any handle is reported.
//! Found: `SpanRef` had no `end`, so code handed a `current_span()` could
//! not end the span it was given. Installs the global pipeline.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter, SpanData};

/// One pipeline at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn ended_once(finished: &[SpanData], names: &[&str]) {
    let mut got: Vec<&str> = finished.iter().map(|s| &*s.name).collect();
    got.sort_unstable();
    let mut want = names.to_vec();
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn a_span_ref_ends_its_span_once_in_any_order() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    let reported = || diagnostic_count(DiagnosticKind::SpanAlreadyEnded);
    let out_of_order = || diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    let (ended_before, out_of_order_before) = (reported(), out_of_order());

    // Ended through the handle while its guard is live: exported then,
    // current until the guard drops, whose drop ends nothing more.
    let guard = baton::span("entered").enter();
    let handle = baton::current_span().unwrap();
    handle.set_attribute("k", 1);
    handle.end();
    assert!(!handle.is_recording() && !guard.is_recording());
    assert_eq!(spans.take()[0].name, "entered");
    assert_eq!(baton::current_span().unwrap().span_id(), guard.span_id());
    drop(guard);
    assert!(baton::current_span().is_none());
    assert!(spans.take().is_empty(), "ended once");
    assert_eq!(reported(), ended_before);

    // A parent ended through its handle under a live child, then each
    // guard dropped in turn: the stack stays in order, the child is still
    // the parent's, and each span ends once.
    let parent = baton::span("parent").enter();
    let parent_ref = baton::current_span().unwrap();
    let child = baton::span("child").enter();
    let at = baton::now_unix_nanos();
    parent_ref.end_at(at);
    assert_eq!(child.parent_span_id(), Some(parent.span_id()));
    let grandchild = baton::span("grandchild").start();
    assert!(
        grandchild.is_recording(),
        "a child of the ended span records"
    );
    drop(grandchild);
    drop(child);
    assert_eq!(baton::current_span().unwrap().name(), "parent");
    drop(parent);
    let finished = spans.take();
    ended_once(&finished, &["parent", "child", "grandchild"]);
    let parent = finished.iter().find(|s| s.name == "parent").unwrap();
    assert_eq!(parent.end_unix_nanos, at);
    assert_eq!(out_of_order(), out_of_order_before);

    // Ended through the guard, then through a handle taken before: the
    // second end is reported and hands nothing on; and the other way round.
    let guard = baton::span("guard first").enter();
    let handle = baton::current_span().unwrap();
    guard.end();
    handle.end();
    assert_eq!(reported(), ended_before + 1);
    drop(guard);
    let guard = baton::span("handle first").enter();
    let handle = baton::current_span().unwrap();
    handle.end();
    guard.end();
    handle.clone().end();
    assert_eq!(reported(), ended_before + 3);
    drop(guard);
    ended_once(&spans.take(), &["guard first", "handle first"]);

    // A started span, ended through a handle on another thread while its
    // owner and its attached context live here.
    let job = baton::span("job").start();
    let attached = job.context().attach();
    let handle = baton::current_span().unwrap();
    std::thread::spawn(move || handle.end()).join().unwrap();
    assert!(!job.is_recording());
    drop(attached);
    drop(job);
    ended_once(&spans.take(), &["job"]);
    assert_eq!(reported(), ended_before + 3);

    // A span that does not record: nothing to end, nothing reported.
    let unsampled = HashMap::from([(
        "traceparent".to_owned(),
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00".to_owned(),
    )]);
    let _remote = baton::propagated_context(&unsampled);
    let quiet = baton::span("quiet").enter();
    let handle = baton::current_span().unwrap();
    handle.end();
    handle.end();
    drop(quiet);
    assert!(spans.take().is_empty());
    assert_eq!(reported(), ended_before + 3);
    assert_eq!(out_of_order(), out_of_order_before);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
}

/// The batch processor gathers spans ended inside a span still open on
/// their thread; a parent ended through a handle while its guard lives
/// does not lose them nor send itself twice.
#[test]
fn a_span_ref_ends_its_span_once_under_the_batch_processor() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spans = InMemoryExporter::default();
    let processor = BatchProcessor::new(spans.clone(), BatchConfig::default());
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let parent = baton::span("parent").enter();
    let child = baton::span("child").enter();
    drop(baton::span("first grandchild").enter());
    baton::current_span().unwrap().end();
    let parent_ref = baton::current_span().unwrap();
    drop(child);
    parent_ref.end();
    drop(baton::span("second child").enter());
    drop(parent);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    ended_once(
        &spans.take(),
        &["parent", "child", "first grandchild", "second child"],
    );
}

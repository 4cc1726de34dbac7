//! A span recorded under a live pipeline that ends after the pipeline was
//! shut down and replaced by a disabled SDK (`OTEL_SDK_DISABLED=true`) is
//! counted in `dropped_spans()` and reported, as any span ending after a
//! shutdown is. Found by the state-matrix audit: it went to the disabled
//! SDK's pipeline, which has no processor, and was neither exported nor
//! counted. Spans of the disabled SDK itself record nothing and are not
//! counted; a pipeline given no processor drops its spans as configured,
//! without a count. One test: it installs the global pipeline again and
//! again.

use std::time::Duration;

use baton::export::dropped_spans;
use baton::{diagnostic_count, Config, DiagnosticKind, InMemoryExporter, PipelineGuard};

fn disabled() -> PipelineGuard {
    let config =
        Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into())).unwrap();
    assert!(config.is_disabled());
    baton::init(config).unwrap()
}

/// Counted drops and `SpanDropped` reports since `before`.
fn lost_since(before: (u64, u64)) -> (u64, u64) {
    (
        dropped_spans() - before.0,
        diagnostic_count(DiagnosticKind::SpanDropped) - before.1,
    )
}

fn counts() -> (u64, u64) {
    (
        dropped_spans(),
        diagnostic_count(DiagnosticKind::SpanDropped),
    )
}

#[test]
fn spans_of_a_shut_down_pipeline_ending_under_a_disabled_sdk_are_counted() {
    // A simple processor: each span reaches it as it ends.
    let first = InMemoryExporter::default();
    let live = baton::init(Config::new().exporter(first.clone())).unwrap();
    let held = baton::span("held").start();
    let guard = baton::span("entered").enter();
    baton::in_span("child", || {});
    drop(guard);
    let entered_again = baton::span("entered again").enter();
    live.shutdown(Duration::from_secs(5)).unwrap();
    let names: Vec<_> = first
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["child", "entered"]);

    let off = disabled();
    let before = counts();
    // Recorded under the first pipeline, ended under the disabled one.
    held.end();
    drop(entered_again);
    assert_eq!(lost_since(before), (2, 2));
    // The disabled SDK's own spans record nothing: not counted.
    baton::in_span("quiet", || baton::in_span("quiet child", || {}));
    assert_eq!(lost_since(before), (2, 2));
    assert_eq!(
        first.finished_spans().len(),
        2,
        "nothing exported after shutdown"
    );
    off.shutdown(Duration::from_secs(5)).unwrap();

    // A batch processor: a child ended inside an open span waits in its
    // thread's batch, and this thread's shutdown exports it.
    let second = InMemoryExporter::default();
    let live = baton::init(Config::new().batch_exporter(second.clone())).unwrap();
    let parent = baton::span("parent").enter();
    baton::in_span("waiting child", || {});
    live.shutdown(Duration::from_secs(5)).unwrap();
    let off = disabled();
    let before = counts();
    drop(parent);
    assert_eq!(lost_since(before), (1, 1));
    let names: Vec<_> = second
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["waiting child"]);
    off.shutdown(Duration::from_secs(5)).unwrap();

    // Given no processor, a pipeline drops its spans as configured: no
    // count.
    let bare = baton::init(Config::new()).unwrap();
    let before = counts();
    baton::in_span("nowhere", || baton::in_span("nowhere child", || {}));
    assert_eq!(lost_since(before), (0, 0));
    bare.shutdown(Duration::from_secs(5)).unwrap();
}

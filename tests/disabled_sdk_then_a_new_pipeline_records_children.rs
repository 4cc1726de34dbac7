//! A span entered while the SDK was disabled (`OTEL_SDK_DISABLED=true`)
//! stays what it was, a no-op; a span started under it once a new pipeline
//! is installed is decided by the new pipeline's sampler, parent-based on
//! the sampled flag of the context the no-op span carries. Bug: a disabled
//! root span carries the invalid span context, and a child of it started
//! later became a child of those all-zero ids: invalid itself, never
//! recorded, and so was every span below it, whatever the new pipeline
//! sampled. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::collections::HashMap;
use std::time::Duration;

use baton::{InMemoryExporter, SpanData};
use loopback_collector::lookup;

fn disabled() -> baton::PipelineGuard {
    let config = baton::Config::from_lookup(lookup(&[("OTEL_SDK_DISABLED", "true")])).unwrap();
    assert!(config.is_disabled());
    baton::init(config).unwrap()
}

fn names(spans: &[SpanData]) -> Vec<&str> {
    spans.iter().map(|s| &*s.name).collect()
}

#[test]
fn children_of_a_disabled_sdks_spans_follow_the_new_pipeline() {
    // No pipeline yet: the API's span in the absence of an SDK, a root
    // with the invalid span context.
    let before_any = baton::span("before any pipeline").start();
    assert!(!before_any.is_recording());
    assert!(!before_any.span_context().is_valid());
    let off = disabled();
    // A root: the invalid span context.
    let root = baton::span("disabled root").enter();
    assert!(!root.span_context().is_valid());
    // Under a received context: that context, sampled or not.
    let sampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let unsampled = "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-00";
    let carrier = |tp: &str| HashMap::from([("traceparent".to_owned(), tp.to_owned())]);
    let under_sampled = baton::span("disabled, sampled parent")
        .parent(&baton::extract_context(&carrier(sampled)))
        .start()
        .context();
    let under_unsampled = baton::span("disabled, unsampled parent")
        .parent(&baton::extract_context(&carrier(unsampled)))
        .start()
        .context();
    off.shutdown(Duration::from_secs(5)).unwrap();

    let spans = InMemoryExporter::default();
    let _on = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    // Entered children (the stack's own path) and started ones (the
    // general path), two levels deep, under the disabled root.
    {
        let child = baton::span("entered child").enter();
        assert!(
            child.is_recording(),
            "a child of the invalid context is a root"
        );
        assert!(child.span_context().is_valid());
        assert_eq!(child.parent_span_id(), None);
        let grandchild = baton::span("entered grandchild").enter();
        assert!(grandchild.is_recording());
        assert_eq!(grandchild.parent_span_id(), Some(child.span_id()));
    }
    let started = baton::span("started child").attr("k", 1).start();
    assert!(started.is_recording());
    assert!(started.span_context().is_valid());
    assert_eq!(started.parent_span_id(), None);
    drop(started);
    drop(root);

    // Under the contexts the disabled spans carried: the received parents'.
    let child = baton::span("child of sampled")
        .parent(&under_sampled)
        .start();
    assert!(child.is_recording());
    assert_eq!(
        child.trace_id().to_string(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(
        child.parent_span_id().unwrap().to_string(),
        "b7ad6b7169203331"
    );
    drop(child);
    let child = baton::span("child of no pipeline")
        .parent(&before_any.context())
        .start();
    assert!(
        child.is_recording(),
        "a child of the invalid context is a root"
    );
    assert_eq!(child.parent_span_id(), None);
    drop(child);
    let _attached = under_unsampled.attach();
    let child = baton::span("child of unsampled").enter();
    assert!(
        !child.is_recording(),
        "parent-based: the parent is not sampled"
    );
    assert!(child.span_context().is_valid());
    drop(child);

    let finished = spans.take();
    assert_eq!(
        names(&finished),
        [
            "entered grandchild",
            "entered child",
            "started child",
            "child of sampled",
            "child of no pipeline"
        ]
    );
    assert!(finished.iter().all(|s| s.span_context.is_valid()));
}

//! The OpenTelemetry Trace SDK's "Recording Sampled reaction table"
//! (https://opentelemetry.io/docs/specs/otel/trace/sdk/#recording-sampled-reaction-table)
//! in a process where no pipeline is installed: "The flag combination
//! `SampledFlag == true` and `IsRecording == false` could cause gaps in the
//! distributed trace, and because of this the OpenTelemetry SDK MUST NOT
//! allow this combination." Without a pipeline baton is the API in the
//! absence of an SDK (Trace API, "Behavior of the API in the absence of an
//! installed SDK"): a span is a non-recording one with its parent's span
//! context, or the invalid one when the parent has none.
//!
//! Found: without `init`, baton sampled with `ParentBased(AlwaysOn)`: a
//! root span got new ids and the sampled flag, recorded nothing, and its
//! context was injected as sampled, so the next service recorded a child of
//! a span no one exported. Installs the global pipeline, last: one test.

use std::collections::HashMap;
use std::time::Duration;

use baton::{FutureExt, InMemoryExporter};

const UPSTREAM: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

fn headers() -> HashMap<String, String> {
    let mut headers = HashMap::new();
    baton::inject_context(&mut headers);
    headers
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return out;
        }
    }
}

#[test]
fn without_a_pipeline_spans_carry_their_parents_context_and_none_is_sampled_unrecorded() {
    // A root: the invalid span context, not sampled, and nothing injected.
    let root = baton::span("root").start();
    assert!(!root.is_recording());
    assert!(!root.span_context().is_valid());
    assert!(!root.span_context().is_sampled());
    {
        let _g = baton::span("entered root").enter();
        assert_eq!(baton::current_span_id(), None);
        assert!(!headers().contains_key("traceparent"), "{:?}", headers());
    }
    baton::in_span("closure root", || {
        assert_eq!(baton::current_trace_id(), None)
    });
    block_on(
        async { assert_eq!(baton::current_trace_id(), None) }.in_span(baton::span("future root")),
    );

    // Under a received context: that context, unchanged, so the next hop
    // is a child of the upstream span, which someone records.
    let carrier = HashMap::from([("traceparent".to_owned(), UPSTREAM.to_owned())]);
    let _received = baton::propagated_context(&carrier);
    let child = baton::span("child").start();
    assert!(!child.is_recording());
    assert_eq!(
        child.span_context().trace_id().to_string(),
        &UPSTREAM[3..35]
    );
    assert_eq!(
        child.span_context().span_id().to_string(),
        &UPSTREAM[36..52]
    );
    {
        let _g = baton::span("entered child").enter();
        let _grandchild = baton::span("entered grandchild").enter();
        assert_eq!(headers()["traceparent"], UPSTREAM);
    }
    drop(_received);

    // A span entered before the pipeline stays a no-op; a span started
    // inside it once a pipeline is installed is the root of a new trace,
    // decided and recorded by that pipeline.
    let before = baton::span("before init").enter();
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    {
        let after = baton::span("after init").enter();
        assert!(after.span_context().is_valid());
        assert!(after.span_context().is_sampled());
        assert_eq!(after.parent_span_id(), None);
        let _inner = baton::span("inner").enter();
        assert_eq!(baton::current_trace_id(), Some(after.trace_id()));
    }
    drop(before);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let mut names: Vec<String> = spans
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["after init", "inner"]);
}

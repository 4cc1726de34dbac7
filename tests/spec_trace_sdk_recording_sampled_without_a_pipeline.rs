//! The OpenTelemetry Trace SDK's "Recording Sampled reaction table"
//! (https://opentelemetry.io/docs/specs/otel/trace/sdk/#recording-sampled-reaction-table)
//! in a process where no pipeline is installed: "The flag combination
//! `SampledFlag == true` and `IsRecording == false` could cause gaps in the
//! distributed trace, and because of this the OpenTelemetry SDK MUST NOT
//! allow this combination." (Sampling). The table's row `false | true`
//! reads "Not allowed". Installs no pipeline.

use std::collections::HashMap;

/// Found: without `init`, baton samples with `ParentBased(AlwaysOn)` "so
/// that a process without a pipeline still propagates sensible flags"
/// (`src/recorder.rs`, not in the public docs): a root span gets new ids and
/// the sampled flag, records nothing, and its context is injected as
/// sampled. The next service then records a child of a span no one
/// exports: the gap the spec forbids. The API without an SDK would hand on
/// the parent's context unchanged and give a root the invalid context, as
/// baton's `OTEL_SDK_DISABLED` does.
#[test]
#[ignore = "spec: without a pipeline a span is sampled but not recording (SDK MUST NOT allow it)"]
fn without_a_pipeline_no_span_is_sampled_without_recording() {
    let root = baton::span("root").start();
    assert!(
        !root.span_context().is_sampled() || root.is_recording(),
        "a root span sampled and not recording"
    );
    let _g = root.context().attach();
    let mut headers = HashMap::new();
    baton::inject_context(&mut headers);
    if let Some(traceparent) = headers.get("traceparent") {
        assert!(
            !traceparent.ends_with("-01") && !traceparent.ends_with("-03"),
            "{traceparent}: a span no one records injected as sampled"
        );
    }
}

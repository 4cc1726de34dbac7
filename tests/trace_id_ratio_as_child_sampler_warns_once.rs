//! A `TraceIdRatio` deciding for a span with a parent (a child sampler,
//! not the root sampler of `ParentBased`) reports the OpenTelemetry spec's
//! compatibility warning ("the SDK SHOULD emit a warning such as: WARNING:
//! The TraceIdRatioBased sampler is operating as a child sampler"), once
//! per process, as a `SamplerCompatibility` diagnostic; as a root sampler
//! it reports nothing. Found: `OTEL_TRACES_SAMPLER=traceidratio` decided
//! every child span by ratio without a word.
//!
//! Its own file: the warning is once per process, and the handler global.

use std::sync::Mutex;

use baton::sampling::{ParentBased, Sampler, SamplingParams, TraceIdRatio};
use baton::{
    diagnostic_count, span, DiagnosticKind, InMemoryExporter, SpanContext, SpanId, TraceFlags,
    TraceId,
};

/// The warnings the handler got, and whether the span it started in
/// each recorded.
static WARNINGS: Mutex<Vec<(String, bool)>> = Mutex::new(Vec::new());

fn warnings() -> Vec<(String, bool)> {
    WARNINGS.lock().unwrap().clone()
}

fn parent() -> SpanContext {
    SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(1),
    )
    .with_remote(true)
}

#[test]
fn a_child_decision_warns_once_and_a_root_decision_never() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::SamplerCompatibility {
            // A handler may start spans: this one is a child too, decided
            // by the same sampler while its warning is being reported.
            let recorded = span("in the handler").start().is_recording();
            WARNINGS
                .lock()
                .unwrap()
                .push((d.message.to_string(), recorded));
        }
    }))
    .unwrap();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(TraceIdRatio::new(1.0))
            .exporter(InMemoryExporter::default()),
    )
    .unwrap();

    // Root decisions, and a deferred parent's (no decision yet: the ratio
    // makes the first, in ParentBased's root slot too), are no child's.
    let root = span("root").enter();
    assert!(root.is_recording());
    let deferred = parent().with_deferred(true);
    let params = SamplingParams::new(Some(&deferred), deferred.trace_id(), "x");
    assert!(TraceIdRatio::new(1.0).should_sample(&params).is_sampled());
    assert!(ParentBased::new(TraceIdRatio::new(1.0))
        .should_sample(&params)
        .is_sampled());
    assert_eq!(diagnostic_count(DiagnosticKind::SamplerCompatibility), 0);
    assert_eq!(warnings(), []);

    let child = span("child").start();
    assert!(child.is_recording());
    assert_eq!(
        warnings(),
        [(
            "TraceIdRatioBased{1} is operating as a child sampler: its algorithm is not \
             specified across SDKs, so its decisions are subject to change and other services \
             may decide otherwise for the same trace; make it the root sampler of ParentBased \
             (OTEL_TRACES_SAMPLER=parentbased_traceidratio). Reported once per process"
                .to_owned(),
            true
        )]
    );
    assert_eq!(diagnostic_count(DiagnosticKind::SamplerCompatibility), 1);

    // Once per process: more children, another sampler in a child slot.
    for _ in 0..3 {
        drop(span("another child").start());
    }
    let delegate =
        ParentBased::new(TraceIdRatio::new(1.0)).remote_parent_sampled(TraceIdRatio::new(0.5));
    let p = parent();
    delegate.should_sample(&SamplingParams::new(Some(&p), p.trace_id(), "x"));
    assert_eq!(diagnostic_count(DiagnosticKind::SamplerCompatibility), 1);
    assert_eq!(warnings().len(), 1);
    drop((child, root));
}

//! A value baton does not record (given to a span that is not sampled,
//! has no pipeline, belongs to a disabled SDK or has ended, or to a span
//! builder dropped without starting its span) is dropped
//! without recursion, however deep it nests. Bug: only the values a span
//! records went through the depth limit; these were dropped whole, and a
//! key-value list or array nested 20000 deep overflowed the stack and
//! aborted the process. Installs the global pipeline.

#[path = "common/deep_values.rs"]
mod deep_values;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::collections::HashMap;
use std::time::Duration;

use baton::{InMemoryExporter, KeyValue, SpanContext, SpanId, TraceFlags, TraceId};
use deep_values::{nested_arrays, nested_lists};
use loopback_collector::lookup;

fn deep_attributes() -> Vec<KeyValue> {
    vec![
        KeyValue::new("lists", nested_lists()),
        KeyValue::new("arrays", nested_arrays()),
    ]
}

fn linked() -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(2).unwrap(),
        TraceFlags::from_bits(1),
    )
}

/// Starts a span given deep values at its start, and gives it more through
/// each setter of each handle; none of them is recorded.
fn start_and_set_deep_values() {
    let span = baton::span("s")
        .attr("lists", nested_lists())
        .attr("arrays", nested_arrays())
        .link(linked(), deep_attributes())
        .start();
    assert!(!span.is_recording());
    set_deep_values(|f| f(&span.context()));
    drop(span);
    let guard = baton::span("entered").attr("lists", nested_lists()).enter();
    guard.set_attribute("arrays", nested_arrays());
    guard.add_event("e", deep_attributes());
    set_deep_values(|f| f(&guard.context()));
    // A builder dropped unstarted. Bug: its values were dropped whole, and
    // overflowed the stack.
    let unstarted = baton::span("never started")
        .attr("lists", nested_lists())
        .link(linked(), deep_attributes());
    drop(unstarted);
}

/// Sets deep values through a `SpanRef` to the span of the context `with`
/// gives, attached.
fn set_deep_values(with: impl FnOnce(&dyn Fn(&baton::Context))) {
    with(&|cx| {
        let _g = cx.clone().attach();
        let span = baton::current_span().unwrap();
        span.set_attribute("lists", nested_lists());
        span.add_event("e", deep_attributes());
        span.add_event_at("e", 1, deep_attributes());
        span.add_link(linked(), deep_attributes());
        span.record_error_with(&std::fmt::Error, deep_attributes());
    });
}

#[test]
fn deep_values_that_are_not_recorded_do_not_abort() {
    // No pipeline.
    start_and_set_deep_values();

    // Not sampled: under an unsampled remote parent.
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    {
        let unsampled = HashMap::from([(
            "traceparent".to_owned(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00".to_owned(),
        )]);
        let _remote = baton::propagated_context(&unsampled);
        start_and_set_deep_values();
    }

    // Ended: what is given after the end is discarded.
    let span = baton::span("ended").start();
    span.end();
    span.set_attribute("lists", nested_lists());
    span.add_event("e", deep_attributes());
    span.add_link(linked(), deep_attributes());
    span.record_error_with(&std::fmt::Error, deep_attributes());
    drop(span);
    assert_eq!(spans.take().len(), 1);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    // A disabled SDK.
    let config = baton::Config::from_lookup(lookup(&[("OTEL_SDK_DISABLED", "true")])).unwrap();
    let _disabled = baton::init(config).unwrap();
    start_and_set_deep_values();
}

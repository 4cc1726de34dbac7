//! The attribute collections of a span, an event and a link, against a
//! model written from the OpenTelemetry common spec's sentences alone:
//! keys are unique ("setting an attribute with the same key as an existing
//! attribute SHOULD overwrite the existing attribute's value"), the empty
//! key is invalid and discarded, a new key past the count limit is
//! discarded and counted, and a kept string is cut to the value length in
//! characters. The span's attributes come from the builder, then from the
//! span itself or a shared handle to it (`SpanRef`, which takes the other
//! path to the record); the event's and link's are given whole. Installs
//! the global pipeline.

use std::sync::OnceLock;

use baton::{KeyValue, SpanContext, SpanId, SpanLimits, TraceFlags, TraceId};
use proptest::prelude::*;

#[path = "common/attribute_model.rs"]
mod attribute_model;

const MAX_ATTRIBUTES: usize = 3;
const MAX_PER_EVENT_OR_LINK: usize = 2;
const MAX_CHARS: usize = 2;

fn memory() -> &'static baton::InMemoryExporter {
    static MEMORY: OnceLock<baton::InMemoryExporter> = OnceLock::new();
    MEMORY.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        let limits = SpanLimits {
            max_attributes: MAX_ATTRIBUTES,
            max_attributes_per_event: MAX_PER_EVENT_OR_LINK,
            max_attributes_per_link: MAX_PER_EVENT_OR_LINK,
            max_attribute_value_length: Some(MAX_CHARS),
            ..SpanLimits::default()
        };
        let config = baton::Config::new()
            .span_limits(limits)
            .exporter(memory.clone());
        // The pipeline lives as long as the test process.
        std::mem::forget(baton::init(config).unwrap());
        memory
    })
}

/// [`attribute_model::model`] with this pipeline's value length.
fn model(given: &[(String, String)], max: usize) -> (Vec<KeyValue>, u32) {
    attribute_model::model(given, max, MAX_CHARS)
}

fn list(given: &[(String, String)]) -> Vec<KeyValue> {
    given
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect()
}

/// A key from a few, the empty one among them, so that keys repeat; a
/// value of zero to four characters, some of them several bytes long.
fn attribute() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec!["", "a", "b", "c", "d", "e"]),
        "[aé日x]{0,4}",
    )
        .prop_map(|(k, v)| (k.to_owned(), v))
}

fn attributes() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(attribute(), 0..7)
}

proptest! {
    #[test]
    fn span_event_and_link_attributes_are_what_the_spec_says(
        builder in attributes(),
        set in attributes(),
        event in attributes(),
        link in attributes(),
        through_a_handle in any::<bool>(),
    ) {
        let memory = memory();
        memory.take();
        let linked = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
        let mut starting = baton::span("s").link(linked, list(&link));
        for (k, v) in &builder {
            starting = starting.attr(k.clone(), v.clone());
        }
        let span = starting.start();
        let handle = through_a_handle.then(|| span.context().span().unwrap());
        for (k, v) in &set {
            match &handle {
                Some(handle) => handle.set_attribute(k.clone(), v.clone()),
                None => span.set_attribute(k.clone(), v.clone()),
            }
        }
        span.add_event("e", list(&event));
        span.end();

        let spans = memory.take();
        prop_assert_eq!(spans.len(), 1);
        let data = &spans[0];
        let all: Vec<_> = builder.iter().chain(&set).cloned().collect();
        let (kept, dropped) = model(&all, MAX_ATTRIBUTES);
        prop_assert_eq!(&data.attributes, &kept);
        prop_assert_eq!(data.dropped_attributes_count, dropped);
        let (kept, dropped) = model(&event, MAX_PER_EVENT_OR_LINK);
        prop_assert_eq!(&data.events[0].attributes, &kept);
        prop_assert_eq!(data.events[0].dropped_attributes_count, dropped);
        let (kept, dropped) = model(&link, MAX_PER_EVENT_OR_LINK);
        prop_assert_eq!(&data.links[0].attributes, &kept);
        prop_assert_eq!(data.links[0].dropped_attributes_count, dropped);
    }
}

//! `SpanLimits` at both ends of `usize`, built in code (the environment
//! stops at `u32::MAX`): with every count 0 and a value length of 0, what a
//! span is given is dropped and counted, or cut, and reported once per span,
//! never lost silently; with every count `usize::MAX`, no value length limit
//! but `usize::MAX` and a depth of `usize::MAX` (taken as `MAX_DEPTH` and
//! reported), everything is kept whole and nothing is counted as dropped.
//! Nothing panics at either end. Installs the global pipeline, one at a
//! time. Found: all as documented.

use baton::{
    diagnostic_count, DiagnosticKind, InMemoryExporter, KeyValue, SpanContext, SpanData, SpanId,
    SpanLimits, TraceFlags, TraceId, Value,
};

const MANY: usize = 300;

fn linked() -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(7).unwrap(),
        SpanId::from_u64(9).unwrap(),
        TraceFlags::default(),
    )
}

/// The one span a pipeline with `limits` records of a span given `MANY`
/// attributes, events (two attributes each) and links (two attributes
/// each), a 1000-character string and an array nested three deep.
fn recorded(limits: SpanLimits) -> SpanData {
    let spans = InMemoryExporter::default();
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(spans.clone());
    let pipeline = baton::init(config).unwrap();
    let pair = || vec![KeyValue::new("a", 1), KeyValue::new("b", "x")];
    let mut builder = baton::span("s").attr("long", "y".repeat(1000)).attr(
        "deep",
        Value::from(vec![Value::from(vec![Value::from(vec![1])])]),
    );
    for i in 0..MANY {
        builder = builder.attr(format!("k{i}"), i as i64);
    }
    let span = builder.start();
    for i in 0..MANY {
        span.add_event(format!("e{i}"), pair());
        span.add_link(linked(), pair());
    }
    span.end();
    pipeline.shutdown(std::time::Duration::MAX).unwrap();
    let mut got = spans.take();
    assert_eq!(got.len(), 1);
    got.pop().unwrap()
}

#[test]
fn limits_of_zero_drop_and_count_and_of_usize_max_keep_everything() {
    let exceeded = || diagnostic_count(DiagnosticKind::LimitExceeded);
    let invalid = || diagnostic_count(DiagnosticKind::InvalidArgument);

    // Every count 0: nothing kept, everything counted.
    let before = exceeded();
    let none = recorded(SpanLimits {
        max_attributes: 0,
        max_events: 0,
        max_links: 0,
        ..SpanLimits::default()
    });
    assert!(none.attributes.is_empty() && none.events.is_empty() && none.links.is_empty());
    assert_eq!(none.dropped_attributes_count as usize, MANY + 2);
    assert_eq!(none.dropped_events_count as usize, MANY);
    assert_eq!(none.dropped_links_count as usize, MANY);
    assert_eq!(exceeded(), before + 1, "reported once for the span");

    // Per-event and per-link counts, the length and the depth 0: events and
    // links kept without attributes, counted; the string cut to nothing, the
    // array (deeper than 0) replaced by the empty value.
    let before = exceeded();
    let bare = recorded(SpanLimits {
        max_attributes_per_event: 0,
        max_attributes_per_link: 0,
        max_attribute_value_length: Some(0),
        max_attribute_value_depth: 0,
        max_attributes: SpanLimits::DEFAULT_MAX + MANY,
        max_events: MANY,
        max_links: MANY,
    });
    assert_eq!(bare.attributes.len(), MANY + 2);
    assert_eq!(bare.attribute("long"), Some(&Value::from("")));
    assert_eq!(bare.attribute("deep"), Some(&Value::Empty));
    assert_eq!((bare.events.len(), bare.links.len()), (MANY, MANY));
    assert!(bare
        .events
        .iter()
        .all(|e| e.attributes.is_empty() && e.dropped_attributes_count == 2));
    assert!(bare
        .links
        .iter()
        .all(|l| l.attributes.is_empty() && l.dropped_attributes_count == 2));
    assert_eq!(
        (
            bare.dropped_attributes_count,
            bare.dropped_events_count,
            bare.dropped_links_count
        ),
        (0, 0, 0)
    );
    assert_eq!(exceeded(), before + 1, "reported once for the span");

    // Everything at `usize::MAX`: kept whole; the depth taken as the
    // deepest baton walks, and said.
    let (before, before_invalid) = (exceeded(), invalid());
    let all = recorded(SpanLimits {
        max_attributes: usize::MAX,
        max_events: usize::MAX,
        max_links: usize::MAX,
        max_attributes_per_event: usize::MAX,
        max_attributes_per_link: usize::MAX,
        max_attribute_value_length: Some(usize::MAX),
        max_attribute_value_depth: usize::MAX,
    });
    assert_eq!(invalid(), before_invalid + 1, "the depth clamped is said");
    assert_eq!(all.attributes.len(), MANY + 2);
    assert_eq!(all.attribute("long"), Some(&Value::from("y".repeat(1000))));
    assert_eq!(
        all.attribute("deep"),
        Some(&Value::from(vec![Value::from(vec![Value::from(vec![1])])]))
    );
    assert_eq!((all.events.len(), all.links.len()), (MANY, MANY));
    assert!(all.events.iter().all(|e| e.attributes.len() == 2));
    assert!(all.links.iter().all(|l| l.attributes.len() == 2));
    assert_eq!(
        (
            all.dropped_attributes_count,
            all.dropped_events_count,
            all.dropped_links_count
        ),
        (0, 0, 0)
    );
    assert_eq!(exceeded(), before, "nothing to report");
}

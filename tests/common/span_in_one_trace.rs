//! Spans made by hand for an exporter's tests: ids and parents chosen, in
//! one trace.

use baton::{SpanContext, SpanData, SpanId, TraceFlags, TraceId};

/// A copy of `template` named `name`, with id `id` under `parent`, in
/// trace 1, started at `id` (siblings print in that order) and lasting no
/// time.
pub fn span(template: &SpanData, name: &str, id: u64, parent: Option<u64>) -> SpanData {
    let mut span = template.clone();
    span.name = name.to_owned().into();
    span.span_context = SpanContext::new(
        TraceId::from_u128(1).unwrap(),
        SpanId::from_u64(id).unwrap(),
        TraceFlags::from_bits(1),
    );
    span.parent_span_id = parent.and_then(SpanId::from_u64);
    span.start_unix_nanos = id;
    span.end_unix_nanos = id;
    span
}

//! What the OTLP data model takes from a [`SpanData`]: the numbers and extra
//! attributes both OTLP encodings (protobuf and JSON) write, kept in one
//! place so the two cannot disagree.

use crate::instrumentation_scope::InstrumentationScope;
use crate::span_data::{SpanData, SpanKind, Status, SPAN_TYPE_ATTRIBUTE};

/// Whether `a` and `b` are one scope: a tracer's own (the usual case, one
/// pointer), or equal in every part, which OTLP could not tell apart.
fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// The scope every one of `spans` has (baton's when there are none), or
/// `None` when they have several.
pub(crate) fn only_scope(spans: &[SpanData]) -> Option<&InstrumentationScope> {
    let first = spans
        .first()
        .map_or(InstrumentationScope::baton(), SpanData::scope);
    spans
        .iter()
        .all(|s| same_scope(s.scope(), first))
        .then_some(first)
}

/// Calls `f` with each distinct scope of `spans` and its spans, in the
/// order of each scope's first span, its spans in their order: OTLP sends
/// one `ScopeSpans` per scope.
pub(crate) fn for_each_scope<'a>(
    spans: &'a [SpanData],
    mut f: impl FnMut(&'a InstrumentationScope, &mut dyn Iterator<Item = &'a SpanData>),
) {
    let mut seen: Vec<&InstrumentationScope> = Vec::new();
    for span in spans {
        let scope = span.scope();
        if seen.iter().any(|s| same_scope(s, scope)) {
            continue;
        }
        seen.push(scope);
        f(
            scope,
            &mut spans.iter().filter(|s| same_scope(s.scope(), scope)),
        );
    }
}

/// OTLP `SpanFlags`: the W3C flags in bits 0-7, and bits 8-9 saying whether
/// the parent (or linked span) is remote.
pub(crate) fn span_flags(flags: u8, remote: bool) -> u32 {
    const HAS_IS_REMOTE: u32 = 0x100;
    const IS_REMOTE: u32 = 0x200;
    u32::from(flags) | HAS_IS_REMOTE | if remote { IS_REMOTE } else { 0 }
}

/// The OTLP `Span.SpanKind` number.
pub(crate) fn kind_number(kind: SpanKind) -> u8 {
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

/// The OTLP `Status.StatusCode` number and the message (empty unless an
/// error).
pub(crate) fn status_parts(status: &Status) -> (u8, &str) {
    match status {
        Status::Unset => (0, ""),
        Status::Ok => (1, ""),
        Status::Error { description } => (2, description),
    }
}

/// The span type to send as the [`SPAN_TYPE_ATTRIBUTE`] attribute after the
/// span's own attributes: `None` when the span has no type or set that
/// attribute itself.
pub(crate) fn span_type_attribute(span: &SpanData) -> Option<&str> {
    let t = span.span_type.as_ref()?;
    span.attribute(SPAN_TYPE_ATTRIBUTE)
        .is_none()
        .then(|| t.as_str())
}

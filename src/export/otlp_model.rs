//! What the OTLP data model takes from a [`SpanData`]: the numbers and extra
//! attributes both OTLP encodings (protobuf and JSON) write, kept in one
//! place so the two cannot disagree.

use std::collections::HashMap;

use crate::instrumentation_scope::InstrumentationScope;
use crate::span_data::{SpanData, SpanKind, Status, SPAN_TYPE_ATTRIBUTE};

/// Whether `a` and `b` are one scope: a tracer's own (the usual case, one
/// pointer), or equal in every part, which OTLP could not tell apart.
fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    #[cfg(test)]
    tests::COMPARED.with(|c| c.set(c.get() + 1));
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
///
/// Spans are grouped by their scope's address, and a scope met at a new
/// address is looked for among those of the same name and version: the
/// work grows with the spans, not with the spans times the scopes (looking
/// at every span for each scope, a batch of 1024 spans in as many scopes
/// compared scopes a million times).
pub(crate) fn for_each_scope<'a>(
    spans: &'a [SpanData],
    mut f: impl FnMut(&'a InstrumentationScope, &mut dyn Iterator<Item = &'a SpanData>),
) {
    if let Some(scope) = only_scope(spans) {
        return f(scope, &mut spans.iter());
    }
    // Each scope, and the places of its spans.
    let mut groups: Vec<(&InstrumentationScope, Vec<usize>)> = Vec::new();
    let mut by_address: HashMap<*const InstrumentationScope, usize> = HashMap::new();
    let mut by_name: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, span) in spans.iter().enumerate() {
        let scope = span.scope();
        let group = *by_address.entry(scope).or_insert_with(|| {
            let named = by_name.entry((scope.name(), scope.version())).or_default();
            match named.iter().find(|&&g| same_scope(groups[g].0, scope)) {
                Some(&g) => g,
                None => {
                    named.push(groups.len());
                    groups.push((scope, Vec::new()));
                    groups.len() - 1
                }
            }
        });
        groups[group].1.push(i);
    }
    for (scope, places) in groups {
        f(scope, &mut places.iter().map(|&i| &spans[i]));
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

#[cfg(test)]
mod tests {
    use super::for_each_scope;
    use crate::instrumentation_scope::InstrumentationScope;
    use crate::span_data::SpanData;
    use crate::value::Str;
    use std::cell::Cell;

    thread_local! {
        /// Scopes [`super::same_scope`] compared on this thread.
        pub(super) static COMPARED: Cell<usize> = const { Cell::new(0) };
    }

    /// A scope of its own, named `lib{i % names}`.
    fn scope(i: usize, names: usize) -> &'static InstrumentationScope {
        let mut scope = InstrumentationScope::baton().clone();
        scope.name = Str::Owned(format!("lib{}", i % names));
        scope.version = Some(Str::Owned(format!("{i}")));
        Box::leak(Box::new(scope))
    }

    #[test]
    fn spans_in_many_scopes_are_grouped_in_linear_work() {
        // Regression: each scope's spans were found by looking at every
        // span of the batch, and each new scope compared with every one
        // met before: a batch of n spans in n scopes compared n² scopes.
        for n in [512, 1024] {
            let scopes: Vec<_> = (0..n).map(|i| scope(i, 4)).collect();
            // Two spans in each scope, the second half in the first's order,
            // and a copy of scope 0 at another address, which is one scope.
            let mut copy = scopes[0].clone();
            copy.name = Str::Owned(copy.name.to_string());
            let copy: &'static InstrumentationScope = Box::leak(Box::new(copy));
            let spans: Vec<SpanData> = (0..2 * n)
                .map(|i| i % n)
                .chain([0])
                .enumerate()
                .map(|(at, s)| {
                    let mut span = SpanData::minimal();
                    span.scope = Some(if at == 2 * n { copy } else { scopes[s] });
                    span.start_unix_nanos = at as u64;
                    span
                })
                .collect();
            let before = COMPARED.with(Cell::get);
            let mut seen = Vec::new();
            for_each_scope(&spans, |scope, spans| {
                let starts: Vec<u64> = spans.map(|s| s.start_unix_nanos).collect();
                seen.push((scope.version().unwrap().to_owned(), starts));
            });
            let compared = COMPARED.with(Cell::get) - before;
            assert!(compared <= 4 * n, "{n} scopes: {compared} comparisons");
            assert_eq!(seen.len(), n);
            for (i, (version, starts)) in seen.iter().enumerate() {
                assert_eq!(*version, i.to_string());
                let mut want = vec![i as u64, (n + i) as u64];
                if i == 0 {
                    want.push(2 * n as u64);
                }
                assert_eq!(*starts, want, "scope {i}");
            }
        }
    }
}

//! A tracer's scope attributes follow the attribute rules and default
//! limits of a span's: unique non-empty keys, at most
//! `SpanLimits::DEFAULT_MAX` (128) kept and the rest counted, values nested
//! past `SpanLimits::DEFAULT_MAX_DEPTH` replaced with the empty value; what
//! was lost is reported once per tracer (`limit-exceeded`), and nothing is
//! reported at the edge.
//! One test: it counts process-wide diagnostics.

use baton::{DiagnosticKind, KeyValue, SpanLimits, Value};

fn with_attributes(n: usize) -> baton::TracerBuilder {
    (0..n).fold(baton::tracer("lib"), |t, i| t.attr(format!("k{i}"), i))
}

/// `depth` key-value lists nested around `innermost`.
fn nested(depth: usize, innermost: Value) -> Value {
    (0..depth).fold(innermost, |inner, _| {
        Value::from(vec![KeyValue::new("in", inner)])
    })
}

/// A list, the innermost of those nested around it.
fn leaf() -> Value {
    Value::from(vec![KeyValue::new("leaf", "bottom")])
}

#[test]
fn scope_attributes_are_limited_like_a_span_s_and_reported_once() {
    let limit = SpanLimits::DEFAULT_MAX;
    let reported = || baton::diagnostic_count(DiagnosticKind::LimitExceeded);
    let before = reported();

    // At the edge: all kept, nothing reported.
    let at = with_attributes(limit).build();
    assert_eq!(at.scope().attributes().len(), limit);
    assert_eq!(at.scope().dropped_attributes_count(), 0);
    assert_eq!(reported(), before);

    // Past it: the first 128 kept in order, the rest counted, one report.
    let past = with_attributes(limit + 3).build();
    let keys: Vec<&str> = past
        .scope()
        .attributes()
        .iter()
        .map(|kv| &*kv.key)
        .collect();
    assert_eq!(keys.len(), limit);
    assert_eq!(keys[limit - 1], format!("k{}", limit - 1));
    assert_eq!(past.scope().dropped_attributes_count(), 3);
    assert_eq!(reported(), before + 1);

    // A key given again at the limit takes its new value in place, not a
    // new slot: nothing dropped.
    let again = with_attributes(limit).attr("k5", "new").build();
    assert_eq!(again.scope().attributes()[5], KeyValue::new("k5", "new"));
    assert_eq!(again.scope().dropped_attributes_count(), 0);
    assert_eq!(reported(), before + 1);

    // An empty key is discarded and counted.
    let empty = baton::tracer("lib").attr("", 1).attr("ok", 2).build();
    assert_eq!(empty.scope().attributes(), [KeyValue::new("ok", 2)]);
    assert_eq!(empty.scope().dropped_attributes_count(), 1);
    assert_eq!(reported(), before + 2);

    // Depth: at the limit kept whole; one deeper, its innermost list
    // replaced with the empty value and reported.
    let max_depth = SpanLimits::DEFAULT_MAX_DEPTH;
    let deep = baton::tracer("lib")
        .attr("at", nested(max_depth - 1, leaf()))
        .attr("past", nested(max_depth, leaf()))
        .build();
    let attributes = deep.scope().attributes();
    assert_eq!(attributes[0].value, nested(max_depth - 1, leaf()));
    assert_eq!(attributes[1].value, nested(max_depth, Value::Empty));
    assert_eq!(deep.scope().dropped_attributes_count(), 0);
    assert_eq!(reported(), before + 3);

    // Strings are not cut: no length limit by default.
    let long = "x".repeat(100_000);
    let kept = baton::tracer("lib").attr("long", long.as_str()).build();
    assert_eq!(kept.scope().attributes()[0].value, Value::from(long));
    assert_eq!(reported(), before + 3);
}

//! `SpanLimits::max_attribute_value_depth` is a plain `usize`. Bug: taken
//! as given, `usize::MAX` let a span keep a value nested 20,000 deep, and
//! the process aborted with a stack overflow when the value was dropped
//! after its export (its drop, like the exporters' walks, recurses), even
//! with an exporter that never looks at values. Now `Config::span_limits`
//! takes a depth past `SpanLimits::MAX_DEPTH` as that, and reports it; at
//! the maximum it is taken as given. The spans run in a child process: an
//! abort would take the test harness down with it.

#[path = "common/child_process.rs"]
mod child_process;
#[path = "common/deep_values.rs"]
mod deep_values;

use std::time::Duration;

use baton::{diagnostic_count, DiagnosticKind, InMemoryExporter, SpanLimits, Value};

/// The depth of the deepest key-value list in `value`, counted as the
/// limit counts (the top-level value at 1), without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut todo = vec![(value, 1)];
    while let Some((v, d)) = todo.pop() {
        if let Value::KvList(kvs) = v {
            deepest = deepest.max(d);
            todo.extend(kvs.iter().map(|kv| (&kv.value, d + 1)));
        }
    }
    deepest
}

/// Records a 20,000-deep value under `limit`; the depth kept and the
/// invalid-argument reports.
fn record_deep_value(limit: usize) -> (usize, u64) {
    let before = diagnostic_count(DiagnosticKind::InvalidArgument);
    let spans = InMemoryExporter::default();
    let limits = SpanLimits {
        max_attribute_value_depth: limit,
        ..SpanLimits::default()
    };
    let config = baton::Config::new().span_limits(limits);
    let reports = diagnostic_count(DiagnosticKind::InvalidArgument) - before;
    let pipeline = baton::init(config.exporter(spans.clone())).unwrap();
    baton::span("deep")
        .attr("v", deep_values::nested_lists())
        .start()
        .end();
    let kept = spans.take().pop().unwrap();
    let kept_depth = depth(kept.attribute("v").unwrap());
    drop(kept);
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    (kept_depth, reports)
}

#[test]
#[ignore = "run by the test below in a child process"]
fn child_records_deep_values_under_huge_depth_limits() {
    // At the maximum: taken as given.
    assert_eq!(
        record_deep_value(SpanLimits::MAX_DEPTH),
        (SpanLimits::MAX_DEPTH, 0)
    );
    // Past it, even by one: the maximum, reported once.
    for limit in [SpanLimits::MAX_DEPTH + 1, usize::MAX] {
        assert_eq!(record_deep_value(limit), (SpanLimits::MAX_DEPTH, 1));
    }
}

#[test]
fn a_depth_limit_past_the_maximum_is_clamped_and_the_process_lives() {
    let stderr =
        child_process::run_alone::<&str>("child_records_deep_values_under_huge_depth_limits", &[]);
    // The first report of the kind reaches stderr, naming the depth given.
    assert!(stderr.contains("attribute value depth 1025"), "{stderr}");
}

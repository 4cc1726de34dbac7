//! Extraction never fails, and reports each problem it met exactly once: one
//! diagnostic per bad header, none muted and none repeated when a
//! [`Composite`] runs the format (issue 10: the thread-local muting that
//! kept only the first report is gone). Reads the process-wide diagnostic
//! counters, so it has its own file and one test.

use baton::propagation::{Composite, Jaeger, Problem, Propagator, B3};
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

const T: &str = "463ac35c9f6413ad48485a3953bb6124";
const S: &str = "a2fb4a1d1a96d312";

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs `f` and returns how many InvalidHeader, LimitExceeded and
/// InvalidArgument diagnostics it reported.
fn counted(f: impl FnOnce()) -> [u64; 3] {
    let kinds = [
        DiagnosticKind::InvalidHeader,
        DiagnosticKind::LimitExceeded,
        DiagnosticKind::InvalidArgument,
    ];
    let before = kinds.map(diagnostic_count);
    f();
    let after = kinds.map(diagnostic_count);
    [0, 1, 2].map(|i| after[i] - before[i])
}

fn b3_extract(pairs: &[(&str, &str)]) -> Context {
    B3::single().extract(&Context::default(), &carrier(pairs))
}

fn jaeger_extract(pairs: &[(String, String)]) -> Context {
    Jaeger.extract(&Context::default(), &pairs.to_vec())
}

#[test]
fn each_problem_is_reported_once() {
    // B3: valid or absent headers report nothing.
    assert_eq!(counted(|| drop(b3_extract(&[("b3", "0")]))), [0, 0, 0]);
    assert_eq!(counted(|| drop(b3_extract(&[("other", "x")]))), [0, 0, 0]);

    // B3: a bad single header and bad multi headers: two problems.
    let n = counted(|| {
        let cx = b3_extract(&[
            ("b3", "nope"),
            ("x-b3-traceid", T),
            ("x-b3-sampled", "maybe"),
        ]);
        assert!(cx.is_empty());
    });
    assert_eq!(n, [2, 0, 0]);

    // B3: a bad single header with good multi headers: used, and reported once.
    let n = counted(|| {
        let cx = b3_extract(&[("b3", "nope"), ("x-b3-traceid", T), ("x-b3-spanid", S)]);
        assert!(cx.span_context().is_some());
    });
    assert_eq!(n, [1, 0, 0]);

    // Jaeger: a bad trace header, and bad or too many baggage fields: one
    // problem for the trace header, one for the uberctx-* fields.
    let mut pairs = carrier(&[
        ("uber-trace-id", "0:0:0:0"),
        ("uberctx-a", "%"),
        ("uberctx-b c", "1"),
    ]);
    pairs.extend((0..200).map(|i| (format!("uberctx-k{i}"), "v".to_string())));
    let n = counted(|| {
        let cx = jaeger_extract(&pairs);
        assert!(cx.span_context().is_none());
        assert_eq!(cx.baggage().len(), 63, "64 fields read, one of them bad");
    });
    assert_eq!(n, [2, 0, 0]);
    let (_, problems) = Jaeger.extract_with_problems(&Context::default(), &pairs);
    assert!(matches!(
        problems.iter().collect::<Vec<_>>()[..],
        [Problem::Invalid(_), Problem::Partial { invalid: 2, .. }]
    ));

    // Jaeger: only a limit was hit: one LimitExceeded.
    let pairs: Vec<_> = (0..100)
        .map(|i| (format!("uberctx-k{i}"), "v".to_string()))
        .collect();
    assert_eq!(counted(|| drop(jaeger_extract(&pairs))), [0, 1, 0]);

    // Jaeger inject: keys that cannot be header names, one report.
    let baggage = Baggage::default()
        .try_insert("A", "1", "")
        .unwrap()
        .try_insert("B", "2", "")
        .unwrap();
    let cx = Context::default().with_baggage_replaced(baggage);
    let n = counted(|| {
        let mut out = Vec::new();
        Jaeger.inject(&cx, &mut out);
        assert!(out.is_empty());
    });
    assert_eq!(n, [0, 0, 1]);

    // A composite reports its members' problems once each, not once per
    // layer: a bad traceparent, a bad b3 and a bad baggage member are three.
    let all = Composite::from_list("tracecontext,b3,baggage").unwrap();
    let headers = carrier(&[
        ("traceparent", "00-xyz"),
        ("b3", "nope"),
        ("baggage", "ok=1,bad key=2"),
    ]);
    let n = counted(|| {
        let cx = all.extract(&Context::default(), &headers);
        assert_eq!(cx.baggage().get("ok"), Some("1"));
    });
    assert_eq!(n, [3, 0, 0]);
    let nested = Composite::new(vec![Box::new(all)]);
    assert_eq!(
        counted(|| drop(nested.extract(&Context::default(), &headers))),
        [3, 0, 0]
    );
}

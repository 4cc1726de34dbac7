//! A field that B3 or Jaeger reads once ("the first value wins") may come
//! again with another value: two proxies that each set it, or a retry that
//! appended instead of replacing. The first value is still used, and the
//! others are reported as `Problem::Repeated`, so the hop that broke the
//! trace can be found. A repeat of the same value (padding aside) is no
//! problem.
//!
//! Bug: the other values were passed over without a report.

use baton::propagation::{Jaeger, Problem, Problems, Propagator, B3};
use baton::Context;

const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const S: &str = "00f067aa0ba902b7";
const OTHER_S: &str = "0000000000000abc";

fn extract(propagator: &dyn Propagator, pairs: &[(&str, &str)]) -> (Context, Problems) {
    let carrier: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    propagator.extract_with_problems(&Context::default(), &carrier)
}

fn repeated(problems: &Problems) -> Vec<(&'static str, usize)> {
    problems
        .iter()
        .filter_map(|p| match p {
            Problem::Repeated { field, differing } => Some((*field, *differing)),
            _ => None,
        })
        .collect()
}

fn span_id(cx: &Context) -> String {
    cx.span_context().unwrap().span_id().to_string()
}

#[test]
fn uber_trace_id_with_other_values_keeps_the_first_and_reports_the_rest() {
    let first = format!("{T}:{S}:0:1");
    let other = format!("{T}:{OTHER_S}:0:1");
    let (cx, problems) = extract(
        &Jaeger,
        &[
            ("uber-trace-id", &first),
            ("Uber-Trace-Id", &other),
            ("uber-trace-id", &format!(" {first}\t")),
            ("uber-trace-id", &other),
        ],
    );
    assert_eq!(span_id(&cx), S);
    assert_eq!(repeated(&problems), [("uber-trace-id", 2)]);
    assert_eq!(
        problems.iter().next().unwrap().to_string(),
        "uber-trace-id came with 2 more value(s) that differ from the first; kept the first"
    );
}

#[test]
fn uber_trace_id_repeated_with_the_same_value_is_no_problem() {
    let first = format!("{T}:{S}:0:1");
    let (cx, problems) = extract(
        &Jaeger,
        &[
            ("uber-trace-id", &first),
            ("uber-trace-id", &format!("{first} ")),
        ],
    );
    assert_eq!(span_id(&cx), S);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn b3_single_with_another_value_keeps_the_first_and_reports_it() {
    let (cx, problems) = extract(
        &B3::single(),
        &[
            ("b3", &format!("{T}-{S}-1")),
            ("b3", &format!("{T}-{OTHER_S}-0")),
        ],
    );
    assert_eq!(span_id(&cx), S);
    assert!(cx.span_context().unwrap().is_sampled());
    assert_eq!(repeated(&problems), [("b3", 1)]);
}

#[test]
fn x_b3_fields_with_other_values_keep_the_first_and_each_is_reported() {
    for propagator in [B3::single(), B3::multi()] {
        let (cx, problems) = extract(
            &propagator,
            &[
                ("X-B3-TraceId", T),
                ("X-B3-SpanId", S),
                ("X-B3-Sampled", "1"),
                ("x-b3-sampled", "0"),
                ("x-b3-spanid", OTHER_S),
                ("x-b3-traceid", T),
            ],
        );
        assert_eq!(span_id(&cx), S);
        assert!(cx.span_context().unwrap().is_sampled());
        let mut found = repeated(&problems);
        found.sort();
        assert_eq!(found, [("x-b3-sampled", 1), ("x-b3-spanid", 1)]);
    }
}

/// The multi headers are read beside a valid `b3` header too (a lone
/// decision of theirs that it does not carry is reported), and so are
/// their repeats, though the `b3` decides.
#[test]
fn x_b3_repeats_behind_a_valid_single_header_are_reported() {
    let (cx, problems) = extract(
        &B3::single(),
        &[
            ("b3", &format!("{T}-{S}-1")),
            ("x-b3-sampled", "1"),
            ("x-b3-sampled", "0"),
        ],
    );
    assert_eq!(span_id(&cx), S);
    assert_eq!(repeated(&problems), [("x-b3-sampled", 1)], "{problems:?}");
    assert_eq!(
        problems.iter().count(),
        1,
        "the decision kept agrees: {problems:?}"
    );
}

/// A `Composite` passes the problem on, and its kind is a conflicting
/// context.
#[test]
fn the_problem_is_a_conflicting_context() {
    let problem = Problem::Repeated {
        field: "b3",
        differing: 1,
    };
    assert_eq!(problem.kind(), baton::DiagnosticKind::ConflictingContext);
    let composite = baton::propagation::Composite::new(vec![
        Box::new(baton::propagation::TraceContext),
        Box::new(B3::multi()),
    ]);
    let (_, problems) = extract(
        &composite,
        &[
            ("x-b3-traceid", T),
            ("x-b3-spanid", S),
            ("x-b3-spanid", OTHER_S),
        ],
    );
    assert_eq!(repeated(&problems), [("x-b3-spanid", 1)]);
}

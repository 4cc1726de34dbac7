//! A `uberctx-{key}` field repeated, in another case (`uberctx-k` and
//! `UBERCTX-K`) or on another line, is one field said twice: with another
//! value it is a conflict, reported as `Problem::Repeated` (a
//! `DiagnosticKind::ConflictingContext`), the first value kept, as for a
//! repeated `uber-trace-id`; with the same value (decoded) it is nothing.
//! Found: every repeat was counted as a member dropped past a limit, and
//! reported as `LimitExceeded` whether or not its value differed.

use baton::propagation::{Jaeger, Problem, Propagator};
use baton::{Context, DiagnosticKind};

fn extract(pairs: &[(&str, &str)]) -> (Context, Vec<Problem>) {
    let carrier: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    (cx, problems.iter().copied().collect())
}

#[test]
fn another_value_in_another_case_is_a_conflict_and_the_first_is_kept() {
    let (cx, problems) = extract(&[("uberctx-k", "1"), ("UBERCTX-K", "2"), ("uberctx-k", "3")]);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    assert_eq!(
        problems,
        [Problem::Repeated {
            field: "uberctx-*",
            differing: 2
        }]
    );
    assert_eq!(problems[0].kind(), DiagnosticKind::ConflictingContext);
}

#[test]
fn the_same_value_on_two_lines_is_no_problem() {
    let (cx, problems) = extract(&[
        ("uberctx-k", "a%20b"),
        ("Uberctx-K", "a+b"),
        ("uberctx-k", "a%20b"),
    ]);
    assert_eq!(cx.baggage().get("k"), Some("a b"));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_repeat_that_does_not_decode_is_invalid_not_dropped() {
    let (cx, problems) = extract(&[("uberctx-k", "1"), ("uberctx-k", "%zz")]);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    assert!(
        matches!(
            problems[..],
            [Problem::Partial {
                field: "uberctx-*",
                invalid: 1,
                dropped: 0,
                ..
            }]
        ),
        "{problems:?}"
    );
}

//! A `jaeger-baggage` entry that is not `key=value`, or does not decode,
//! is skipped and the others kept, as a bad `uberctx-*` field is; entries
//! past the `Baggage` limits (64 keys, 8192 bytes, counted with the
//! `uberctx-*` fields) are dropped. What the header lost is one
//! `Problem::Partial` named `jaeger-baggage`, reported once per extract.

use baton::propagation::{Jaeger, Problem, Propagator};
use baton::wire::{Field, Reason, WireError};
use baton::{diagnostic_count, Baggage, Context, DiagnosticKind};

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn bad_entries_are_skipped_and_reported_once_as_invalid() {
    let headers = carrier(&[
        ("jaeger-baggage", "a=1, novalue, b=100%, =x, c=3"),
        ("jaeger-baggage", "d=x=y,e=5"),
    ]);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
    let kept: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(kept, [("a", "1"), ("c", "3"), ("e", "5")]);
    let problems: Vec<_> = problems.iter().copied().collect();
    // The first bad entry: `novalue` has no `=` where its key ends.
    assert_eq!(
        problems,
        [Problem::Partial {
            field: "jaeger-baggage",
            invalid: 4,
            dropped: 0,
            first: Some(WireError::new(
                Field::JaegerBaggageEntry,
                12,
                Reason::MissingEquals
            )),
        }]
    );
    assert_eq!(problems[0].kind(), DiagnosticKind::InvalidHeader);

    let before = diagnostic_count(DiagnosticKind::InvalidHeader);
    Jaeger.extract(&Context::default(), &headers);
    assert_eq!(diagnostic_count(DiagnosticKind::InvalidHeader) - before, 1);
}

#[test]
fn entries_past_the_member_limit_shared_with_uberctx_are_dropped() {
    let fields: Vec<(String, String)> = (0..60)
        .map(|i| (format!("uberctx-f{i}"), "v".to_string()))
        .collect();
    let line = (0..10)
        .map(|i| format!("h{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let mut headers = carrier(&[("jaeger-baggage", &line)]);
    headers.extend(fields);
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
    assert_eq!(cx.baggage().len(), Baggage::MAX_MEMBERS);
    // Every field is kept: they are read first.
    assert!((0..60).all(|i| cx.baggage().get(&format!("f{i}")).is_some()));
    let problems: Vec<_> = problems.iter().copied().collect();
    assert!(
        matches!(
            problems[..],
            [Problem::Partial {
                field: "jaeger-baggage",
                invalid: 0,
                dropped: 6,
                ..
            }]
        ),
        "{problems:?}"
    );
    assert_eq!(problems[0].kind(), DiagnosticKind::LimitExceeded);
}

#[test]
fn entries_past_the_byte_limit_are_dropped() {
    let big = format!("big={}", "v".repeat(Baggage::MAX_BYTES - 4 - 4));
    let line = format!("{big},k=v,late=too much");
    let (cx, problems) =
        Jaeger.extract_with_problems(&Context::default(), &carrier(&[("jaeger-baggage", &line)]));
    assert_eq!(cx.baggage().get("k"), Some("v"));
    assert_eq!(cx.baggage().get("late"), None);
    assert!(
        matches!(
            problems.iter().next(),
            Some(Problem::Partial {
                field: "jaeger-baggage",
                dropped: 1,
                ..
            })
        ),
        "{problems:?}"
    );
}

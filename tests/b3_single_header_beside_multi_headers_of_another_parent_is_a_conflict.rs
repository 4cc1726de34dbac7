//! A valid `b3` header wins over the `X-B3-*` headers beside it (the B3
//! spec and OpenTelemetry read the single header first), but multi headers
//! that carry another parent are reported, once per extract, as two
//! formats of a composite that disagree are: another trace is a
//! `Problem::Conflict`, another span id or decision of the same trace a
//! `Problem::SpanConflict`. Found: `b3` of one trace beside `x-b3-*` of
//! another extracted the `b3` trace and reported nothing, so the other
//! was lost without a word. Reads the process-wide diagnostic counters,
//! so it has its own file.

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::{diagnostic_count, Context, DiagnosticKind, SpanId, TraceId};

const T1: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const T2: &str = "463ac35c9f6413ad48485a3953bb6124";
const S1: &str = "e457b5a2e4d86bd1";
const S2: &str = "a2fb4a1d1a96d312";

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What each B3 propagator extracts from `pairs`: the trace id kept and
/// the problems met, the same for both.
fn extracted(pairs: &[(&str, &str)]) -> (TraceId, Vec<Problem>) {
    let headers = carrier(pairs);
    let [single, multi] = [B3::single(), B3::multi()].map(|b3| {
        let (cx, problems) = b3.extract_with_problems(&Context::default(), &headers);
        let trace_id = cx.span_context().expect("b3 is valid").trace_id();
        (trace_id, problems.iter().copied().collect::<Vec<_>>())
    });
    assert_eq!(single, multi, "{pairs:?}");
    single
}

#[test]
fn another_trace_is_reported_once_per_extract() {
    let pairs = [
        ("x-b3-traceid", T2),
        ("x-b3-spanid", S2),
        ("x-b3-sampled", "1"),
        ("b3", &format!("{T1}-{S1}-1")),
    ];
    let (kept, problems) = extracted(&pairs);
    assert_eq!(kept.to_string(), T1, "the single header still wins");
    assert_eq!(
        problems,
        [Problem::Conflict {
            kept: "b3",
            kept_trace_id: kept,
            ignored: "x-b3-traceid",
            ignored_trace_id: TraceId::from_hex(T2).unwrap(),
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        format!("x-b3-traceid carries trace id {T2} but b3 carries {T1}; kept b3's")
    );

    // Once per extract, by either propagator alone or by both in one
    // composite.
    let headers = carrier(&pairs);
    let both = Composite::from_list("b3,b3multi").unwrap();
    let propagators: [&dyn Propagator; 3] = [&B3::single(), &B3::multi(), &both];
    for p in propagators {
        let before = diagnostic_count(DiagnosticKind::ConflictingContext);
        let cx = p.extract(&Context::default(), &headers);
        assert_eq!(cx.span_context().unwrap().trace_id(), kept);
        assert_eq!(
            diagnostic_count(DiagnosticKind::ConflictingContext) - before,
            1
        );
    }
}

/// The same trace from another parent, or with the opposite decision: a
/// proxy that rewrote one encoding and not the other. A composite reports
/// this between two formats, so B3 does between its two encodings.
#[test]
fn another_parent_or_decision_of_the_same_trace_is_reported() {
    let b3 = format!("{T1}-{S1}-1");
    for (multi, ignored_span, ignored_sampled) in [
        ([("x-b3-spanid", S2), ("x-b3-sampled", "1")], S2, Some(true)),
        (
            [("x-b3-spanid", S1), ("x-b3-sampled", "0")],
            S1,
            Some(false),
        ),
        ([("x-b3-spanid", S2), ("x-b3-flags", "0")], S2, None),
    ] {
        let mut pairs = vec![("b3", b3.as_str()), ("X-B3-TraceId", T1)];
        pairs.extend(multi);
        let (kept, problems) = extracted(&pairs);
        assert_eq!(
            problems,
            [Problem::SpanConflict {
                kept: "b3",
                kept_span_id: SpanId::from_hex(S1).unwrap(),
                kept_sampled: Some(true),
                ignored: "x-b3-traceid",
                ignored_span_id: SpanId::from_hex(ignored_span).unwrap(),
                ignored_sampled,
                trace_id: kept,
            }],
            "{pairs:?}"
        );
    }
}

/// Nothing is lost where the multi headers say what `b3` says (the same
/// parent, and no decision or the same one, or the same decision alone).
/// Another decision alone is reported: see
/// `tests/lone_decision_beside_a_parent_is_reported.rs`.
#[test]
fn the_same_parent_or_no_parent_beside_b3_is_no_conflict() {
    let b3 = format!("{T1}-{S1}-1");
    for multi in [
        &[
            ("x-b3-traceid", T1),
            ("x-b3-spanid", S1),
            ("x-b3-sampled", "1"),
        ][..],
        &[("x-b3-traceid", T1), ("x-b3-spanid", S1)],
        &[("x-b3-sampled", "1")],
    ] {
        let mut pairs = vec![("b3", b3.as_str())];
        pairs.extend_from_slice(multi);
        let (kept, problems) = extracted(&pairs);
        assert_eq!(kept.to_string(), T1);
        assert_eq!(problems, [], "{pairs:?}");
    }
}

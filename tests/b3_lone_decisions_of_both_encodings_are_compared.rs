//! A `b3` decision without ids (`b3: 0`) beside an `X-B3-*` decision
//! without ids (`X-B3-Sampled: 1`, `X-B3-Flags: 1`): the single header
//! holds, as it does for ids (the B3 README: "The single-header variant
//! takes precedence"), debug from the multi headers makes its accept
//! debug, and a decision that disagrees is one `Problem::DecisionConflict`,
//! as a `Composite` reports two formats' lone decisions. Found: the multi
//! headers were not read at all beside a lone `b3`, so `b3: 0` beside
//! `X-B3-Sampled: 1` denied without a word and `b3: 1` beside
//! `X-B3-Flags: 1` lost debug, for `b3`, `b3multi` and `b3,b3multi`.

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::wire::b3::Sampling;
use baton::Context;

/// `b3`, one `X-B3-*` header, the decision kept and the problems met.
type Row = (
    &'static str,
    (&'static str, &'static str),
    Sampling,
    Vec<Problem>,
);

fn conflict(kept_sampled: bool, ignored: &'static str) -> Vec<Problem> {
    vec![Problem::DecisionConflict {
        kept: "b3",
        kept_sampled,
        ignored,
        ignored_sampled: !kept_sampled,
    }]
}

#[test]
fn the_single_headers_lone_decision_holds_and_disagreement_is_reported() {
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        ("0", ("x-b3-sampled", "1"), Sampling::Deny, conflict(false, "x-b3-sampled")),
        ("0", ("X-B3-Sampled", "true"), Sampling::Deny, conflict(false, "x-b3-sampled")),
        ("0", ("x-b3-flags", "1"), Sampling::Deny, conflict(false, "x-b3-flags")),
        ("1", ("x-b3-sampled", "0"), Sampling::Accept, conflict(true, "x-b3-sampled")),
        ("d", ("x-b3-sampled", "0"), Sampling::Debug, conflict(true, "x-b3-sampled")),
        // The same decision: nothing to report; debug is added, as a later
        // format of a composite adds it.
        ("1", ("x-b3-flags", "1"), Sampling::Debug, vec![]),
        ("1", ("x-b3-sampled", "1"), Sampling::Accept, vec![]),
        ("d", ("x-b3-sampled", "1"), Sampling::Debug, vec![]),
        ("0", ("x-b3-sampled", "0"), Sampling::Deny, vec![]),
        // An X-B3-Flags other than 1 is no header.
        ("0", ("x-b3-flags", "2"), Sampling::Deny, vec![]),
    ];
    let both = Composite::from_list("b3,b3multi").unwrap();
    let propagators: [(&str, &dyn Propagator); 3] = [
        ("b3", &B3::single()),
        ("b3multi", &B3::multi()),
        ("b3,b3multi", &both),
    ];
    for (single, multi, want, problems) in table {
        let headers = vec![
            ("b3".to_string(), single.to_string()),
            (multi.0.to_string(), multi.1.to_string()),
        ];
        for (name, p) in propagators {
            let (cx, met) = p.extract_with_problems(&Context::default(), &headers);
            assert!(cx.span_context().is_none(), "{name} {headers:?}");
            assert_eq!(cx.remote_decision(), Some(want), "{name} {headers:?}");
            let met: Vec<Problem> = met.iter().copied().collect();
            assert_eq!(met, problems, "{name} {headers:?}");
        }
    }
}

#[test]
fn the_conflict_says_which_header_was_kept() {
    let headers = vec![
        ("b3".to_string(), "0".to_string()),
        ("x-b3-flags".to_string(), "1".to_string()),
    ];
    let (_, met) = B3::single().extract_with_problems(&Context::default(), &headers);
    assert_eq!(
        met.iter().next().unwrap().to_string(),
        "x-b3-flags carries the decision sampled but b3 carries not sampled; kept b3's"
    );
}

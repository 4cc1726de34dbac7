//! `X-B3-Flags: 1` beside `X-B3-Sampled: 0`: the sender said both "debug"
//! and "deny". Debug wins, as the B3 README says ("Debug implies an accept
//! decision, so don't also send the `X-B3-Sampled` header") and Brave and
//! OpenTelemetry Go, Java, JS and Python read it, and the deny it overrides
//! is one `Problem::DecisionConflict`. Found: the deny was dropped without
//! a word, with ids or without, alone or beside a `b3` header.

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::Context;

const T: &str = "80f198ee56343ba864fe8b2a57d3eff7";
const S: &str = "e457b5a2e4d86bd1";

const FLAGS_OVER_DENY: Problem = Problem::DecisionConflict {
    kept: "x-b3-flags",
    kept_sampled: true,
    ignored: "x-b3-sampled",
    ignored_sampled: false,
};

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Whether `pairs` extract as debug, with the problems met, the same for
/// `b3`, `b3multi` and `b3,b3multi`.
fn extracted(pairs: &[(&str, &str)]) -> (bool, Vec<Problem>) {
    let carrier = headers(pairs);
    let both = Composite::from_list("b3,b3multi").unwrap();
    let propagators: [&dyn Propagator; 3] = [&B3::single(), &B3::multi(), &both];
    let [first, rest @ ..] = propagators.map(|p| {
        let (cx, met) = p.extract_with_problems(&Context::default(), &carrier);
        let debug = match cx.span_context() {
            Some(sc) => sc.is_debug() && sc.is_sampled(),
            None => cx.remote_decision() == Some(baton::wire::b3::Sampling::Debug),
        };
        (debug, met.iter().copied().collect::<Vec<_>>())
    });
    for other in rest {
        assert_eq!(other, first, "{pairs:?}");
    }
    first
}

#[test]
fn debug_wins_over_a_deny_and_the_deny_is_reported() {
    let same_parent = format!("{T}-{S}-1");
    let table: Vec<Vec<(&str, &str)>> = vec![
        vec![("x-b3-flags", "1"), ("x-b3-sampled", "0")],
        vec![("X-B3-Flags", " 1 "), ("X-B3-Sampled", "false")],
        vec![
            ("x-b3-traceid", T),
            ("x-b3-spanid", S),
            ("x-b3-sampled", "0"),
            ("x-b3-flags", "1"),
        ],
        // Beside a b3 of the same parent, or a lone accept, the multi
        // headers' debug is added, and their deny still reported.
        vec![
            ("b3", same_parent.as_str()),
            ("x-b3-traceid", T),
            ("x-b3-spanid", S),
            ("x-b3-sampled", "0"),
            ("x-b3-flags", "1"),
        ],
        vec![("b3", "1"), ("x-b3-sampled", "0"), ("x-b3-flags", "1")],
    ];
    for pairs in table {
        assert_eq!(
            extracted(&pairs),
            (true, vec![FLAGS_OVER_DENY]),
            "{pairs:?}"
        );
    }
    assert_eq!(
        FLAGS_OVER_DENY.to_string(),
        "x-b3-sampled carries the decision not sampled but x-b3-flags carries sampled; \
         kept x-b3-flags's"
    );
}

#[test]
fn debug_beside_an_accept_or_a_flags_value_that_is_not_debug_is_no_conflict() {
    for (pairs, debug) in [
        (vec![("x-b3-flags", "1"), ("x-b3-sampled", "1")], true),
        (vec![("x-b3-flags", "1"), ("x-b3-sampled", "true")], true),
        (vec![("x-b3-flags", "0"), ("x-b3-sampled", "0")], false),
        (
            vec![
                ("x-b3-traceid", T),
                ("x-b3-spanid", S),
                ("x-b3-flags", "2"),
                ("x-b3-sampled", "0"),
            ],
            false,
        ),
    ] {
        assert_eq!(extracted(&pairs), (debug, vec![]), "{pairs:?}");
    }
}

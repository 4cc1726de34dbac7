//! `Extractor::get_all_with_prefix` yields each value of each matching
//! field once, also when a name repeats.
//!
//! Bug: the environment carrier used the trait's default, which asked
//! `get_all` for every name `keys` yielded. A name repeated r times gave
//! its r values r times each, which inflated the counts Jaeger reports.
//! Asking once per name also looked at every variable for each matching
//! name: 100,000 `UBER_*` variables took 113 s to extract with Jaeger.

use baton::propagation::{EnvCarrier, Extractor, Jaeger, Problem, Propagator};
use baton::Context;

fn with_prefix(carrier: &dyn Extractor, prefix: &str) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    carrier.get_all_with_prefix(prefix, &mut |k, v| seen.push((k.to_owned(), v.to_owned())));
    seen
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_environment_carrier_yields_each_variable_once() {
    let env = EnvCarrier::from_vars([
        ("UBER_X", "1"),
        ("PATH", "/bin"),
        ("UBER_X", "2"),
        ("UBER_TRACE_ID", "t"),
        // Not a normalized name: no field's variable, as `keys` says.
        ("uber_lower", "x"),
        ("UBER_X", "3"),
    ]);
    assert_eq!(
        with_prefix(&env, "uber"),
        pairs(&[
            ("UBER_X", "1"),
            ("UBER_X", "2"),
            ("UBER_TRACE_ID", "t"),
            ("UBER_X", "3"),
        ])
    );
}

/// A carrier that implements only what it must, so it gets the default.
struct Minimal(Vec<(String, String)>);

impl Extractor for Minimal {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .for_each(|(_, v)| f(v));
    }

    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.0.iter().for_each(|(k, _)| f(k));
    }
}

#[test]
fn the_default_asks_once_per_name() {
    let carrier = Minimal(pairs(&[
        ("uberctx-a", "1"),
        ("uberctx-a", "2"),
        ("other", "x"),
        ("uberctx-b", "3"),
    ]));
    assert_eq!(
        with_prefix(&carrier, "uberctx-"),
        pairs(&[("uberctx-a", "1"), ("uberctx-a", "2"), ("uberctx-b", "3")])
    );
}

/// What Jaeger reports of a repeated `uberctx-*` field counts each extra
/// value once (as values that differ from the first: a conflict, not a
/// limit passed).
#[test]
fn jaeger_counts_each_repeated_value_once() {
    let carrier = Minimal(pairs(&[
        ("uberctx-k", "1"),
        ("uberctx-k", "2"),
        ("uberctx-k", "3"),
    ]));
    let (cx, problems) = Jaeger.extract_with_problems(&Context::default(), &carrier);
    assert_eq!(cx.baggage().get("k"), Some("1"));
    let problems: Vec<Problem> = problems.iter().copied().collect();
    assert_eq!(
        problems,
        [Problem::Repeated {
            field: "uberctx-*",
            differing: 2
        }]
    );
}

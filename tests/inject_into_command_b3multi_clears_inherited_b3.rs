//! `inject_into_command` under `b3multi`, inside a span, with an old `B3`
//! (and `X_B3_*`) inherited from this process's own parent: the child joins
//! this process's trace. Its own file: it installs the global propagator.
//!
//! Bug: only the `x-b3-*` fields `b3multi` writes were cleared, so the old
//! `B3`, which B3 extraction prefers, reached the child and it joined trace
//! `1111…` instead.

use std::process::Command;

use baton::propagation::{inject_into_command, set_global_propagator, Composite, EnvCarrier};
use baton::propagation::{Propagator, B3};
use baton::Context;

const STALE: [(&str, &str); 4] = [
    ("B3", "11111111111111111111111111111111-2222222222222222-1"),
    ("X_B3_TRACEID", "33333333333333333333333333333333"),
    ("X_B3_SPANID", "4444444444444444"),
    ("X_B3_PARENTSPANID", "5555555555555555"),
];

#[test]
fn a_b3multi_child_joins_the_parents_trace_not_an_inherited_b3() {
    set_global_propagator(Composite::from_list("b3multi").unwrap()).unwrap();
    let _span = baton::span("parent").enter();
    let mut cmd = Command::new("true");
    // What this process inherited, as `cmd` would pass it on.
    cmd.envs(STALE);
    inject_into_command(&mut cmd);

    let set: Vec<(String, Option<String>)> = cmd
        .get_envs()
        .map(|(k, v)| {
            let s = |o: &std::ffi::OsStr| o.to_str().unwrap().to_owned();
            (s(k), v.map(s))
        })
        .collect();
    assert!(set.contains(&("B3".into(), None)), "{set:?}");
    // The span has no parent here: the stale parent id goes too.
    assert!(set.contains(&("X_B3_PARENTSPANID".into(), None)), "{set:?}");
    for (name, stale) in STALE {
        assert!(!set.contains(&(name.into(), Some(stale.into()))), "{set:?}");
    }

    let child = EnvCarrier::from_vars(set.into_iter().filter_map(|(k, v)| Some((k, v?))));
    let cx = B3::multi().extract(&Context::default(), &child);
    assert_eq!(
        cx.span_context().map(|sc| sc.trace_id()),
        baton::current_trace_id()
    );
}

//! `inject_into_command` under `b3`, outside any span, with old `X_B3_*`
//! inherited from this process's own parent: the child gets no context.
//! Its own file: it installs the global propagator.
//!
//! Bug: only the `b3` field that `b3` writes was cleared, so the old
//! `X_B3_*`, which B3 extraction reads when `b3` is absent, reached the
//! child and it joined trace `3333…`.

use std::process::Command;

use baton::propagation::{inject_into_command, set_global_propagator, Composite};

const STALE: [&str; 4] = ["B3", "X_B3_TRACEID", "X_B3_SPANID", "X_B3_SAMPLED"];

#[test]
fn a_b3_child_without_a_parent_span_inherits_no_x_b3() {
    set_global_propagator(Composite::from_list("b3").unwrap()).unwrap();
    assert!(baton::current_trace_id().is_none());
    let mut cmd = Command::new("true");
    // What this process inherited, as `cmd` would pass it on.
    cmd.env("B3", "11111111111111111111111111111111-2222222222222222-1")
        .env("X_B3_TRACEID", "33333333333333333333333333333333")
        .env("X_B3_SPANID", "4444444444444444")
        .env("X_B3_SAMPLED", "1");
    inject_into_command(&mut cmd);

    for name in STALE {
        assert!(
            cmd.get_envs().any(|(k, v)| k == name && v.is_none()),
            "{name} is not removed: {:?}",
            cmd.get_envs().collect::<Vec<_>>()
        );
    }
}

//! `baton explain` compares a B3 sampling decision sent without ids with
//! the one that arrives, as it compares decisions that come with ids: a
//! lone debug read as a plain accept, or an accept read as a deny, changes
//! what the receiver's sampler does with the trace it starts. Found: the
//! only finding was "the caller sent only a sampling decision (accept) ...
//! so the receiver starts a trace of its own", whether the receiver read
//! accept, deny or debug.

mod common;

use common::cli::baton;

fn explain(sent: &str, received: &str) -> (i32, String) {
    let out = baton(
        &["explain", "--receiver-propagators", "b3"],
        &format!("{sent}\n---\n{received}\n"),
    );
    (out.code, out.stdout)
}

#[test]
fn a_lone_decision_changed_on_the_way_is_named() {
    for (sent, received, now) in [
        ("b3: d", "b3: 1", "accept"),
        ("b3: 1", "b3: 0", "deny"),
        ("x-b3-sampled: 0", "x-b3-flags: 1", "debug (accept)"),
    ] {
        let (code, out) = explain(sent, received);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!(
                "- the sampling decision changed on the way: the caller sent it without ids as \
                 {}, the receiver reads {now}\n",
                match sent {
                    "b3: d" => "debug (accept)",
                    "b3: 1" => "accept",
                    _ => "deny",
                }
            )),
            "{sent} -> {received}: {out}"
        );
    }
}

#[test]
fn a_lone_decision_that_arrives_as_sent_is_not_a_change() {
    for lone in ["b3: d", "b3: 1", "b3: 0"] {
        let (_, out) = explain(lone, lone);
        assert!(!out.contains("changed on the way"), "{lone}: {out}");
    }
}

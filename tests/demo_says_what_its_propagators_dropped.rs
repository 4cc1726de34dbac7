//! The README: "a `--propagator` list that drops part of the context says
//! what it dropped". Bug: `--propagator tracecontext` (or `b3`) carried the
//! trace to every service but left the client's baggage and session
//! behind, and the demo said nothing: stderr stayed empty and only a
//! reader who compared the tree with the default run's could tell.

mod common;

use common::cli::baton;

#[test]
fn a_list_without_baggage_or_session_names_what_did_not_arrive() {
    for list in ["tracecontext", "b3"] {
        let out = baton(&["demo", "--propagator", list], "");
        // The trace itself arrived whole: not a failure.
        assert_eq!(out.code, 0, "{list}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains(": 15 spans in 4 services,"),
            "{list}: {}",
            out.stdout
        );
        let said: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(
            said,
            [
                format!(
                    "baton demo: --propagator {list} dropped the session (session.id) on the \
                     way to baton-demo-a, baton-demo-b, baton-demo-renderer"
                ),
                format!(
                    "baton demo: --propagator {list} dropped the baggage (user_id) on the way \
                     to baton-demo-a, baton-demo-b, baton-demo-renderer"
                ),
            ],
            "{list}"
        );
    }
}

#[test]
fn a_list_that_carries_the_session_alone_names_only_the_baggage() {
    let out = baton(&["demo", "--propagator", "tracecontext,session"], "");
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr,
        "baton demo: --propagator tracecontext,session dropped the baggage (user_id) on the \
         way to baton-demo-a, baton-demo-b, baton-demo-renderer\n"
    );
}

#[test]
fn jaeger_names_the_child_process_its_baggage_cannot_reach() {
    // Jaeger's `uberctx-*` fields cannot cross a child's environment (the
    // propagator reports that itself); the demo names the service left
    // without them.
    let out = baton(&["demo", "--propagator", "jaeger"], "");
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let demo_lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("baton demo:"))
        .collect();
    assert_eq!(
        demo_lines,
        [
            "baton demo: --propagator jaeger dropped the session (session.id) on the way to \
             baton-demo-renderer",
            "baton demo: --propagator jaeger dropped the baggage (user_id) on the way to \
             baton-demo-renderer",
        ]
    );
}

#[test]
fn the_default_list_drops_nothing_and_says_nothing() {
    let out = baton(&["demo"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
}

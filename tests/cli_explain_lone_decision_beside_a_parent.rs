//! `baton explain` says when the receiver ignores a B3 sampling decision
//! sent without ids beside a parent that decides otherwise (extraction's
//! `Problem::DecisionBesideParent`), and does not take such a decision, which
//! is valid B3, for a header that does not parse. Found: `traceparent`
//! sampled beside `b3: 0`, or even beside `b3: 1`, gave "the b3 header
//! arrived invalid: it does not parse", and the decision the receiver
//! drops was never named.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn explain(receiver: &str, sent: &str, received: &str) -> common::cli::Output {
    baton(
        &["explain", "--receiver-propagators", receiver],
        &format!("{sent}\n---\n{received}\n"),
    )
}

#[test]
fn the_decision_the_receiver_ignores_is_named() {
    for (receiver, lone, finding) in [
        (
            "tracecontext,b3",
            "b3: 0",
            "b3 carries the decision not sampled without ids beside traceparent's parent \
             (sampled); kept the parent's",
        ),
        // b3multi reads both encodings: the line is named by its header.
        (
            "tracecontext,b3multi",
            "b3: d",
            "b3 carries the decision debug without ids beside traceparent's parent \
             (sampled); kept the parent's",
        ),
        (
            "b3,tracecontext",
            "X-B3-Sampled: 0",
            "x-b3-sampled carries the decision not sampled without ids beside traceparent's \
             parent (sampled); kept the parent's",
        ),
    ] {
        let block = format!("{TP}\n{lone}");
        let out = explain(receiver, &block, &block);
        assert_eq!(out.code, 1, "{lone}: {}", out.stdout);
        assert_eq!(out.stderr, "", "{lone}");
        let lines: Vec<&str> = out.stdout.lines().skip(2).collect();
        assert_eq!(
            lines,
            [
                "verdict:  the trace continues, but loses something on the way".to_owned(),
                format!("- the receiver ignores a sampling decision sent without ids: {finding}"),
                "  fix: one request should carry one decision: find who sends the B3 decision \
                 without ids beside the parent (the caller, or a proxy or mesh that samples on \
                 its own) and have it send the parent's decision, or none"
                    .to_owned(),
            ],
            "{lone}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_lone_decision_the_receiver_does_not_read_is_no_corrupted_header() {
    let block = format!("{TP}\nb3: 0");
    let out = explain("tracecontext", &block, &block);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(!out.stdout.contains("invalid"), "{}", out.stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn a_decision_the_parent_carries_is_intact() {
    let block = format!("{TP}\nb3: 1");
    let out = explain("tracecontext,b3", &block, &block);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .ends_with("verdict:  the trace continues intact\n"),
        "{}",
        out.stdout
    );
}

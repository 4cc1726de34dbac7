//! `baton explain` and the B3 sampling states that are valid without being
//! "sampled" or "not sampled": a decision sent without ids (`b3: 0`), which
//! explain called a header that "does not parse: " with no reason, and a
//! context without a decision (`b3: <trace>-<span>`, deferred), which it
//! took for "not sampled" and reported as a flipped flag.

mod common;

use common::cli::{baton, Output};

fn explain_b3(stdin: &str) -> Output {
    baton(&["explain", "--receiver-propagators", "b3"], stdin)
}

/// The verdict line and the findings (`- ` and `  fix:` lines).
fn verdict(out: &Output) -> Vec<&str> {
    out.stdout
        .lines()
        .skip_while(|l| !l.starts_with("verdict:"))
        .collect()
}

const DENY_ONLY: [&str; 3] = [
    "verdict:  the trace breaks at this hop",
    "- no trace context injected: the caller sent only a sampling decision (deny), without \
     trace and span ids: it decided not to trace this request, so there is no trace to continue",
    "  fix: if the caller meant to trace this request, call baton::inject_context(&mut headers) \
     on the outgoing request, inside the span",
];

#[test]
fn a_deny_without_ids_is_a_decision_not_a_header_that_does_not_parse() {
    let out = explain_b3("b3: 0\n---\nb3: 0\n");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with(
        "sent:     no trace context, only a sampling decision: deny\n\
         received: no trace context, only a sampling decision: deny, read with \
         OTEL_PROPAGATORS=b3\n"
    ));
    assert_eq!(verdict(&out), DENY_ONLY);
    // The multi-header form of the same decision says the same.
    let multi = baton(
        &["explain", "--receiver-propagators", "b3multi"],
        "x-b3-sampled: 0\n---\nx-b3-sampled: 0\n",
    );
    assert_eq!(verdict(&multi), DENY_ONLY);
}

#[test]
fn ids_lost_on_the_way_leaving_a_decision_are_named() {
    let out = explain_b3("b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0\n---\nb3: 0\n");
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace breaks at this hop",
            "- the ids were lost on the way: the receiver got only a sampling decision (deny) \
             in b3",
            "  fix: compare the two blocks with `baton decode`",
        ]
    );
}

const IDS: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1";

#[test]
fn a_deferred_decision_is_no_flipped_flag() {
    let out = explain_b3(&format!("b3: {IDS}\n---\nb3: {IDS}-1\n"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "sent:     trace 80f198ee56343ba864fe8b2a57d3eff7 span e457b5a2e4d86bd1 no decision \
         (deferred) (as b3)\n\
         received: trace 80f198ee56343ba864fe8b2a57d3eff7 span e457b5a2e4d86bd1 sampled (as b3), \
         read with OTEL_PROPAGATORS=b3\n\
         verdict:  the trace continues intact\n"
    );
}

#[test]
fn a_decision_lost_on_the_way_is_no_flipped_flag_either() {
    let out = explain_b3(&format!("b3: {IDS}-1\n---\nb3: {IDS}\n"));
    assert_eq!(out.code, 1);
    assert_eq!(
        verdict(&out),
        [
            "verdict:  the trace continues, but loses something on the way",
            "- the sampling decision was lost on the way: the caller sent sampled=1, the \
             receiver reads no decision (deferred) and samples on its own",
            "  fix: find what rewrites the header between the two (a proxy, a sampler in \
             between)",
        ]
    );
}

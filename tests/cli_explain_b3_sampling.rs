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

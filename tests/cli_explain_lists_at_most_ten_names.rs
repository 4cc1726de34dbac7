//! `explain` names at most ten headers or baggage members in a finding
//! and counts the rest, as `decode` and `convert` name skipped variables:
//! each finding is one line a person reads. Found: 100,000 `uberctx-*`
//! headers the receiver does not read gave one line of 100,000 names.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn explain(sent: &[String], received: &[String]) -> String {
    let input = format!("{}\n---\n{}\n", sent.join("\n"), received.join("\n"));
    let out = baton(&["explain"], &input);
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.stdout
}

fn uberctx(n: usize) -> Vec<String> {
    std::iter::once(TP.to_owned())
        .chain((0..n).map(|i| format!("uberctx-k{i:02}: v")))
        .collect()
}

#[test]
fn dropped_members_are_named_up_to_ten() {
    let out = explain(&uberctx(30), &uberctx(30));
    assert!(
        out.contains(
            "- baggage members dropped: k00, k01, k02, k03, k04, k05, k06, k07, k08, k09 and 20 \
             more (30 of 30): they arrived as uberctx-* headers"
        ),
        "{out}"
    );
    // Ten are named whole.
    let out = explain(&uberctx(10), &uberctx(10));
    assert!(
        out.contains("dropped: k00, k01, k02, k03, k04, k05, k06, k07, k08, k09 (10 of 10)"),
        "{out}"
    );
}

#[test]
fn headers_gone_are_named_up_to_ten() {
    let out = explain(&uberctx(12), &[TP.to_owned()]);
    assert!(
        out.contains(
            "headers that disappeared on the way: uberctx-k00, uberctx-k01, uberctx-k02, \
             uberctx-k03, uberctx-k04, uberctx-k05, uberctx-k06, uberctx-k07, uberctx-k08, \
             uberctx-k09 and 2 more."
        ),
        "{out}"
    );
    assert!(out.contains("let uberctx-k00,"), "{out}");
    assert!(
        out.contains("uberctx-k09 and 2 more through that hop"),
        "{out}"
    );
}

//! `explain` gives the reason a loss really had. Found, each with the loss
//! itself right: a baggage member whose `uberctx-*` header disappeared on
//! the way was "dropped by an invalid member"; so were `uberctx-*` members
//! past the limit of 64 (only `baggage` lines were counted); and a
//! tracestate that arrived with an invalid member added was "cut on the
//! way: 2 members arrived", of 1 sent.

mod common;

use common::cli::baton;

const UBER: &str = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1";
const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn finding(receiver: &str, sent: &str, received: &str, about: &str) -> String {
    let out = baton(
        &["explain", "--receiver-propagators", receiver],
        &format!("{sent}---\n{received}"),
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    out.stdout
        .lines()
        .find(|l| l.starts_with(about))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .to_owned()
}

#[test]
fn an_uberctx_header_gone_on_the_way_is_named() {
    let line = finding(
        "jaeger",
        &format!("{UBER}\nuberctx-k: v\nuberctx-kept: w\n"),
        &format!("{UBER}\nuberctx-kept: w\n"),
        "- baggage members dropped",
    );
    assert_eq!(
        line,
        "- baggage members dropped: k (1 of 2): the uberctx-k header(s) disappeared on the way"
    );
}

#[test]
fn uberctx_members_past_the_limit_are_counted_with_baggage_members() {
    let mut block = format!("{UBER}\nbaggage: b=1\n");
    for i in 0..69 {
        block.push_str(&format!("uberctx-k{i}: v\n"));
    }
    let line = finding(
        "jaeger,baggage",
        &block,
        &block,
        "- baggage members dropped",
    );
    assert!(
        line.contains("(6 of 70): dropped by the W3C limit of 64 members (70 sent)"),
        "{line}"
    );
}

#[test]
fn a_tracestate_changed_on_the_way_is_not_called_cut() {
    let line = finding(
        "tracecontext",
        &format!("{TP}\ntracestate: a=1\n"),
        &format!("{TP}\ntracestate: a=1,@@\n"),
        "- tracestate",
    );
    assert!(
        line.contains(
            "the header was changed on the way, and the receiver dropped it: tracestate key"
        ),
        "{line}"
    );
    // Fewer members than sent is a cut, as before.
    let line = finding(
        "tracecontext",
        &format!("{TP}\ntracestate: a=1,b=2,c=3\n"),
        &format!("{TP}\ntracestate: a=1,b=2\n"),
        "- tracestate",
    );
    assert!(
        line.ends_with("the receiver keeps 2: the header was cut on the way: 2 members arrived"),
        "{line}"
    );
}

//! `baton explain` reports what arrives changed, not only what is missing:
//! a baggage value rewritten or its properties dropped, a tracestate
//! rewritten under the same parent span, and a B3 or Jaeger debug flag set
//! on the way. Found: each was "the trace continues intact" (exit 0), as
//! explain counted baggage keys and tracestate members and compared the
//! debug flag one way only, though a `random` flag set on the way was
//! already reported.

mod common;

use common::cli::baton;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";
const OTHER_SPAN: &str = "e457b5a2e4d86bd1";

fn tp(span: &str) -> String {
    format!("traceparent: 00-{TRACE}-{span}-01")
}

fn explain(sent: &[String], received: &[String], options: &[&str]) -> (i32, Vec<String>) {
    let input = format!("{}\n---\n{}\n", sent.join("\n"), received.join("\n"));
    let args: Vec<&str> = std::iter::once("explain")
        .chain(options.iter().copied())
        .collect();
    let out = baton(&args, &input);
    (out.code, out.stdout.lines().map(str::to_owned).collect())
}

fn loses(code: i32, lines: &[String], finding: &str) {
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(
        lines[2],
        "verdict:  the trace continues, but loses something on the way"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(finding)),
        "no line starting {finding:?}: {lines:#?}"
    );
}

#[test]
fn a_baggage_value_rewritten_on_the_way_is_reported() {
    let (code, lines) = explain(
        &[tp(SPAN), "baggage: user=alice,plan=pro".into()],
        &[tp(SPAN), "baggage: user=mallory,plan=pro".into()],
        &[],
    );
    loses(
        code,
        &lines,
        "- baggage values changed on the way: user: \"alice\" became \"mallory\" (1 of 2)",
    );
}

#[test]
fn baggage_properties_dropped_on_the_way_are_reported() {
    let (code, lines) = explain(
        &[tp(SPAN), "baggage: user=alice;ttl=60".into()],
        &[tp(SPAN), "baggage: user=alice".into()],
        &[],
    );
    loses(
        code,
        &lines,
        "- baggage values changed on the way: user: the properties ;ttl=60 were dropped (1 of 1)",
    );
}

#[test]
fn a_tracestate_rewritten_under_the_same_parent_is_reported() {
    let (code, lines) = explain(
        &[tp(SPAN), "tracestate: congo=t61rcWkgMzE,rojo=1".into()],
        &[tp(SPAN), "tracestate: congo=forged,rojo=1".into()],
        &[],
    );
    loses(
        code,
        &lines,
        "- tracestate changed on the way: the caller sent congo=t61rcWkgMzE,rojo=1, the receiver \
         reads congo=forged,rojo=1",
    );
}

#[test]
fn a_tracestate_updated_by_a_span_in_between_is_no_change() {
    // An intermediary that records a span of its own may update its entry
    // (W3C Trace Context: "Mutating the tracestate Field").
    let (code, lines) = explain(
        &[tp(SPAN), "tracestate: rojo=1".into()],
        &[tp(OTHER_SPAN), "tracestate: congo=2,rojo=1".into()],
        &[],
    );
    assert_eq!(code, 0, "{lines:#?}");
}

#[test]
fn a_debug_flag_set_on_the_way_is_reported() {
    let b3 = |s: &str| format!("b3: {TRACE}-{SPAN}-{s}");
    let (code, lines) = explain(&[b3("1")], &[b3("d")], &["--receiver-propagators", "b3"]);
    loses(code, &lines, "- the debug flag was set on the way: ");

    let jaeger = |flags: &str| format!("uber-trace-id: {TRACE}:{SPAN}:0:{flags}");
    let (code, lines) = explain(
        &[jaeger("01")],
        &[jaeger("03")],
        &["--receiver-propagators", "jaeger"],
    );
    loses(code, &lines, "- the debug flag was set on the way: ");
}

#[test]
fn what_arrives_as_sent_is_intact() {
    let sent = [
        tp(SPAN),
        "tracestate: congo=t61rcWkgMzE".into(),
        "baggage: user=alice;ttl=60,plan=pro".into(),
    ];
    let (code, lines) = explain(&sent, &sent, &[]);
    assert_eq!(code, 0, "{lines:#?}");
    // The caller's formats disagree (the receiver reads `baggage`, the
    // sent block is read with every format, Jaeger's first): nothing
    // changed on the way.
    let disagreeing = [tp(SPAN), "baggage: k=v".into(), "uberctx-k: w".into()];
    let (code, lines) = explain(&disagreeing, &disagreeing, &[]);
    assert_eq!(code, 0, "{lines:#?}");
    let debug = [format!("b3: {TRACE}-{SPAN}-d")];
    let (code, lines) = explain(&debug, &debug, &["--receiver-propagators", "b3"]);
    assert_eq!(code, 0, "{lines:#?}");
}

//! `explain` says when a field the receiver reads once (`b3`, `x-b3-*`,
//! `uber-trace-id`) arrived with other values too: the receiver uses the
//! first, so the context it continues may not be the one meant. Found: a
//! second `X-B3-Sampled: 0` added on the way left "the trace continues
//! intact", exit 0.

mod common;

use common::cli::baton;

const TRACE: &str = "X-B3-TraceId: 4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "X-B3-SpanId: 00f067aa0ba902b7";
const UBER: &str = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1";
const OTHER_UBER: &str = "uber-trace-id: 4bf92f3577b34da6a3ce929d0e0e4736:0000000000000abc:0:1";

fn explain(receiver: &str, sent: &[&str], received: &[&str]) -> (i32, String) {
    let input = format!("{}\n---\n{}\n", sent.join("\n"), received.join("\n"));
    let out = baton(&["explain", "--receiver-propagators", receiver], &input);
    (out.code, out.stdout)
}

#[test]
fn a_value_added_on_the_way_is_a_finding() {
    let sent = [TRACE, SPAN, "X-B3-Sampled: 1"];
    let (code, out) = explain(
        "b3multi",
        &sent,
        &[TRACE, SPAN, "X-B3-Sampled: 1", "X-B3-Sampled: 0"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "- x-b3-sampled arrived with 1 more value(s) that differ from the first; the \
             receiver uses the first and ignores the others\n  fix: find what adds a second \
             x-b3-sampled between the two"
        ),
        "{out}"
    );
    // The same value twice is no finding.
    let (code, out) = explain(
        "b3multi",
        &sent,
        &[TRACE, SPAN, "X-B3-Sampled: 1", "X-B3-Sampled: 1"],
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn values_the_caller_sent_twice_are_blamed_on_the_caller() {
    let (code, out) = explain("jaeger", &[UBER, OTHER_UBER], &[UBER, OTHER_UBER]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "- uber-trace-id arrived with 1 more value(s) that differ from the first; the \
             receiver uses the first and ignores the others\n  fix: the caller sends it more \
             than once"
        ),
        "{out}"
    );
}

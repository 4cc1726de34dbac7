//! `explain` calls no hop intact when a trace header arrived corrupted
//! beside one that still carries the context. Found: sent traceparent and
//! a valid b3, received the same traceparent and `b3: ...-XXXX`, with
//! `--receiver-propagators tracecontext,b3`: "the trace continues intact",
//! exit 0, the received block listed "as tracecontext, b3", and the b3
//! parse report, captured, never quoted.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const B3: &str = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1";
const BROKEN_B3: &str = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-XXXX";

fn explain(sent: &[&str], received: &[&str]) -> (i32, String) {
    let input = format!("{}\n---\n{}\n", sent.join("\n"), received.join("\n"));
    let out = baton(
        &["explain", "--receiver-propagators", "tracecontext,b3"],
        &input,
    );
    (out.code, out.stdout)
}

#[test]
fn a_header_corrupted_on_the_way_is_quoted_and_fails_the_hop() {
    let (code, out) = explain(&[TP, B3], &[TP, BROKEN_B3]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("intact"), "{out}");
    assert!(
        out.contains("sampled (as tracecontext), read with"),
        "the invalid b3 is no format the context arrived as: {out}"
    );
    assert!(
        out.contains(
            "- the b3 header arrived corrupted: the caller sent it valid: B3 SpanId at byte 33 \
             is not a lowercase hex digit"
        ),
        "{out}"
    );
}

#[test]
fn a_header_invalid_as_sent_fails_the_hop_too() {
    let (code, out) = explain(&[TP, BROKEN_B3], &[TP, BROKEN_B3]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("- the b3 header arrived invalid: B3 SpanId at byte 33"),
        "{out}"
    );
    // The same hop with both headers valid is intact.
    let (code, out) = explain(&[TP, B3], &[TP, B3]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("verdict:  the trace continues intact"),
        "{out}"
    );
}

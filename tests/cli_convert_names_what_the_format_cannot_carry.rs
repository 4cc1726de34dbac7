//! `baton convert` names on stderr, one line each, what the target format
//! cannot carry, and still writes the closest headers (exit 0). Found: a
//! tracestate, the W3C random flag, a B3 parent span id, a B3 debug flag,
//! baggage properties (in Jaeger) and a deferred B3 decision (which Jaeger
//! and W3C turn into "not sampled") vanished without a word.

mod common;

use common::cli::{baton, Output};

/// Runs `baton convert --to FORMAT LINES`: exit code, stdout, stderr.
fn convert(format: &str, lines: &[&str]) -> Output {
    let args: Vec<&str> = ["convert", "--to", format]
        .into_iter()
        .chain(lines.iter().copied())
        .collect();
    baton(&args, "")
}

const W3C: [&str; 3] = [
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
    "tracestate: v=1",
    "baggage: k=v;p=1, session.id=s1",
];

#[test]
fn w3c_into_b3_and_jaeger_names_the_tracestate_and_the_random_flag() {
    let Output {
        code,
        stdout,
        stderr,
    } = convert("b3", &W3C);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1\n\
         baggage: k=v;p=1,session.id=s1\n"
    );
    assert_eq!(
        stderr,
        "baton: convert --to b3: the W3C random flag (the trace id is random) is dropped\n\
         baton: convert --to b3: tracestate dropped: v=1\n"
    );
    let Output { code, stderr, .. } = convert("jaeger", &W3C);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "baton: convert --to jaeger: the W3C random flag (the trace id is random) is dropped\n\
         baton: convert --to jaeger: tracestate dropped: v=1\n\
         baton: convert --to jaeger: baggage member k loses its properties ;p=1\n"
    );
}

#[test]
fn b3_into_w3c_and_jaeger_names_the_parent_debug_and_deferred_decision() {
    let debug = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d-05e3ac9a4f6e3b90";
    let Output {
        code,
        stdout,
        stderr,
    } = convert("tracecontext", &[debug]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n"
    );
    assert_eq!(
        stderr,
        "baton: convert --to tracecontext: the debug flag is dropped (the span stays sampled)\n\
         baton: convert --to tracecontext: parent span id 05e3ac9a4f6e3b90 dropped\n"
    );
    let deferred = "b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";
    let Output { code, stderr, .. } = convert("jaeger", &[deferred]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "baton: convert --to jaeger: no sampling decision (deferred) becomes not sampled: \
         the format cannot defer it\n"
    );
}

#[test]
fn what_the_format_carries_whole_converts_silently() {
    for (format, lines) in [
        ("tracecontext", &W3C[..]),
        (
            "b3multi",
            &["b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d"][..],
        ),
        (
            "b3",
            &["b3: 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"][..],
        ),
    ] {
        let Output {
            code,
            stdout,
            stderr,
        } = convert(format, lines);
        assert_eq!((code, stderr.as_str()), (0, ""), "{format}: {stdout}");
    }
}

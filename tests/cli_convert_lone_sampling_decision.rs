//! `baton convert` carries a B3 sampling decision that came without ids
//! (`b3: 0`, `b3: 1`, `b3: d`, `X-B3-Sampled: 0`, `X-B3-Flags: 1` alone)
//! between the two B3 encodings, as B3 inject writes it, and says on
//! stderr that W3C and Jaeger lose it (they carry a decision only with
//! ids); with nothing else to write that is a failure, never an empty
//! success. Found: convert refused every lone decision with "no trace and
//! span ids", though the library keeps and injects it
//! (`Context::remote_decision`).

mod common;

use common::cli::{baton, Output};

fn convert(format: &str, lines: &[&str]) -> Output {
    let args: Vec<&str> = ["convert", "--to", format]
        .into_iter()
        .chain(lines.iter().copied())
        .collect();
    baton(&args, "")
}

#[test]
fn a_lone_decision_converts_between_the_b3_encodings() {
    // (input, as b3, as b3multi)
    let cases = [
        ("b3: 0", "b3: 0\n", "x-b3-sampled: 0\n"),
        ("b3: 1", "b3: 1\n", "x-b3-sampled: 1\n"),
        ("b3: d", "b3: d\n", "x-b3-flags: 1\n"),
        ("X-B3-Sampled: 0", "b3: 0\n", "x-b3-sampled: 0\n"),
        ("X-B3-Flags: 1", "b3: d\n", "x-b3-flags: 1\n"),
    ];
    for (input, single, multi) in cases {
        for (format, expected) in [("b3", single), ("b3multi", multi)] {
            let out = convert(format, &[input]);
            assert_eq!(
                (out.code, out.stdout.as_str(), out.stderr.as_str()),
                (0, expected, ""),
                "{input} --to {format}"
            );
        }
    }
}

#[test]
fn w3c_and_jaeger_lose_a_lone_decision_and_say_so() {
    for format in ["tracecontext", "jaeger"] {
        let out = convert(format, &["b3: d"]);
        assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{format}");
        assert_eq!(
            out.stderr,
            format!(
                "baton: convert --to {format}: the sampling decision, debug (accept), sent \
                 without trace and span ids, is lost: {format} carries a decision only with \
                 ids (B3 carries one alone)\n\
                 baton: convert --to {format}: nothing to write\n"
            )
        );
    }
    // With baggage to write, the loss is named and the rest written.
    let out = convert("tracecontext", &["X-B3-Sampled: 0", "baggage: k=v"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "baggage: k=v\n"));
    assert!(
        out.stderr
            .contains("the sampling decision, deny, sent without trace and span ids, is lost"),
        "{}",
        out.stderr
    );
}

#[test]
fn nothing_to_convert_is_still_refused() {
    let out = convert("b3", &["X-B3-Flags: 0"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "baton: no trace and span ids in the input to convert, and no sampling decision\n"
    );
}

//! `baton decode` names a B3 sampling decision sent without ids (`b3: 0`,
//! `b3: d`, `X-B3-Sampled` or `X-B3-Flags: 1` alone) beside a parent that
//! decides otherwise: extraction ignores the decision and reports it
//! (`Problem::DecisionBesideParent`), so it is lines that disagree, and
//! `convert` refuses it as `decode` does. Found: `decode` printed both
//! lines and exited 0; `convert` wrote the parent's decision, exited 0,
//! and only the library's fallback diagnostic on stderr hinted at the loss.

mod common;

use common::cli::baton;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

fn tp(flags: &str) -> String {
    format!("traceparent: 00-{TRACE}-{SPAN}-{flags}")
}

fn b3(sampling: &str) -> String {
    format!("b3: {TRACE}-{SPAN}{sampling}")
}

#[test]
fn decode_names_the_line_whose_decision_the_parent_overrides() {
    let cases = [
        (
            vec![tp("01"), "b3: 0".to_owned()],
            "lines 1 and 2 disagree: b3 carries the decision not sampled without ids beside \
             traceparent's parent (sampled); kept the parent's",
        ),
        // Whatever the order of the lines: the parent decides.
        (
            vec!["b3: 0".to_owned(), tp("01")],
            "lines 1 and 2 disagree: b3 carries the decision not sampled without ids beside \
             traceparent's parent (sampled); kept the parent's",
        ),
        // The line is named by its own header, not by the format that read it.
        (
            vec![tp("00"), "X-B3-Sampled: 1".to_owned()],
            "lines 1 and 2 disagree: x-b3-sampled carries the decision sampled without ids \
             beside traceparent's parent (not sampled); kept the parent's",
        ),
        // Debug the parent does not carry is lost too.
        (
            vec![tp("01"), "x-b3-flags: 1".to_owned()],
            "lines 1 and 2 disagree: x-b3-flags carries the decision debug without ids beside \
             traceparent's parent (sampled); kept the parent's",
        ),
        (
            vec![
                format!("uber-trace-id: {TRACE}:{SPAN}:0:1"),
                "baggage: k=v".to_owned(),
                "b3: d".to_owned(),
            ],
            "lines 1 and 3 disagree: b3 carries the decision debug without ids beside \
             uber-trace-id's parent (sampled); kept the parent's",
        ),
        // B3's own encodings: a lone X-B3 decision beside a `b3` with ids.
        (
            vec![b3("-1"), "x-b3-sampled: 0".to_owned()],
            "lines 1 and 2 disagree: x-b3-sampled carries the decision not sampled without \
             ids beside b3's parent (sampled); kept the parent's",
        ),
        (
            vec![b3(""), "x-b3-sampled: 1".to_owned()],
            "lines 1 and 2 disagree: x-b3-sampled carries the decision sampled without ids \
             beside b3's parent (no decision); kept the parent's",
        ),
    ];
    for (lines, said) in cases {
        let input = lines.join("\n") + "\n";
        let out = baton(&["decode"], &input);
        assert_eq!(out.code, 1, "{input}{}", out.stdout);
        assert_eq!(
            out.stdout
                .lines()
                .filter(|l| l.contains("disagree"))
                .collect::<Vec<_>>(),
            [said],
            "{input}{}",
            out.stdout
        );
    }
}

#[test]
fn a_decision_the_parent_carries_loses_nothing() {
    for lines in [
        [tp("01"), "b3: 1".to_owned()],
        [tp("00"), "x-b3-sampled: 0".to_owned()],
        [b3("-d"), "x-b3-flags: 1".to_owned()],
    ] {
        let input = lines.join("\n") + "\n";
        let out = baton(&["decode"], &input);
        assert_eq!(out.code, 0, "{input}{}", out.stdout);
        assert!(!out.stdout.contains("disagree"), "{}", out.stdout);
    }
}

#[test]
fn convert_refuses_a_decision_it_would_drop() {
    let out = baton(
        &["convert", "--to", "b3"],
        &format!("{}\nb3: 0\n", tp("01")),
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "lines 1 and 2 disagree: b3 carries the decision not sampled without ids beside \
         traceparent's parent (sampled); kept the parent's\n"
    );
}

/// Two decisions without ids and no parent: B3's two encodings disagree,
/// and extraction keeps one (`Problem::DecisionConflict`). Found: `b3: 1`
/// beside `X-B3-Sampled: 0` decoded with exit 0, and `convert` wrote the
/// accept.
#[test]
fn two_lone_decisions_that_disagree_are_named() {
    for (input, said) in [
        (
            "b3: 1\nX-B3-Sampled: 0\n",
            "lines 1 and 2 disagree: x-b3-sampled carries the decision not sampled but b3 \
             carries sampled; kept b3's",
        ),
        (
            "x-b3-sampled: 1\nb3: 0\n",
            "lines 1 and 2 disagree: x-b3-sampled carries the decision sampled but b3 carries \
             not sampled; kept b3's",
        ),
    ] {
        let out = baton(&["decode"], input);
        assert_eq!(out.code, 1, "{input}{}", out.stdout);
        assert_eq!(
            out.stdout.lines().last(),
            Some(said),
            "{input}{}",
            out.stdout
        );
        let out = baton(&["convert", "--to", "b3"], input);
        assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{input}");
        assert_eq!(out.stderr, format!("{said}\n"), "{input}");
    }
}

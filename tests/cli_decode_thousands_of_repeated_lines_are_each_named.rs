//! `decode` reads thousands of repeated header lines and names each as it
//! names two: every disagreement once, in line order. Found: each line
//! looked through all the lines for the `X-B3-TraceId` line, and each
//! disagreement through those named before it, so the work grew with the
//! square of the lines: 16,000 `b3` lines of one trace took 3 s (0.7 s
//! now).

mod common;

use common::cli::baton;

const A: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const N: usize = 2000;

fn decode(lines: &[String]) -> common::cli::Output {
    baton(&["decode"], &(lines.join("\n") + "\n"))
}

#[test]
fn each_b3_line_of_another_parent_is_named_once() {
    let parent = |i: usize| format!("{i:016x}");
    let lines: Vec<String> = (1..=N)
        .map(|i| format!("b3: {A}-{}-1", parent(i)))
        .collect();
    let out = decode(&lines);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let named: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("disagree"))
        .collect();
    // Each also repeats the `b3` header with another value: the pair is
    // named once, for the parent.
    let expected: Vec<String> = (2..=N)
        .map(|i| {
            format!(
                "lines 1 and {i} disagree: b3 carries parent span id {}, b3 carries {} of the \
                 same trace {A}; extraction keeps the first",
                parent(1),
                parent(i)
            )
        })
        .collect();
    assert_eq!(named, expected);
}

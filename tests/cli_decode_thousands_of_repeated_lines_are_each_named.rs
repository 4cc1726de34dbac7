//! `decode` reads thousands of repeated header lines and names each as it
//! names two: every disagreement once, in line order, and each repeated
//! `X-B3-*` line pointing at the first. Found: each line looked through
//! all the lines for the `X-B3-TraceId` line, each repeated `X-B3-*` line
//! through those before it for the first of its header, and each
//! disagreement through those named before it, so the work grew with the
//! square of the lines: 16,000 `b3` lines of one trace took 3 s (0.7 s
//! now), and 16,000 repeated `X-B3-Sampled` lines after 16,000 others
//! 11 s (0.5 s now).

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

#[test]
fn each_repeated_x_b3_line_after_thousands_of_others_points_at_the_first() {
    // The same parent on every line: nothing disagrees.
    let mut lines: Vec<String> = (0..N)
        .map(|_| format!("uber-trace-id: {A}:00f067aa0ba902b7:0:01"))
        .collect();
    lines.push(format!("X-B3-TraceId: {A}"));
    lines.push("X-B3-SpanId: 00f067aa0ba902b7".to_owned());
    let first_sampled = lines.len() + 1;
    lines.extend((0..N).map(|_| "X-B3-Sampled: 1".to_owned()));
    let out = decode(&lines);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let shown: Vec<&str> = out.stdout.lines().collect();
    let trace_id_line = shown
        .iter()
        .position(|l| l.starts_with("X-B3-TraceId:"))
        .unwrap();
    assert_eq!(
        shown[trace_id_line..trace_id_line + 9],
        [
            &format!("X-B3-TraceId: {A}"),
            &format!("  trace id   {A}"),
            "  span id    00f067aa0ba902b7",
            "  parent     none",
            "  sampling   accept",
            "X-B3-SpanId: 00f067aa0ba902b7",
            "  context    with the X-B3 lines above",
            "X-B3-Sampled: 1",
            "  context    with the X-B3 lines above",
        ]
    );
    let repeats: Vec<&str> = shown
        .iter()
        .copied()
        .filter(|l| l.starts_with("  repeated"))
        .collect();
    assert_eq!(
        repeats,
        vec![format!("  repeated   the same value as line {first_sampled}"); N - 1]
    );

    // Another value last: that line is the one named, against the first.
    lines.push("X-B3-Sampled: 0".to_owned());
    let out = decode(&lines);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let last = lines.len();
    assert!(
        out.stdout.ends_with(&format!(
            "X-B3-Sampled: 0\n  ignored    a repeated X-B3 header: extraction reads the first, \
             on line {first_sampled}\nlines {first_sampled} and {last} disagree: two \
             X-B3-Sampled lines, \"1\" and \"0\"; a request carries one, and extraction reads \
             the first and ignores the other\n"
        )),
        "{}",
        &out.stdout[out.stdout.len().saturating_sub(600)..]
    );
}

//! A span deeper than `MAX_SHOWN_DEPTH` is indented no further than one
//! that deep, and its line begins with its depth (`depth=40`), so a tree's
//! text grows with its number of spans, not with the square of its depth;
//! a span name that could read as that depth is quoted. Found: each line
//! was indented two spaces per level, so a chain 5000 deep printed
//! 25,105,039 bytes, and one 3000 deep (within `MAX_CONTEXT_DEPTH`) about
//! 9 MB, from one `export` call. Installs the global pipeline.

mod common;
#[path = "common/span_in_one_trace.rs"]
mod span_in_one_trace;

use span_in_one_trace::span;

use baton::export::{ConsoleExporter, SpanExporter, MAX_SHOWN_DEPTH};
use baton::SpanData;

fn template() -> SpanData {
    common::record(|| baton::in_span("t", || {})).remove(0)
}

/// A chain of `len` spans named `s`, ids 1 (the root) to `len`, each the
/// parent of the next.
fn chain(template: &SpanData, len: u64) -> Vec<SpanData> {
    (1..=len)
        .map(|id| span(template, "s", id, id.checked_sub(1)))
        .collect()
}

/// The exporter's text for `spans`, exported in one call.
fn print(spans: &[SpanData]) -> String {
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(spans).unwrap();
    String::from_utf8(console.into_inner()).unwrap()
}

/// The line of a span `depth` levels under its tree's top, as the rule
/// says: two spaces a level up to `MAX_SHOWN_DEPTH`, and past it that
/// deep's indentation and the depth.
fn line(depth: usize, rest: &str) -> String {
    let indent = "  ".repeat(depth.min(MAX_SHOWN_DEPTH) + 1);
    if depth > MAX_SHOWN_DEPTH {
        format!("{indent}depth={depth}  {rest}")
    } else {
        format!("{indent}{rest}")
    }
}

#[test]
fn a_span_at_the_shown_depth_is_indented_and_one_past_it_shows_its_depth() {
    let spans = chain(&template(), MAX_SHOWN_DEPTH as u64 + 2);
    let text = print(&spans);
    let lines: Vec<&str> = text.lines().collect();
    let at_cap = format!("{}s  internal  0.0µs", "  ".repeat(MAX_SHOWN_DEPTH + 1));
    assert_eq!(lines[MAX_SHOWN_DEPTH + 1], at_cap);
    assert_eq!(
        lines[MAX_SHOWN_DEPTH + 2],
        format!(
            "{}depth={}  s  internal  0.0µs",
            "  ".repeat(MAX_SHOWN_DEPTH + 1),
            MAX_SHOWN_DEPTH + 1
        )
    );
    assert_eq!(lines.len(), MAX_SHOWN_DEPTH + 3);
}

#[test]
fn a_deep_chain_prints_a_line_of_bounded_length_per_span() {
    const LEN: usize = 5000;
    let text = print(&chain(&template(), LEN as u64));
    let header = "trace 00000000000000000000000000000001\n".len();
    let rest = "s  internal  0.0µs\n".len();
    let lines: usize = (0..LEN)
        .map(|depth| match depth {
            d if d <= MAX_SHOWN_DEPTH => 2 * (d + 1) + rest,
            d => 2 * (MAX_SHOWN_DEPTH + 1) + "depth=".len() + d.to_string().len() + 2 + rest,
        })
        .sum();
    assert_eq!(text.len(), header + lines);
    // Linear: no line is longer than the one `MAX_SHOWN_DEPTH` levels deep
    // by more than the digits of the depth.
    let longest = text.lines().map(str::len).max().unwrap();
    assert_eq!(
        longest,
        line(LEN - 1, "s  internal  0.0µs").len(),
        "{longest}"
    );
}

#[test]
fn the_depth_shown_follows_a_chain_past_the_cap_and_siblings_back_under_it() {
    let template = template();
    let deep = MAX_SHOWN_DEPTH as u64 + 5;
    let mut spans = chain(&template, deep);
    // Started after the whole chain, so each prints after the deepest span:
    // a sibling of the deepest, one just past the cap, one at it, one
    // under it. The chain's span `id` is `id - 1` levels deep.
    spans.push(span(&template, "a", 1000, Some(deep - 1)));
    spans.push(span(&template, "b", 1001, Some(MAX_SHOWN_DEPTH as u64 + 1)));
    spans.push(span(&template, "c", 1002, Some(MAX_SHOWN_DEPTH as u64)));
    spans.push(span(&template, "d", 1003, Some(3)));
    let text = print(&spans);
    let tail: Vec<&str> = text.lines().skip(deep as usize - 1).collect();
    assert_eq!(
        tail,
        [
            line(deep as usize - 2, "s  internal  0.0µs"),
            line(deep as usize - 1, "s  internal  0.0µs"),
            line(deep as usize - 1, "a  internal  0.0µs"),
            line(MAX_SHOWN_DEPTH + 1, "b  internal  0.0µs"),
            line(MAX_SHOWN_DEPTH, "c  internal  0.0µs"),
            line(3, "d  internal  0.0µs"),
        ]
    );
    // The rule spelled out for the lines around the cap.
    let indent = "  ".repeat(MAX_SHOWN_DEPTH + 1);
    assert_eq!(
        tail[3],
        format!("{indent}depth={}  b  internal  0.0µs", MAX_SHOWN_DEPTH + 1)
    );
    assert_eq!(tail[4], format!("{indent}c  internal  0.0µs"));
    assert_eq!(tail[5], "        d  internal  0.0µs");
}

#[test]
fn a_span_name_that_could_read_as_a_depth_is_quoted() {
    let template = template();
    let mut spans = chain(&template, MAX_SHOWN_DEPTH as u64 + 1);
    let cap = MAX_SHOWN_DEPTH as u64;
    spans.push(span(&template, "depth=40", 100, Some(cap)));
    spans.push(span(&template, "depth=", 101, Some(cap)));
    spans.push(span(&template, "depth", 102, Some(cap)));
    spans.push(span(&template, "max depth=3", 103, Some(cap)));
    spans.push(span(&template, "depth=7", 104, Some(1)));
    let text = print(&spans);
    let tail: Vec<&str> = text.lines().skip(MAX_SHOWN_DEPTH + 2).collect();
    assert_eq!(
        tail,
        [
            // At the cap, unquoted, the first would read as a span named
            // `internal` 40 levels deep.
            line(MAX_SHOWN_DEPTH, "\"depth=40\"  internal  0.0µs"),
            line(MAX_SHOWN_DEPTH, "\"depth=\"  internal  0.0µs"),
            line(MAX_SHOWN_DEPTH, "depth  internal  0.0µs"),
            line(MAX_SHOWN_DEPTH, "max depth=3  internal  0.0µs"),
            line(1, "\"depth=7\"  internal  0.0µs"),
        ]
    );
}

//! `baton decode` names the tracestate limit that several `tracestate`
//! lines pass only together, and `convert` refuses them, as both do for
//! baggage. Found: two lines of 20 members each decoded as valid (exit 0),
//! though extraction combines the lines and drops the whole tracestate
//! past 32 members; `convert --to tracecontext` then wrote the
//! `traceparent` without any tracestate and exited 0.

mod common;

use common::cli::baton;

const TP: &str = "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/// A `tracestate` line of `n` members whose keys start with `prefix`.
fn tracestate(prefix: char, n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("{prefix}{i}=1")).collect();
    format!("tracestate: {}", members.join(","))
}

fn run(lead: &[&str], lines: &[String]) -> common::cli::Output {
    let args: Vec<&str> = lead
        .iter()
        .copied()
        .chain(lines.iter().map(String::as_str))
        .collect();
    baton(&args, "")
}

#[test]
fn two_lines_of_32_members_together_are_valid() {
    let lines = [TP.to_owned(), tracestate('a', 16), tracestate('b', 16)];
    let decoded = run(&["decode"], &lines);
    assert_eq!(decoded.code, 0, "{}", decoded.stdout);
    let converted = run(&["convert", "--to", "tracecontext"], &lines);
    assert_eq!(converted.code, 0, "{}", converted.stderr);
    assert!(converted.stdout.contains("a0=1,"), "{}", converted.stdout);
    assert!(converted.stdout.contains(",b15=1"), "{}", converted.stdout);
}

#[test]
fn two_lines_past_32_members_together_are_refused() {
    let lines = [TP.to_owned(), tracestate('a', 20), tracestate('b', 20)];
    let decoded = run(&["decode"], &lines);
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert!(
        decoded
            .stdout
            .contains("together, the lines pass a limit: tracestate"),
        "{}",
        decoded.stdout
    );
    assert!(
        decoded.stdout.contains("more than 32 members"),
        "{}",
        decoded.stdout
    );
    // convert refuses what decode refuses, rather than drop the tracestate.
    let refused = run(&["convert", "--to", "tracecontext"], &lines);
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("more than 32 members"),
        "{}",
        refused.stderr
    );
}

#[test]
fn one_line_past_the_limit_is_that_line_s_error_only() {
    let lines = [TP.to_owned(), tracestate('a', 33)];
    let decoded = run(&["decode"], &lines);
    assert_eq!(decoded.code, 1, "{}", decoded.stdout);
    assert!(
        !decoded.stdout.contains("together"),
        "a line invalid alone is no limit passed together: {}",
        decoded.stdout
    );
}

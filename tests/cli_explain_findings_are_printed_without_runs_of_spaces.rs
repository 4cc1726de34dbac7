//! `baton explain` prints each finding and its fix as written sentences.
//! Found: the finding for baggage sent without a trace header, and its fix,
//! held runs of 18 and 22 spaces in mid-sentence ("so                  it
//! injected"), string literals broken over lines without a `\`.

mod common;

use common::cli::baton;

#[test]
fn baggage_without_a_trace_header_reads_as_sentences() {
    let out = baton(
        &["explain"],
        "baggage: session.id=s-1\n---\nbaggage: session.id=s-1\n",
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let findings: Vec<&str> = out.stdout.lines().skip(3).collect();
    assert_eq!(
        findings,
        [
            "- no trace context injected: the caller sent baggage but no trace header, so it \
             injected a context without a span (a baton span started before baton::init, with \
             no pipeline, has no ids to send)",
            "  fix: install the caller's pipeline before its spans start \
             (baton::init(baton::Config::from_env()?)), and inject inside the span",
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn no_line_of_any_finding_holds_a_run_of_spaces() {
    let tp = "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    for input in [
        "baggage: k=v\n---\nbaggage: k=v\n".to_owned(),
        "content-type: text/plain\n---\ncontent-type: text/plain\n".to_owned(),
        format!("{tp}\n---\n"),
        format!("b3: 0\n---\n{tp}\n"),
        format!("{tp}\nbaggage: k=v\n---\n{tp}\nbaggage: k=w\n"),
    ] {
        let out = baton(&["explain"], &input);
        for line in out.stdout.lines().filter(|l| l.starts_with(['-', ' '])) {
            assert!(!line.trim_start().contains("  "), "{input}: {line:?}");
        }
    }
}

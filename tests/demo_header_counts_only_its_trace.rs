//! `baton demo --propagator none` (or any list that breaks a hop) prints
//! each trace under a header of its own, each header counting only its own
//! spans. Found: one header, `trace <client's>: 15 spans in 4 services`,
//! over the spans of five traces, though 13 of them had left that trace.

mod common;

use common::cli::baton_env;

/// The trace headers of `stdout` with the span count each claims and the
/// span lines under it.
fn trees(stdout: &str) -> Vec<(String, usize, usize)> {
    let mut trees: Vec<(String, usize, usize)> = Vec::new();
    for line in stdout.lines() {
        if let Some(header) = line.strip_prefix("trace ") {
            let (id, rest) = header.split_once(": ").unwrap();
            let claimed = rest.split(' ').next().unwrap().parse().unwrap();
            trees.push((id.to_owned(), claimed, 0));
        } else {
            trees.last_mut().unwrap().2 += 1;
        }
    }
    trees
}

#[test]
fn each_trace_has_a_header_counting_its_own_spans() {
    let out = baton_env(
        &["demo", "--propagator", "none"],
        b"",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", None),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", None),
            ("OTEL_SERVICE_NAME", None),
        ],
    );
    let (stdout, stderr) = (out.stdout, out.stderr);
    assert_eq!(out.code, 1, "{stdout}{stderr}");
    let trees = trees(&stdout);
    assert!(trees.len() > 1, "{stdout}");
    for (id, claimed, printed) in &trees {
        assert_eq!(claimed, printed, "trace {id}: {stdout}");
    }
    let left: usize = trees[1..].iter().map(|t| t.2).sum();
    assert_eq!(stderr, format!("baton demo: {left} spans left the trace\n"));
}

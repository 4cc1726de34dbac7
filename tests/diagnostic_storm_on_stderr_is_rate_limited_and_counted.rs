//! Without a diagnostic handler, a storm of bad input neither floods
//! stderr nor loses the count: each kind writes its first report, then at
//! most one line every `STDERR_INTERVAL_SECS`, and `diagnostic_count`
//! counts every report. Runs each storm in a child process, which has no
//! handler.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use baton::{diagnostic_count, DiagnosticKind, STDERR_INTERVAL_SECS};
use child_process::run_alone;

#[path = "common/child_process.rs"]
mod child_process;

/// Selects the storm the child runs.
const CASE: &str = "BATON_TEST_STORM";

/// Reports per storm.
const STORM: u64 = 100_000;

/// The child: runs the storm, and checks that every report was counted.
#[test]
#[ignore = "run in a child process by a_storm_writes_a_bounded_number_of_lines_and_counts_every_report"]
fn child_runs_a_storm() {
    let case = std::env::var(CASE).unwrap();
    let kind = match case.as_str() {
        "headers" => {
            let bad = HashMap::from([("traceparent".to_string(), "garbage".to_string())]);
            for _ in 0..STORM {
                assert!(baton::extract_context(&bad).span_context().is_none());
            }
            DiagnosticKind::InvalidHeader
        }
        "after-shutdown" => {
            let pipeline =
                baton::init(baton::Config::new().exporter(baton::InMemoryExporter::default()))
                    .unwrap();
            pipeline.shutdown(Duration::from_secs(5)).unwrap();
            for _ in 0..STORM {
                baton::in_span("late", || {});
            }
            assert_eq!(baton::export::dropped_spans(), STORM);
            DiagnosticKind::SpanDropped
        }
        other => panic!("no storm {other}"),
    };
    assert_eq!(diagnostic_count(kind), STORM, "{case}");
}

#[test]
fn a_storm_writes_a_bounded_number_of_lines_and_counts_every_report() {
    for (case, prefix) in [
        ("headers", "baton: invalid-header: "),
        ("after-shutdown", "baton: span-dropped: "),
    ] {
        let began = Instant::now();
        let stderr = run_alone(
            "child_runs_a_storm",
            &[(CASE, case), ("OTEL_TRACES_EXPORTER", "none")],
        );
        // The first report, then one per interval the child ran (the storm
        // ran within it), and one more: the limiter counts whole seconds of
        // the clock, so the first interval may end up to a second early.
        let allowed = 2 + began.elapsed().as_secs() / STDERR_INTERVAL_SECS;
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("baton: "))
            .collect();
        assert!(
            !lines.is_empty() && lines.len() as u64 <= allowed,
            "{case}: {} lines for {allowed} allowed: {stderr}",
            lines.len()
        );
        assert!(
            lines.iter().all(|l| l.starts_with(prefix)),
            "{case}: {stderr}"
        );
    }
}

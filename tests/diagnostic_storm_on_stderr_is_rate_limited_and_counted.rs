//! Without a diagnostic handler, a storm of bad input neither floods
//! stderr nor loses the count: each kind writes its first report, then at
//! most one line every `STDERR_INTERVAL_SECS`, and `diagnostic_count`
//! counts every report. Runs each storm in a child process, which has no
//! handler.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use baton::{diagnostic_count, DiagnosticKind, STDERR_INTERVAL_SECS};

/// Selects the storm the child runs.
const CASE: &str = "BATON_TEST_STORM";

/// Reports per storm.
const STORM: u64 = 100_000;

/// The child: runs the storm, then prints the count and how long it took.
#[test]
fn child_runs_a_storm() {
    let Ok(case) = std::env::var(CASE) else {
        return;
    };
    let began = Instant::now();
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
    println!(
        "storm: {} reports in {} s",
        diagnostic_count(kind),
        began.elapsed().as_secs()
    );
}

#[test]
fn a_storm_writes_a_bounded_number_of_lines_and_counts_every_report() {
    if std::env::var_os(CASE).is_some() {
        return;
    }
    for (case, prefix) in [
        ("headers", "baton: invalid-header: "),
        ("after-shutdown", "baton: span-dropped: "),
    ] {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_runs_a_storm", "--nocapture"])
            .env(CASE, case)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{case}: {stdout}\n{stderr}");
        let (count, secs) = stdout
            .lines()
            .find_map(|l| l.strip_prefix("storm: "))
            .and_then(|l| l.strip_suffix(" s"))
            .and_then(|l| l.split_once(" reports in "))
            .unwrap_or_else(|| panic!("{case}: {stdout}"));
        assert_eq!(count, STORM.to_string(), "{case}");
        // The first report, then one per interval the storm lasted, and
        // one more: the limiter counts whole seconds of the clock, so the
        // first interval may end up to a second early.
        let allowed = 2 + secs.parse::<u64>().unwrap() / STDERR_INTERVAL_SECS;
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

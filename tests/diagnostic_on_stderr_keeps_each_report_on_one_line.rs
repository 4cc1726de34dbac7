//! Without a diagnostic handler, each report is one stderr line: a message
//! that holds a line break (an exporter's own error text, say) is written
//! with it escaped. Found: the text after the break was a line of its own,
//! so `Failed("refused\nbaton: span-dropped: …")` forged a report of
//! another kind, and a log reader counting `baton:` lines miscounted. Runs
//! each case in a child process, which has no handler.

use std::process::Command;

use baton::export::{ExportError, SpanExporter};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Selects the case the child runs.
const CASE: &str = "BATON_TEST_STDERR_CASE";

/// Fails every export with an error whose text breaks the line.
struct Refusing;

impl SpanExporter for Refusing {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        Err(ExportError::Failed(
            "refused\nbaton: span-dropped: forged\r\n".into(),
        ))
    }
}

/// The child: a span whose export fails, reported as `export-failed`.
#[test]
fn child_exports_into_a_refusing_exporter() {
    if std::env::var_os(CASE).is_none() {
        return;
    }
    let _pipeline = baton::init(baton::Config::new().exporter(Refusing)).unwrap();
    baton::in_span("work", || {});
    assert_eq!(diagnostic_count(DiagnosticKind::ExportFailed), 1);
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), 0);
}

#[test]
fn a_message_with_line_breaks_is_one_stderr_line() {
    if std::env::var_os(CASE).is_some() {
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_exports_into_a_refusing_exporter"])
        .env(CASE, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            r"baton: export-failed: 1 of 1 span(s) lost: export failed: refused\nbaton: span-dropped: forged\r\n"
        ],
        "{stderr}"
    );
}

//! Without a diagnostic handler, each report is one stderr line: a message
//! that holds a line break (an exporter's own error text, say) is written
//! with it escaped. Found: the text after the break was a line of its own,
//! so `Failed("refused\nbaton: span-dropped: …")` forged a report of
//! another kind, and a log reader counting `baton:` lines miscounted. Runs
//! each case in a child process, which has no handler.

use baton::export::{ExportError, SpanExporter};
use baton::{diagnostic_count, DiagnosticKind, SpanData};
use child_process::run_alone;

#[path = "common/child_process.rs"]
mod child_process;

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
#[ignore = "run in a child process by a_message_with_line_breaks_is_one_stderr_line"]
fn child_exports_into_a_refusing_exporter() {
    let _pipeline = baton::init(baton::Config::new().exporter(Refusing)).unwrap();
    baton::in_span("work", || {});
    assert_eq!(diagnostic_count(DiagnosticKind::ExportFailed), 1);
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), 0);
}

#[test]
fn a_message_with_line_breaks_is_one_stderr_line() {
    let stderr = run_alone::<&str>("child_exports_into_a_refusing_exporter", &[]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            r"baton: export-failed: 1 of 1 span(s) lost: export failed: refused\nbaton: span-dropped: forged\r\n"
        ],
        "{stderr}"
    );
}

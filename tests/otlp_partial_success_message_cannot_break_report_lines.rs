//! A collector's `partial_success.error_message` is its own text: shown in
//! an error or a warning, its line breaks and control characters are
//! escaped, as a failure's `Status` message and a redirection's `Location`
//! already were, so one report stays one line and a collector cannot
//! write to the terminal or forge report lines. The message kept in
//! `ExportError::Rejected` stays as the collector sent it.
//!
//! Bug: the message went into `ExportError::Rejected`'s text and into the
//! `export-warning` report as it came, so a message holding `\n` or an
//! ANSI escape reached stderr as two lines, or as a terminal command.
//! Installs a diagnostic handler, so it has its own file.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use baton::DiagnosticKind;
use loopback_collector::{answering, ok_with_body};

/// The messages of the warnings reported so far.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Hostile text: a line break with a forged report after it, and a
/// terminal escape that clears the screen.
const MESSAGE: &str = "over quota\nbaton: export-warning: all fine\x1b[2J";

/// `ExportTraceServiceResponse { partial_success { rejected_spans,
/// error_message: MESSAGE } }`.
fn partial_success(rejected: u8) -> Vec<u8> {
    let mut inner = vec![0x08, rejected, 0x12, MESSAGE.len() as u8];
    inner.extend_from_slice(MESSAGE.as_bytes());
    let mut body = vec![0x0a, inner.len() as u8];
    body.extend(inner);
    body
}

/// Exports one span to a collector answering 200 with `body`.
fn export_against(body: Vec<u8>) -> Result<(), ExportError> {
    let answer = ok_with_body("application/x-protobuf", &body);
    let (base, _requests) = answering(1, move |_| answer.clone());
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .timeout(Duration::from_secs(10));
    OtlpExporter::new(config).export(&[batch_fixture::span()])
}

/// Whether `text` could break a line or drive a terminal.
fn has_controls(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[test]
fn a_collectors_message_is_escaped_in_errors_and_warnings() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();

    let result = export_against(partial_success(1));
    let Err(error @ ExportError::Rejected { message, .. }) = &result else {
        panic!("{result:?}")
    };
    assert_eq!(message, MESSAGE, "kept as the collector sent it");
    let shown = error.to_string();
    assert!(!has_controls(&shown), "{shown:?}");
    assert!(
        shown.ends_with(r"over quota\nbaton: export-warning: all fine\u{1b}[2J"),
        "{shown}"
    );

    WARNINGS.lock().unwrap().clear();
    assert_eq!(export_against(partial_success(0)), Ok(()));
    let warnings = WARNINGS.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!has_controls(&warnings[0]), "{warnings:?}");
    assert!(
        warnings[0]
            .ends_with(r"with a warning: over quota\nbaton: export-warning: all fine\u{1b}[2J"),
        "{warnings:?}"
    );
}

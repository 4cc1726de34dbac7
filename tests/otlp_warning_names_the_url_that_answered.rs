//! A 2xx answer's warning (a partial success that rejected nothing, or a
//! body that is not an OTLP response) names the URL that gave it: after a
//! followed 307 or 308, the redirection's target, not the configured
//! endpoint, which only redirected. Installs a diagnostic handler, so it has
//! its own file.
//!
//! Regression: the warning named the configured endpoint.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use baton::DiagnosticKind;
use loopback_collector::{answering, ok_with_body};

/// The messages of the warnings reported so far.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Exports one span to a collector that redirects (307) to another that
/// answers `answer`; returns the target's URL and the warnings reported.
fn warnings_after_redirect(answer: Vec<u8>) -> (String, Vec<String>) {
    let (to, _to_requests) = answering(1, move |_| answer.clone());
    let target = format!("{to}/v2/spans");
    let location = target.clone();
    let (from, _from_requests) = answering(1, move |_| {
        format!("HTTP/1.1 307 Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes()
    });
    let config = OtlpConfig::new(&format!("{from}/v1/traces"))
        .unwrap()
        .timeout(Duration::from_secs(10));
    WARNINGS.lock().unwrap().clear();
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    assert_eq!(result, Ok(()), "delivered");
    (target, WARNINGS.lock().unwrap().clone())
}

#[test]
fn a_warning_after_a_redirection_names_its_target() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();

    let partial = br#"{"partialSuccess":{"rejectedSpans":"0","errorMessage":"deprecated field"}}"#;
    let (target, warnings) = warnings_after_redirect(ok_with_body("application/json", partial));
    assert_eq!(
        warnings,
        [format!(
            "{target} accepted all 1 span(s) with a warning: deprecated field"
        )]
    );

    let (target, warnings) =
        warnings_after_redirect(ok_with_body("application/json", b"<html>OK</html>"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!("{target} answered 200 with a body that is not")),
        "{warnings:?}"
    );
}

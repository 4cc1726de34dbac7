//! A 2xx answer whose body the collector's connection ended before its
//! framing did (fewer bytes than its `Content-Length`, a chunked body
//! without its last chunk) counts as delivered, as the collector said, and
//! the warning says the body was cut short, so its partial success is
//! unknown. Installs a diagnostic handler, so it has its own file.
//!
//! Found: the warning said the collector answered "with a body that is not
//! an OTLP JSON response", blaming a collector whose connection was cut.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use baton::DiagnosticKind;
use loopback_collector::answering;

/// The messages of the warnings reported so far.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Exports one span to a collector that answers `answer` and closes the
/// connection; returns the collector's URL and the warnings reported.
fn warnings_after(answer: &str) -> (String, Vec<String>) {
    let bytes = answer.as_bytes().to_vec();
    let (url, _requests) = answering(1, move |_| bytes.clone());
    let url = format!("{url}/v1/traces");
    let config = OtlpConfig::new(&url)
        .unwrap()
        .timeout(Duration::from_secs(10));
    WARNINGS.lock().unwrap().clear();
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    assert_eq!(result, Ok(()), "delivered: {answer:?}");
    (url, WARNINGS.lock().unwrap().clone())
}

#[test]
fn a_body_cut_short_is_named_as_such() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();

    let json = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for answer in [
        format!("{json}Content-Length: 100\r\n\r\n{{\"partialSuccess\":{{\"rejectedSpans\""),
        format!("{json}Transfer-Encoding: chunked\r\n\r\n11\r\n{{\"partialSuccess\"\r\n"),
    ] {
        let (url, warnings) = warnings_after(&answer);
        assert_eq!(
            warnings,
            [format!(
                "{url} answered 200, but the connection ended before its body did: counted as \
                 delivered, but any partial success in the body is unknown"
            )],
            "{answer:?}"
        );
    }
    // A body without framing ends with the connection: nothing is cut.
    let (_, warnings) = warnings_after(&format!("{json}\r\n{{}}"));
    assert_eq!(warnings, Vec::<String>::new());
}

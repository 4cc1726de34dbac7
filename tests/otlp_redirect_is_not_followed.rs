//! A 3xx answer from the collector other than 307 and 308 (which are
//! followed: `tests/otlp_redirect_307_308_followed.rs`) fails the export
//! with `ExportError::Redirected`, naming the status and the `Location`,
//! and is not sent again: a 301, 302 or 303 would turn the `POST` into a
//! `GET` without the spans. The OTLP/HTTP spec leaves answers it does not
//! list to HTTP.
//!
//! Regression: the error said only "answered 307: " with the (empty) body,
//! not where the collector pointed.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{ExportError, OtlpConfig, OtlpExporter, SpanExporter};

/// What exporting one span answered by `answer` returns, and how many
/// requests were sent.
fn export(answer: &'static [u8]) -> (ExportError, usize) {
    let (base, requests) = loopback_collector::answering(2, move |_| answer.to_vec());
    let config = OtlpConfig::new(&format!("{base}/v1/traces")).unwrap();
    let mut exporter = OtlpExporter::new(config.timeout(Duration::from_secs(5)));
    let error = exporter.export(&[batch_fixture::span()]).unwrap_err();
    drop(exporter);
    let mut sent = 0;
    while requests.recv_timeout(Duration::from_millis(300)).is_ok() {
        sent += 1;
    }
    (error, sent)
}

#[test]
fn a_redirection_is_an_error_naming_its_location() {
    for (answer, status) in [
        (&b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere:4318/v1/traces\r\nContent-Length: 0\r\n\r\n"[..], 302),
        (b"HTTP/1.1 303 See Other\r\nContent-Length: 0\r\nLOCATION:  http://elsewhere:4318/v1/traces \r\n\r\n", 303),
        (b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://elsewhere:4318/v1/traces\r\nContent-Length: 5\r\n\r\nmoved", 301),
    ] {
        let (error, sent) = export(answer);
        let text = error.to_string();
        assert!(text.contains(&format!("answered {status}")), "{text}");
        assert!(text.contains("to http://elsewhere:4318/v1/traces"), "{text}");
        assert!(text.contains("not followed"), "{text}");
        match error {
            ExportError::Redirected {
                status: got,
                location,
                endpoint,
            } => {
                assert_eq!(got, status);
                assert_eq!(location.as_deref(), Some("http://elsewhere:4318/v1/traces"));
                assert!(endpoint.ends_with("/v1/traces"), "{endpoint}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sent, 1, "not sent again");
    }
    // A hostile Location cannot forge a line in a log of the error.
    let (error, _) =
        export(b"HTTP/1.1 302 Found\r\nLocation: /x\x1b[2J\r\nContent-Length: 0\r\n\r\n");
    assert!(error.to_string().contains("to /x\\u{1b}[2J,"), "{error}");
    let (error, _) = export(b"HTTP/1.1 300 Multiple Choices\r\nContent-Length: 0\r\n\r\n");
    assert!(matches!(
        error,
        ExportError::Redirected {
            status: 300,
            location: None,
            ..
        }
    ));
    assert!(error.to_string().contains("with no Location"), "{error}");
}

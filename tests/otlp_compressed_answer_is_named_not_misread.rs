//! The exporter asks for answers without a content coding
//! (`Accept-Encoding: identity`), and an answer compressed anyway
//! (`Content-Encoding: gzip`) is named for what it is, not read as OTLP.
//!
//! Bug: requests carried no `Accept-Encoding`, which RFC 9110 §12.5.3
//! reads as "no preference", so a collector (or a proxy before it) may
//! compress its answer; baton never looked at `Content-Encoding` and read
//! the compressed bytes as an `ExportTraceServiceResponse`: a 200 whose
//! gzip body rejected spans was reported as "a body that is not an OTLP
//! protobuf response (… at byte N)", and a 400's gzip `Status` was shown
//! as escaped binary. Installs a diagnostic handler, so it has its own
//! file.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{gzip, ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use baton::DiagnosticKind;
use loopback_collector::{answering, collector};

/// The messages of the warnings reported so far.
static WARNINGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// `ExportTraceServiceResponse { partial_success { rejected_spans: 1,
/// error_message: "over quota" } }`, gzip-compressed.
fn gzip_partial_success() -> Vec<u8> {
    let mut body = vec![0x0a, 14, 0x08, 1, 0x12, 10];
    body.extend_from_slice(b"over quota");
    let mut compressed = Vec::new();
    gzip::compress(&body, &mut compressed);
    compressed
}

/// An answer with `status`, `Content-Encoding: gzip` and `body`.
fn gzip_answer(status: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/x-protobuf\r\n\
         Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// Exports one span to a collector answering `answer`.
fn export_against(answer: Vec<u8>) -> Result<(), ExportError> {
    let (base, _requests) = answering(1, move |_| answer.clone());
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .timeout(Duration::from_secs(10));
    OtlpExporter::new(config).export(&[batch_fixture::span()])
}

#[test]
fn answers_are_asked_for_without_a_coding_and_a_compressed_one_is_named() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportWarning {
            WARNINGS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();

    // The request says which coding the answer may have.
    let (base, requests) = collector(1);
    let config = OtlpConfig::new(&format!("{base}/v1/traces")).unwrap();
    OtlpExporter::new(config)
        .export(&[batch_fixture::span()])
        .unwrap();
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(request.header("accept-encoding"), Some("identity"));

    // A 2xx compressed anyway: delivered, and the warning says why its
    // partial success is unknown.
    WARNINGS.lock().unwrap().clear();
    let result = export_against(gzip_answer("200 OK", &gzip_partial_success()));
    assert_eq!(result, Ok(()));
    let warnings = WARNINGS.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("answered 200 with a body in the gzip content coding")
            && warnings[0].ends_with("any partial success in it is unknown"),
        "{warnings:?}"
    );

    // An empty body has nothing in it to decode: no warning.
    WARNINGS.lock().unwrap().clear();
    assert_eq!(export_against(gzip_answer("200 OK", b"")), Ok(()));
    assert_eq!(*WARNINGS.lock().unwrap(), Vec::<String>::new());

    // A failure compressed anyway: the error names the coding instead of
    // showing the compressed bytes.
    let status = gzip_partial_success();
    let result = export_against(gzip_answer("400 Bad Request", &status));
    let Err(ExportError::Failed(why)) = &result else {
        panic!("{result:?}")
    };
    assert!(
        why.ends_with(
            "answered 400: a body in the gzip content coding, which baton does not decode"
        ),
        "{why}"
    );
}

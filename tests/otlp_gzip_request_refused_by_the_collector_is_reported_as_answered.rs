//! A gzip request body goes out with `Content-Encoding: gzip` and a
//! `Content-Length` counting the compressed bytes; an uncompressed one
//! without `Content-Encoding`. A collector that does not take gzip
//! (415 Unsupported Media Type, or 400) is reported with its status and
//! message, once: a 4xx other than 429 is not retried (OTLP/HTTP spec).
//! Installs the global pipeline (through the span fixture), so it has its
//! own file.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/inflate.rs"]
mod inflate;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use baton::export::{Compression, ExportError, OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::{answering, Request};

/// Exports one span with `compression` to a collector answering `answer`;
/// returns the result, the request as it arrived, and how many requests
/// were answered.
fn export_with(
    compression: Compression,
    answer: &str,
) -> (Result<(), ExportError>, Request, usize) {
    let answer = answer.as_bytes().to_vec();
    let answered = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&answered);
    let (base, requests) = answering(2, move |_| {
        count.fetch_add(1, Ordering::SeqCst);
        answer.clone()
    });
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .compression(compression)
        .timeout(Duration::from_secs(10));
    let result = OtlpExporter::new(config).export(&[batch_fixture::span()]);
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    // Every answer was asked for before the export returned.
    (result, request, answered.load(Ordering::SeqCst))
}

#[test]
fn gzip_body_is_framed_by_its_compressed_length() {
    let ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let (plain, request, _) = export_with(Compression::None, ok);
    plain.unwrap();
    assert_eq!(request.header("content-encoding"), None);
    let expected = request.body;

    let (gzipped, request, _) = export_with(Compression::Gzip, ok);
    gzipped.unwrap();
    assert_eq!(request.header("content-encoding"), Some("gzip"));
    // The collector read Content-Length bytes: exactly one gzip member,
    // trailer included, holding the same protobuf.
    let length: usize = request.header("content-length").unwrap().parse().unwrap();
    assert_eq!(length, request.body.len());
    let body = inflate::gunzip(&request.body, &mut inflate::Stats::default()).unwrap();
    assert!(body == expected, "the gzip body holds other bytes");
}

#[test]
fn a_collector_refusing_gzip_is_reported_with_its_answer_and_not_retried() {
    for (status, message) in [
        (
            "415 Unsupported Media Type",
            "unsupported content encoding: gzip",
        ),
        ("400 Bad Request", "gzip: invalid header"),
    ] {
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{message}",
            message.len()
        );
        let (result, request, answered) = export_with(Compression::Gzip, &answer);
        assert_eq!(request.header("content-encoding"), Some("gzip"));
        let code = &status[..3];
        match result {
            Err(ExportError::Failed(why)) => assert!(
                why.contains(&format!("answered {code}")) && why.contains(message),
                "{status}: {why}"
            ),
            other => panic!("{status}: {other:?}"),
        }
        assert_eq!(answered, 1, "{status} was retried");
    }
}

//! A collector answering 2xx with an `ExportTraceServiceResponse` whose
//! `partial_success` rejected spans: those spans are failed, not exported,
//! the batch is not sent again, and the collector's message is reported
//! once (issue 11: such answers counted as fully delivered). A warning
//! without rejections, and a 2xx body that cannot be decoded, count as
//! delivered and are reported as warnings. Installs a pipeline (to record
//! the spans) and reads the global diagnostic counters, so it has its own
//! file.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, OtlpConfig, OtlpExporter, Protocol, SpanExporter,
    SpanProcessor,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};
use loopback_collector::{answering, ok_with_body};

/// Five spans recorded through the public API.
fn spans() -> &'static [SpanData] {
    static SPANS: OnceLock<Vec<SpanData>> = OnceLock::new();
    SPANS.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
        baton::in_span("request", || {
            for _ in 0..4 {
                baton::in_span("step", || {});
            }
        });
        drop(guard);
        let spans = memory.take();
        assert_eq!(spans.len(), 5);
        spans
    })
}

/// The diagnostic counters are global: one case at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// `ExportTraceServiceResponse { partial_success { rejected_spans, error_message } }`.
fn protobuf_partial(rejected: u8, message: &str) -> Vec<u8> {
    let mut inner = vec![0x08, rejected, 0x12, message.len() as u8];
    inner.extend_from_slice(message.as_bytes());
    let mut body = vec![0x0a, inner.len() as u8];
    body.extend(inner);
    body
}

/// Up to `answers` requests, each answered with `answer`; returns the
/// exporter and how many requests arrived.
fn exporter_against(answer: Vec<u8>, protocol: Protocol) -> (OtlpExporter, impl Fn() -> usize) {
    let (base, requests) = answering(10, move |_| answer.clone());
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .protocol(protocol)
        .timeout(Duration::from_secs(20));
    let count = move || {
        // Every request the exporter sent has been answered by now.
        std::iter::from_fn(|| requests.recv_timeout(Duration::from_millis(200)).ok()).count()
    };
    (OtlpExporter::new(config), count)
}

#[test]
fn rejected_spans_are_an_error_with_the_count_and_message_and_not_retried() {
    let _serial = serial();
    let failed_before = diagnostic_count(DiagnosticKind::ExportFailed);
    let (mut exporter, requests) = exporter_against(
        ok_with_body("application/x-protobuf", &protobuf_partial(2, "over quota")),
        Protocol::HttpProtobuf,
    );
    let err = exporter.export(spans()).unwrap_err();
    assert_eq!(
        err,
        ExportError::Rejected {
            rejected: 2,
            message: "over quota".into()
        }
    );
    assert_eq!(err.spans_lost(5), 2);
    assert!(
        err.to_string().contains("rejected 2 span(s): over quota"),
        "{err}"
    );
    assert_eq!(requests(), 1, "a partial success must not be retried");
    // The exporter itself reports nothing: the processor does, once.
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportFailed),
        failed_before
    );
}

#[test]
fn a_batch_processor_counts_rejected_spans_as_failed_and_the_rest_as_exported() {
    let _serial = serial();
    let failed_before = diagnostic_count(DiagnosticKind::ExportFailed);
    // JSON, the count as a string, the content type with a parameter.
    let body = br#"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"span too old"}}"#;
    let (exporter, requests) = exporter_against(
        ok_with_body("application/json; charset=utf-8", body),
        Protocol::HttpJson,
    );
    let processor = BatchProcessor::new(exporter, BatchConfig::default());
    for span in spans() {
        processor.on_end(span.clone());
    }
    let flushed = processor.force_flush(Instant::now() + Duration::from_secs(30));
    let Err(ExportError::Undelivered { stats, .. }) = flushed else {
        panic!("a partial rejection reported as {flushed:?}");
    };
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.failed,
            stats.dropped,
            stats.in_flight
        ),
        (5, 2, 3, 0, 0)
    );
    assert_eq!(requests(), 1);
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportFailed),
        failed_before + 1,
        "the collector's message is reported once"
    );
    // More rejected than sent: the whole batch, never more.
    let body = br#"{"partialSuccess":{"rejectedSpans":900}}"#;
    let (exporter, _) =
        exporter_against(ok_with_body("application/json", body), Protocol::HttpJson);
    let processor = BatchProcessor::new(exporter, BatchConfig::default());
    for span in spans() {
        processor.on_end(span.clone());
    }
    assert!(processor
        .force_flush(Instant::now() + Duration::from_secs(30))
        .is_err());
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.failed), (0, 5));
}

/// A `200 OK` answer of `content_type` carrying `body` in the chunked
/// transfer coding: chunks of `size` bytes, the first with an extension,
/// and a trailer field after the last chunk.
fn chunked_ok(content_type: &str, body: &[u8], size: usize) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for (i, chunk) in body.chunks(size).enumerate() {
        let extension = if i == 0 { ";name=\"value\"" } else { "" };
        answer.extend_from_slice(format!("{:x}{extension}\r\n", chunk.len()).as_bytes());
        answer.extend_from_slice(chunk);
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"0\r\nServer-Timing: db;dur=1\r\n\r\n");
    answer
}

#[test]
fn a_chunked_answer_with_rejected_spans_is_rejected_as_with_a_content_length() {
    // Bug: a chunked body was not decoded, so its partial_success was
    // misread and the rejected spans counted as delivered.
    let _serial = serial();
    let json = br#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"over quota"}}"#;
    let cases = [
        (
            "application/x-protobuf",
            protobuf_partial(2, "over quota"),
            Protocol::HttpProtobuf,
        ),
        ("application/json", json.to_vec(), Protocol::HttpJson),
    ];
    for (content_type, body, protocol) in cases {
        for size in [1, 7, body.len()] {
            let answer = chunked_ok(content_type, &body, size);
            let (mut exporter, requests) = exporter_against(answer, protocol);
            assert_eq!(
                exporter.export(spans()),
                Err(ExportError::Rejected {
                    rejected: 2,
                    message: "over quota".into()
                }),
                "{content_type} in chunks of {size}"
            );
            assert_eq!(requests(), 1, "a partial success must not be retried");
        }
    }
}

#[test]
fn a_warning_without_rejections_is_delivered_and_reported() {
    let _serial = serial();
    let warned_before = diagnostic_count(DiagnosticKind::ExportWarning);
    let (mut exporter, requests) = exporter_against(
        ok_with_body(
            "application/x-protobuf",
            &protobuf_partial(0, "deprecated field"),
        ),
        Protocol::HttpProtobuf,
    );
    exporter.export(spans()).unwrap();
    assert_eq!(requests(), 1);
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportWarning),
        warned_before + 1
    );

    // An empty partial success, or none at all, is plain success.
    for body in [&b"{}"[..], br#"{"partialSuccess":{}}"#, b""] {
        let (mut exporter, _) =
            exporter_against(ok_with_body("application/json", body), Protocol::HttpJson);
        exporter.export(spans()).unwrap();
    }
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportWarning),
        warned_before + 1
    );
}

#[test]
fn an_undecodable_2xx_body_is_delivered_reported_and_not_retried() {
    let _serial = serial();
    let warned_before = diagnostic_count(DiagnosticKind::ExportWarning);
    // Protobuf bytes cut short; JSON that is not JSON; no content type, so
    // the request's protocol decides.
    let cases = [
        (
            ok_with_body("application/x-protobuf", &[0x0a, 0x09, 0x08]),
            Protocol::HttpProtobuf,
        ),
        (
            ok_with_body("application/json", b"<html>OK</html>"),
            Protocol::HttpJson,
        ),
        (
            b"HTTP/1.1 202 Accepted\r\nContent-Length: 5\r\n\r\n{\"a\":".to_vec(),
            Protocol::HttpJson,
        ),
    ];
    let n = cases.len() as u64;
    for (answer, protocol) in cases {
        let (mut exporter, requests) = exporter_against(answer, protocol);
        exporter.export(spans()).unwrap();
        assert_eq!(requests(), 1);
    }
    assert_eq!(
        diagnostic_count(DiagnosticKind::ExportWarning),
        warned_before + n
    );
}

#[test]
fn a_rejected_count_at_the_int64_edge_is_kept_and_one_past_it_is_a_warning() {
    // `int64 rejected_spans`: its largest value is the collector's count
    // (more than the batch held loses the batch, no more); a count past it
    // (u64::MAX, 20 digits, a huge exponent) is no count the collector
    // could send, so the body is not a response: delivered, with a warning.
    let _serial = serial();
    let json = |count: &str| {
        ok_with_body(
            "application/json",
            format!(r#"{{"partialSuccess":{{"rejectedSpans":{count}}}}}"#).as_bytes(),
        )
    };
    let (mut exporter, requests) =
        exporter_against(json("\"9223372036854775807\""), Protocol::HttpJson);
    let err = exporter.export(spans()).unwrap_err();
    assert_eq!(
        err,
        ExportError::Rejected {
            rejected: i64::MAX as u64,
            message: String::new()
        }
    );
    assert_eq!(err.spans_lost(5), 5);
    assert_eq!(requests(), 1);
    for count in ["18446744073709551615", "\"99999999999999999999\"", "1e400"] {
        let warned_before = diagnostic_count(DiagnosticKind::ExportWarning);
        let (mut exporter, requests) = exporter_against(json(count), Protocol::HttpJson);
        assert_eq!(exporter.export(spans()), Ok(()), "{count}");
        assert_eq!(requests(), 1, "{count}");
        assert_eq!(
            diagnostic_count(DiagnosticKind::ExportWarning),
            warned_before + 1,
            "{count}"
        );
    }
}

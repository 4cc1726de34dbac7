//! A request body past `MAX_REQUEST_BODY` (64 MiB before compression, the
//! OTLP/HTTP spec's recommended limit) is not sent: "If the limit is
//! exceeded, the client MUST NOT make the request and SHOULD record the
//! fact that the request was discarded". baton sent any size, so a batch
//! with huge attribute values went out whole to a collector bound to refuse
//! it. At the limit the batch is sent; one byte past it the export fails,
//! saying why, and no connection is made, gzip or not. Installs the global
//! pipeline (to make the span).

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::{
    Compression, ExportError, OtlpConfig, OtlpExporter, SpanExporter, MAX_REQUEST_BODY,
};
use baton::{SpanData, Value};
use loopback_collector::collector;

/// One span whose protobuf request is `size` bytes: its one attribute's
/// value is grown or shrunk until the encoding is that long.
fn batch_of(exporter: &mut OtlpExporter, size: usize) -> Vec<SpanData> {
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    baton::span("big").attr("payload", "").start();
    drop(guard);
    let mut batch = memory.take();
    let mut len = size - 1000;
    for _ in 0..8 {
        batch[0].attributes[0].value = Value::from("x".repeat(len));
        let encoded = exporter.encode(&batch).len();
        if encoded == size {
            return batch;
        }
        len = len + size - encoded;
    }
    panic!("no attribute length gives a {size}-byte request");
}

#[test]
fn a_request_at_the_limit_is_sent_and_one_byte_past_it_is_not() {
    let (base, requests) = collector(3);
    let config = OtlpConfig::new(&format!("{base}/v1/traces"))
        .unwrap()
        .timeout(Duration::from_secs(60));
    let mut exporter = OtlpExporter::new(config.clone());

    let at_limit = batch_of(&mut exporter, MAX_REQUEST_BODY);
    exporter.export(&at_limit).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(request.body.len(), MAX_REQUEST_BODY);
    drop((at_limit, request));

    let past = batch_of(&mut exporter, MAX_REQUEST_BODY + 1);
    for compression in [Compression::None, Compression::Gzip] {
        // gzip makes it small, but the limit is on the body before it.
        let mut exporter = OtlpExporter::new(config.clone().compression(compression));
        let result = exporter.export(&past);
        let Err(ExportError::Failed(why)) = &result else {
            panic!("{compression:?}: {result:?}")
        };
        assert!(
            why.contains(&format!(
                "{} bytes before compression",
                MAX_REQUEST_BODY + 1
            )) && why.contains("not sent"),
            "{why}"
        );
    }
    assert!(
        requests.recv_timeout(Duration::from_millis(500)).is_err(),
        "a request past the limit reached the collector"
    );
}

//! `OTEL_SDK_DISABLED=true` turns export off: issue 11 found every span
//! still exported. Nothing reaches the collector nor an exporter set in
//! code, while spans keep their ids for propagation. Installs the global
//! pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::Duration;

use loopback_collector::lookup;

#[test]
fn a_disabled_sdk_sends_nothing_and_still_propagates() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let vars = [
        ("OTEL_SDK_DISABLED", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "1"),
    ];
    let memory = baton::InMemoryExporter::default();
    let config = baton::Config::from_lookup(lookup(&vars))
        .unwrap()
        .exporter(memory.clone());
    assert!(config.is_disabled());
    let pipeline = baton::init(config).unwrap();

    let mut headers = std::collections::HashMap::new();
    baton::in_span("request", || {
        assert!(baton::current_trace_id().is_some());
        baton::inject_context(&mut headers);
    });
    assert!(headers.contains_key("traceparent"), "{headers:?}");
    pipeline.shutdown(Duration::from_secs(10)).unwrap();

    assert!(memory.finished_spans().is_empty());
    // Shutdown has returned, so any export would have connected by now.
    listener.set_nonblocking(true).unwrap();
    let accepted = listener.accept().map(|_| ());
    assert_eq!(
        accepted.map_err(|e| e.kind()),
        Err(ErrorKind::WouldBlock),
        "something was sent to the collector"
    );
}

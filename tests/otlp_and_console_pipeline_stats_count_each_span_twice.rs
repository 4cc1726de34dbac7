//! `OTEL_TRACES_EXPORTER=otlp,console` installs a fan-out of a batch
//! processor (OTLP) and a simple one (console); `baton::export::stats()`
//! reads their counters summed, each span counted once by each. Found by
//! an integrator: such a service read `None`, so its health check could
//! not see lost spans. Installs the global pipeline; the console exporter
//! prints the span's tree on standard output.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use loopback_collector::{collector, lookup};

#[test]
fn both_exporters_count_every_span() {
    let (endpoint, requests) = collector(10);
    let vars = [
        ("OTEL_TRACES_EXPORTER", "otlp,console"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
    ];
    let pipeline = baton::init(baton::Config::from_lookup(lookup(&vars)).unwrap()).unwrap();
    baton::in_span("request", || {});
    pipeline.shutdown(Duration::from_secs(20)).unwrap();

    assert!(requests.recv_timeout(Duration::from_secs(10)).is_ok());
    let s = baton::export::stats().unwrap();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.failed, s.in_flight),
        (2, 2, 0, 0, 0)
    );
}

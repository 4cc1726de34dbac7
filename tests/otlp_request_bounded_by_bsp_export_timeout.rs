//! The OTLP request is bounded by `OTEL_BSP_EXPORT_TIMEOUT` as well as the
//! OTLP timeout, the smaller winning: issue 11 found shutdown blocked for the
//! whole OTLP timeout (60 s here) against a hung collector, whatever the
//! batch export timeout said. Installs the global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use loopback_collector::lookup;

/// Generous: a correctness bound on a loaded machine, not a timing.
const SLACK: Duration = Duration::from_secs(5);

#[test]
fn a_hung_collector_is_left_at_the_batch_export_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (held_tx, held) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let accepted = Instant::now();
        // Read the request and never answer; the client's hang-up ends the
        // read (bounded in case it never comes).
        stream
            .set_read_timeout(Some(Duration::from_secs(90)))
            .unwrap();
        let mut sink = [0u8; 4096];
        while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        let _ = held_tx.send(accepted.elapsed());
    });
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "60000"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1000"),
    ];
    let pipeline = baton::init(baton::Config::from_lookup(lookup(&vars)).unwrap()).unwrap();
    baton::in_span("request", || {});
    let started = Instant::now();
    let result = pipeline.shutdown(Duration::from_secs(30));
    assert!(
        started.elapsed() < Duration::from_secs(1) + SLACK,
        "{result:?}"
    );
    let held = held
        .recv_timeout(Duration::from_secs(1) + SLACK)
        .expect("the exporter still holds the connection");
    assert!(held < Duration::from_secs(1) + SLACK, "held for {held:?}");
}

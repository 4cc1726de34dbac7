//! A collector reached through a 307 or 308 to another origin (host or
//! port) keeps its connection between exports, as the configured one does:
//! the OTLP/HTTP spec asks that "the client SHOULD keep the connection
//! alive between requests", and a redirection is no reason to open a new
//! one (and, by name, look the host up again) on every export. A 308 is not
//! remembered: each export asks the configured endpoint first, as Go's
//! `http.Client` and curl do. Checked against loopback servers counting the
//! connections they accept.
//!
//! Regression: the request to the redirection's target went on a
//! connection of its own, closed after the answer, on every export.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::sync::atomic::Ordering;
use std::time::Duration;

use baton::export::{OtlpConfig, OtlpExporter, SpanExporter};
use loopback_collector::keeping_connections;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

/// Exports one span `times` times to `url`, each successfully.
fn export(url: &str, times: usize) {
    let config = OtlpConfig::new(url)
        .unwrap()
        .timeout(Duration::from_secs(10));
    let mut exporter = OtlpExporter::new(config);
    for i in 0..times {
        let result = exporter.export(&[batch_fixture::span()]);
        assert_eq!(result, Ok(()), "export {i}");
    }
}

#[test]
fn each_origin_keeps_one_connection_across_exports() {
    for status in [307, 308] {
        let (to, to_connections, to_requests) = keeping_connections(|_| OK.to_vec());
        let location = format!("{to}/v2/spans");
        let (from, from_connections, from_requests) = keeping_connections(move |_| {
            format!("HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes()
        });
        export(&format!("{from}/v1/traces"), 3);
        // Every export asked the configured endpoint first: a 308 is not
        // remembered.
        assert_eq!(from_requests.try_iter().count(), 3, "{status}");
        assert_eq!(to_requests.try_iter().count(), 3, "{status}");
        assert_eq!(from_connections.load(Ordering::SeqCst), 1, "{status}");
        assert_eq!(
            to_connections.load(Ordering::SeqCst),
            1,
            "{status}: the target's connection is kept too"
        );
    }
}

#[test]
fn a_third_origin_replaces_the_kept_second_one() {
    // The configured collector sends each export elsewhere in turn: a, a,
    // b, a.
    let (a, a_connections, _a_requests) = keeping_connections(|_| OK.to_vec());
    let (b, b_connections, _b_requests) = keeping_connections(|_| OK.to_vec());
    let targets = [a.clone(), a.clone(), b, a];
    let (from, from_connections, _from_requests) = keeping_connections(move |n| {
        let location = &targets[n];
        format!("HTTP/1.1 307 Moved\r\nLocation: {location}/v1/traces\r\nContent-Length: 0\r\n\r\n")
            .into_bytes()
    });
    export(&format!("{from}/v1/traces"), 4);
    assert_eq!(from_connections.load(Ordering::SeqCst), 1);
    // One connection served a's first two exports; at most one other
    // origin is kept, so b's replaced it, and back to a is a new one.
    assert_eq!(a_connections.load(Ordering::SeqCst), 2);
    assert_eq!(b_connections.load(Ordering::SeqCst), 1);
}

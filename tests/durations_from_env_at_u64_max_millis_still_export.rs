//! A pipeline read from the environment with every duration at `u64::MAX`
//! milliseconds or more (saturated to it, not an error: about 584 million
//! years) and the queue and batch at their largest, `MAX_QUEUE_SIZE_LIMIT`:
//! nothing adds such a duration to an `Instant` unchecked, so a span still
//! reaches the collector at a flush with no deadline (`Duration::MAX`), and
//! shutdown succeeds. Installs the global pipeline. Found: as documented.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::time::Duration;

use baton::export::MAX_QUEUE_SIZE_LIMIT;
use loopback_collector::{collector, lookup};

#[test]
fn the_longest_durations_and_largest_queue_still_export() {
    let (endpoint, requests) = collector(2);
    let longest = u64::MAX.to_string();
    let past = "9".repeat(30);
    let queue = MAX_QUEUE_SIZE_LIMIT.to_string();
    let vars = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", longest.as_str()),
        ("OTEL_BSP_EXPORT_TIMEOUT", past.as_str()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", longest.as_str()),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", past.as_str()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", queue.as_str()),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", queue.as_str()),
    ];
    let config = baton::Config::from_lookup_strict(lookup(&vars)).unwrap();
    let pipeline = baton::init(config).unwrap();

    baton::in_span("first", || {});
    pipeline.force_flush(Duration::MAX).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(!request.body.is_empty());

    baton::in_span("second", || {});
    pipeline.shutdown(Duration::MAX).unwrap();
    let request = requests.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(!request.body.is_empty());
    let stats = baton::export::stats().unwrap();
    assert_eq!(
        (stats.produced, stats.exported, stats.undelivered()),
        (2, 2, 0)
    );
}

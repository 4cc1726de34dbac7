//! A span may end at an explicit time, the optional timestamp of the
//! OpenTelemetry API's `End` ("Timestamp to explicitly set the end
//! timestamp"), as it may start at one, and an event may carry its own
//! time (`AddEvent`'s optional timestamp). Bug: only the start could be
//! given, so a span recorded after the fact (from a log, a queue's
//! timestamps) ended, and had its events, whenever the code got round to
//! it.

mod common;

use baton::span;

fn times(trace_id: baton::TraceId) -> (u64, u64) {
    let data = &common::spans_of(trace_id)[0];
    (data.start_unix_nanos, data.end_unix_nanos)
}

#[test]
fn a_span_or_a_guard_ends_at_the_time_given() {
    common::exporter();
    let s = span("owned").start_time(1_000).start();
    s.end_at(5_000);
    assert!(!s.is_recording());
    // Ended: a second end changes nothing.
    s.end_at(9_000);
    let id = s.trace_id();
    drop(s);
    assert_eq!(times(id), (1_000, 5_000));

    let g = span("entered").start_time(10).enter();
    g.end_at(20);
    let id = g.trace_id();
    drop(g);
    assert_eq!(times(id), (10, 20));

    // A start later than the end given: the span lasts nothing.
    let s = span("backwards").start_time(7_000).start();
    s.end_at(6_000);
    let id = s.trace_id();
    drop(s);
    assert_eq!(times(id), (7_000, 7_000));

    // With no explicit start, the end given still wins over the clock.
    let before = baton::now_unix_nanos();
    let s = span("now").start();
    s.end_at(before + 3_600_000_000_000);
    let id = s.trace_id();
    drop(s);
    let (start, end) = times(id);
    assert!(start >= before);
    assert_eq!(end, before + 3_600_000_000_000);
}

#[test]
fn an_event_keeps_the_time_given_even_outside_the_span() {
    common::exporter();
    let s = span("s").start_time(1_000).start();
    s.add_event_at("before the start", 500, Vec::new());
    s.add_event_at("inside", 2_000, vec![baton::KeyValue::new("k", 1)]);
    s.add_event("now", Vec::new());
    s.end_at(3_000);
    let id = s.trace_id();
    drop(s);
    let data = &common::spans_of(id)[0];
    let events: Vec<(&str, u64)> = data
        .events
        .iter()
        .map(|e| (&*e.name, e.time_unix_nanos))
        .collect();
    assert_eq!(events[..2], [("before the start", 500), ("inside", 2_000)]);
    assert_eq!(events[2].0, "now");
    assert!(events[2].1 > 3_000, "stamped by the clock");
    assert_eq!(data.events[1].attributes.len(), 1);
}

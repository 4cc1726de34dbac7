//! A span may end at an explicit time, the optional timestamp of the
//! OpenTelemetry API's `End` ("Timestamp to explicitly set the end
//! timestamp"), as it may start at one. Bug: only the start could be given,
//! so a span recorded after the fact (from a log, a queue's timestamps)
//! ended whenever the code got round to it.

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

//! Unix-nanosecond times at the ends of `u64`: a start, an end or an event
//! at 0 or at `u64::MAX` is recorded as given, never wraps or panics; an
//! implicit end after a start at `u64::MAX` is that start (the clock cannot
//! be later), and a span from 0 to `u64::MAX` reports the whole range as
//! its duration. Installs the global pipeline.

use baton::{InMemoryExporter, SpanData};

fn one(spans: &InMemoryExporter, name: &str) -> SpanData {
    spans.take().into_iter().find(|d| d.name == name).unwrap()
}

#[test]
fn times_at_zero_and_u64_max_are_kept_and_saturate() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let s = baton::span("zero").start_time(0).start();
    s.add_event_at("e", 0, Vec::new());
    s.end_at(0);
    let d = one(&spans, "zero");
    assert_eq!(
        (d.start_unix_nanos, d.end_unix_nanos, d.duration_nanos()),
        (0, 0, 0)
    );
    assert_eq!(d.events[0].time_unix_nanos, 0);

    let s = baton::span("max").start_time(u64::MAX).start();
    s.add_event_at("e", u64::MAX, Vec::new());
    s.end();
    let d = one(&spans, "max");
    assert_eq!((d.start_unix_nanos, d.end_unix_nanos), (u64::MAX, u64::MAX));
    assert_eq!(d.events[0].time_unix_nanos, u64::MAX);

    let g = baton::span("all").start_time(0).enter();
    g.end_at(u64::MAX);
    drop(g);
    let d = one(&spans, "all");
    assert_eq!(d.duration_nanos(), u64::MAX);

    let s = baton::span("now to max").start();
    s.end_at(u64::MAX);
    let d = one(&spans, "now to max");
    assert_eq!(d.end_unix_nanos, u64::MAX);
    assert!(d.start_unix_nanos > 0 && d.start_unix_nanos <= baton::now_unix_nanos());
}

//! Issue 12 item 2: `current_span_id()` and `log_ids()` give the ids of the
//! current span for a log line — inside nested spans, inside futures that
//! move between threads, and nothing outside — and formatting them does
//! not allocate.

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use std::fmt::Write;
use std::sync::mpsc;

use baton::{FutureExt, LogIds};
use common::{Executor, YieldN};
use counting_alloc::allocated_by;

/// A fixed-size line buffer: formatting into it cannot allocate by itself.
struct Line {
    bytes: [u8; 128],
    len: usize,
}

impl Line {
    fn new() -> Line {
        Line {
            bytes: [0; 128],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap()
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn expected(span: &baton::SpanRef) -> String {
    format!(
        "trace_id={} span_id={} trace_flags={:02x}",
        span.trace_id(),
        span.span_id(),
        span.span_context().flags().bits()
    )
}

#[test]
fn outside_any_span_the_ids_are_empty() {
    assert_eq!(baton::current_span_id(), None);
    let ids = baton::log_ids();
    assert!(ids.is_empty());
    assert_eq!(ids, LogIds::default());
    assert_eq!(ids.to_string(), "");
    assert_eq!(
        (ids.trace_id(), ids.span_id(), ids.is_sampled()),
        (None, None, false)
    );
}

#[test]
fn inside_nested_spans_the_ids_are_the_innermost_then_the_parents_again() {
    common::exporter();
    let outer = baton::span("outer").enter();
    let outer_ref = baton::current_span().unwrap();
    assert_eq!(baton::log_ids().to_string(), expected(&outer_ref));
    {
        let _inner = baton::span("inner").enter();
        let inner_ref = baton::current_span().unwrap();
        assert_ne!(inner_ref.span_id(), outer_ref.span_id());
        assert_eq!(baton::current_span_id(), Some(inner_ref.span_id()));
        let ids = baton::log_ids();
        assert_eq!(ids.span_id(), Some(inner_ref.span_id()));
        assert_eq!(ids.trace_id(), Some(outer_ref.trace_id()));
        assert_eq!(ids.to_string(), expected(&inner_ref));
    }
    assert_eq!(baton::current_span_id(), Some(outer_ref.span_id()));
    drop(outer);
    assert!(baton::log_ids().is_empty());
}

#[test]
fn a_captured_value_keeps_the_ids_of_its_moment() {
    common::exporter();
    let ids = baton::in_span("request", baton::log_ids);
    assert!(!ids.is_empty());
    assert!(baton::log_ids().is_empty());
    assert!(ids.to_string().starts_with("trace_id="));
}

#[test]
fn inside_a_future_moving_between_threads_the_ids_are_the_futures_span() {
    common::exporter();
    let (tx, rx) = mpsc::channel();
    let mut executor = Executor::new(2);
    let span = baton::span("task").start();
    let want = (span.trace_id(), span.span_id());
    let cx = span.context();
    executor.spawn(
        async move {
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push((baton::log_ids(), baton::current_span_id()));
                YieldN(1).await;
            }
            tx.send(seen).unwrap();
        }
        .in_context(cx),
    );
    let polled_on = executor.join();
    drop(span);
    assert!(
        polled_on[0].windows(2).any(|w| w[0] != w[1]),
        "the task moved: {polled_on:?}"
    );
    let seen = rx.recv().unwrap();
    assert_eq!(seen.len(), 3);
    for (ids, span_id) in seen {
        assert_eq!(
            (ids.trace_id(), ids.span_id()),
            (Some(want.0), Some(want.1))
        );
        assert_eq!(span_id, Some(want.1));
    }
    // The test thread never entered the future's context.
    assert!(baton::log_ids().is_empty());
}

#[test]
fn a_future_polled_here_shows_its_span_only_while_polled() {
    common::exporter();
    let inside = common::block_on(
        async { (baton::log_ids(), baton::current_span_id()) }.in_span(baton::span("f")),
    );
    assert!(!inside.0.is_empty());
    assert_eq!(inside.0.span_id(), inside.1);
    assert!(baton::log_ids().is_empty());
    assert_eq!(baton::current_span_id(), None);
}

#[test]
fn reading_and_formatting_the_ids_allocates_nothing() {
    common::exporter();
    let (line, bytes) = allocated_by(|| {
        let mut line = Line::new();
        write!(line, "INFO outside {}", baton::log_ids()).unwrap();
        line
    });
    assert_eq!((line.as_str(), bytes), ("INFO outside ", 0));

    baton::in_span("hot", || {
        let span = baton::current_span().unwrap();
        let ((line, span_id), bytes) = allocated_by(|| {
            let mut line = Line::new();
            write!(line, "INFO inside {}", baton::log_ids()).unwrap();
            (line, baton::current_span_id())
        });
        assert_eq!(bytes, 0, "formatting the ids allocated {bytes} bytes");
        assert_eq!(span_id, Some(span.span_id()));
        assert_eq!(line.as_str(), format!("INFO inside {}", expected(&span)));
    });
}

/// The line wrote `sampled=1`, a field OpenTelemetry does not define, while
/// claiming its names: "Trace Context in non-OTLP Log Formats" asks for
/// `trace_id`, `span_id` and `trace_flags`, the flags "formatted according
/// to W3C traceflags format" (two lowercase hex digits, kept bit for bit).
#[test]
fn the_line_uses_opentelemetrys_fields_for_non_otlp_logs() {
    for (flags, sampled) in [("01", true), ("00", false), ("03", true)] {
        let traceparent = format!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
        let headers = std::collections::HashMap::from([("traceparent".to_string(), traceparent)]);
        let _remote = baton::propagated_context(&headers);
        let ids = baton::log_ids();
        assert_eq!(
            ids.to_string(),
            format!(
                "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 \
                 trace_flags={flags}"
            )
        );
        assert_eq!(ids.is_sampled(), sampled);
        assert_eq!(
            ids.trace_flags().map(|f| f.bits()),
            Some(u8::from_str_radix(flags, 16).unwrap())
        );
    }
    assert_eq!(baton::log_ids().trace_flags(), None);
}

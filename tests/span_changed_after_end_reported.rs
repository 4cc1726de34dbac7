//! A span changed after it ended discards the change, as the OpenTelemetry
//! API says ("SHOULD ignore all subsequent calls to End and any other Span
//! methods"), and reports it as `SpanAlreadyEnded`, once per call, at the
//! caller's line, through every handle (`Span`, `SpanGuard`, `SpanRef`)
//! and for a second `end`; a span that never recorded (not sampled) is
//! quiet by design and reports nothing. Found: every change to an ended
//! span was lost silently. Installs the global pipeline and the
//! diagnostic handler.

use std::cell::RefCell;
use std::fmt;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use baton::export::SimpleProcessor;
use baton::{Context, DiagnosticKind, InMemoryExporter, SpanContext, SpanData, Status};
use baton::{SpanId, TraceFlags, TraceId};

thread_local! {
    /// The diagnostics this thread raised: kind, message and line.
    static SEEN: RefCell<Vec<(DiagnosticKind, String, u32)>> = const { RefCell::new(Vec::new()) };
}

/// The pipeline's exporter, for one test at a time: each takes what was
/// exported.
fn pipeline() -> (MutexGuard<'static, ()>, InMemoryExporter) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    static INSTALLED: OnceLock<InMemoryExporter> = OnceLock::new();
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let exporter = INSTALLED
        .get_or_init(|| {
            baton::set_diagnostic_handler(Box::new(|d| {
                let seen = (
                    d.kind,
                    d.message.to_string(),
                    d.location.map_or(0, |l| l.line()),
                );
                SEEN.with(|s| s.borrow_mut().push(seen));
            }))
            .unwrap();
            let exporter = InMemoryExporter::default();
            let processor = SimpleProcessor::new(exporter.clone());
            std::mem::forget(baton::init(baton::Config::new().processor(processor)).unwrap());
            exporter
        })
        .clone();
    // What the test before exported is not this one's.
    exporter.take();
    (turn, exporter)
}

/// The messages of the `SpanAlreadyEnded` reports this thread raised since
/// the last call, with their lines.
fn reported() -> Vec<(String, u32)> {
    SEEN.with(|s| s.take())
        .into_iter()
        .filter(|(kind, _, _)| *kind == DiagnosticKind::SpanAlreadyEnded)
        .map(|(_, message, line)| (message, line))
        .collect()
}

#[derive(Debug)]
struct Failure;

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("failure")
    }
}

impl std::error::Error for Failure {}

fn other() -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(7).unwrap(),
        SpanId::from_u64(9).unwrap(),
        TraceFlags::from_bits(1),
    )
}

/// Calls every setter of `$span` once, and gives the line it is called
/// on, which every report names.
macro_rules! change_all {
    ($span:expr) => {{
        let line = line!();
        $span.set_attribute("k", "v");
        $span.add_event("e", vec![]);
        $span.add_event_at("e", 5, vec![]);
        $span.add_link(other(), vec![]);
        $span.set_status(Status::Error {
            description: "late".into(),
        });
        $span.record_error(&Failure);
        $span.update_name("late name");
        line
    }};
}

const EVERY_CHANGE: [&str; 7] = [
    "set_attribute on a span that has ended: discarded",
    "add_event on a span that has ended: discarded",
    "add_event_at on a span that has ended: discarded",
    "add_link on a span that has ended: discarded",
    "set_status on a span that has ended: discarded",
    "record_error on a span that has ended: discarded",
    "update_name on a span that has ended: discarded",
];

fn expect_every_change(line: u32) {
    let expected: Vec<(String, u32)> = EVERY_CHANGE.iter().map(|m| (m.to_string(), line)).collect();
    assert_eq!(reported(), expected);
}

fn exported(exporter: &InMemoryExporter, id: SpanId) -> SpanData {
    let mut spans: Vec<SpanData> = exporter
        .take()
        .into_iter()
        .filter(|s| s.span_context.span_id() == id)
        .collect();
    assert_eq!(spans.len(), 1, "{spans:?}");
    spans.remove(0)
}

fn assert_untouched(span: &SpanData, name: &str) {
    assert_eq!(span.name, name);
    assert!(span.attributes.is_empty(), "{span:?}");
    assert!(span.events.is_empty(), "{span:?}");
    assert!(span.links.is_empty(), "{span:?}");
    assert_eq!(span.status, Status::Unset);
}

#[test]
fn an_ended_span_reports_each_change_it_discards() {
    let (_turn, exporter) = pipeline();
    let span = baton::span("job").start();
    span.end();
    assert!(reported().is_empty(), "the first end is no misuse");
    let line = change_all!(span);
    expect_every_change(line);

    let line = line!() + 1;
    span.end();
    span.end_at(1_000);
    let expected = vec![
        ("end on a span that has ended: discarded".to_owned(), line),
        (
            "end_at on a span that has ended: discarded".to_owned(),
            line + 1,
        ),
    ];
    assert_eq!(reported(), expected);
    let id = span.span_id();
    drop(span);
    assert!(
        reported().is_empty(),
        "the drop of an ended span is no misuse"
    );
    assert_untouched(&exported(&exporter, id), "job");
}

#[test]
fn an_ended_guard_and_a_handle_outliving_the_span_report_what_they_discard() {
    let (_turn, exporter) = pipeline();
    let guard = baton::span("entered").enter();
    let handle = baton::current_span().unwrap();
    guard.end_at(u64::MAX / 2);
    let line = change_all!(guard);
    expect_every_change(line);
    let line = change_all!(handle);
    expect_every_change(line);
    let id = guard.span_id();
    drop(guard);
    assert!(reported().is_empty());
    assert_untouched(&exported(&exporter, id), "entered");

    // A span ended while the guard drops; its handle lives on.
    let handle = {
        let _guard = baton::span("scoped").enter();
        baton::current_span().unwrap()
    };
    let line = change_all!(handle);
    expect_every_change(line);
    assert_untouched(&exported(&exporter, handle.span_id()), "scoped");
}

#[test]
fn a_context_asked_of_an_ended_span_gives_handles_that_report() {
    let (_turn, exporter) = pipeline();
    let span = baton::span("asked after").start();
    span.end();
    let cx = span.context();
    let _attached = cx.attach();
    let handle = baton::current_span().unwrap();
    assert!(!handle.is_recording());
    let line = change_all!(handle);
    expect_every_change(line);
    let line = change_all!(span);
    expect_every_change(line);
    assert_untouched(&exported(&exporter, span.span_id()), "asked after");
}

#[test]
fn a_span_that_never_recorded_discards_quietly() {
    let (_turn, exporter) = pipeline();
    // Not sampled: its parent was not, and the default sampler follows it.
    let parent = Context::default().with_span_context(
        SpanContext::new(
            TraceId::from_u128(1).unwrap(),
            SpanId::from_u64(2).unwrap(),
            TraceFlags::from_bits(0),
        )
        .with_remote(true),
    );
    let span = baton::span("unsampled").parent(&parent).start();
    assert!(!span.is_recording());
    change_all!(span);
    span.end();
    change_all!(span);
    span.end();
    let _g = span.context().attach();
    change_all!(baton::current_span().unwrap());
    let guard = baton::span("unsampled child").enter();
    guard.end();
    change_all!(guard);
    guard.end();
    drop(guard);
    assert_eq!(reported(), vec![]);
    assert!(exporter.take().is_empty());
}

#[test]
fn each_report_is_counted() {
    let _turn = pipeline();
    let span = baton::span("counted").start();
    span.end();
    let before = baton::diagnostic_count(DiagnosticKind::SpanAlreadyEnded);
    for _ in 0..3 {
        span.set_attribute("k", 1);
    }
    assert_eq!(
        baton::diagnostic_count(DiagnosticKind::SpanAlreadyEnded) - before,
        3
    );
    assert_eq!(reported().len(), 3);
}

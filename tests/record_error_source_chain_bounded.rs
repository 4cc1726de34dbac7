//! `record_error` records at most `MAX_ERROR_SOURCES` errors of a
//! `source()` chain, and reports a longer one. Bug: it followed the chain
//! to its end, so an error that is its own source (or any cycle) grew the
//! chain without bound until the allocation failed and the process
//! aborted. Installs the global pipeline.

use std::error::Error;
use std::fmt;
use std::sync::{Mutex, MutexGuard, OnceLock};

use baton::{diagnostic_count, Array, DiagnosticKind, InMemoryExporter, Value, MAX_ERROR_SOURCES};

/// An error `len` deep: each level's source is the next.
#[derive(Debug)]
struct Chain(usize, Option<Box<Chain>>);

impl Chain {
    fn of(len: usize) -> Chain {
        (0..len)
            .rev()
            .fold(Chain(len, None), |next, n| Chain(n, Some(Box::new(next))))
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "level {}", self.0)
    }
}

impl Error for Chain {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.1.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// An error that is its own source.
#[derive(Debug)]
struct OwnSource;

impl fmt::Display for OwnSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("again")
    }
}

impl Error for OwnSource {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self)
    }
}

/// The one pipeline of this process, for one test at a time.
fn exporter() -> (MutexGuard<'static, ()>, &'static InMemoryExporter) {
    static SERIAL: Mutex<()> = Mutex::new(());
    static SPANS: OnceLock<(InMemoryExporter, baton::PipelineGuard)> = OnceLock::new();
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (spans, _) = SPANS.get_or_init(|| {
        let spans = InMemoryExporter::default();
        let pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
        (spans, pipeline)
    });
    (serial, spans)
}

/// The `exception.source_chain` the span records for `error`, and whether
/// recording it was reported as a limit hit.
fn recorded_chain(spans: &InMemoryExporter, error: &dyn Error) -> (Vec<String>, bool) {
    let before = diagnostic_count(DiagnosticKind::LimitExceeded);
    let span = baton::span("call").start();
    span.record_error(error);
    drop(span);
    let reported = diagnostic_count(DiagnosticKind::LimitExceeded) > before;
    let finished = spans.take();
    let chain = finished[0].events[0]
        .attributes
        .iter()
        .find(|kv| kv.key == "exception.source_chain")
        .map(|kv| match &kv.value {
            Value::Array(Array::String(items)) => items.iter().map(|s| s.to_string()).collect(),
            other => panic!("not an array: {other:?}"),
        })
        .unwrap_or_default();
    (chain, reported)
}

#[test]
fn source_chains_are_cut_at_the_limit_and_an_endless_one_ends() {
    let (_serial, spans) = exporter();

    // At the limit: every source, nothing reported.
    let (chain, reported) = recorded_chain(spans, &Chain::of(MAX_ERROR_SOURCES));
    assert_eq!(chain.len(), MAX_ERROR_SOURCES);
    assert_eq!(chain[0], "level 1");
    assert_eq!(
        chain[MAX_ERROR_SOURCES - 1],
        format!("level {MAX_ERROR_SOURCES}")
    );
    assert!(!reported);

    // One past it: the first ones kept, the cut reported.
    let (chain, reported) = recorded_chain(spans, &Chain::of(MAX_ERROR_SOURCES + 1));
    assert_eq!(chain.len(), MAX_ERROR_SOURCES);
    assert_eq!(
        chain[MAX_ERROR_SOURCES - 1],
        format!("level {MAX_ERROR_SOURCES}")
    );
    assert!(reported);

    // Endless: the same, and the call returns.
    let (chain, reported) = recorded_chain(spans, &OwnSource);
    assert_eq!(chain, vec!["again".to_owned(); MAX_ERROR_SOURCES]);
    assert!(reported);
}

/// An error whose `Display` reads the current span, as a logging error
/// type might.
#[derive(Debug)]
struct Logging(Option<Box<Logging>>);

impl fmt::Display for Logging {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let span = baton::current_span().map(|s| s.name());
        write!(f, "in {}", span.unwrap_or_default())
    }
}

impl Error for Logging {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

#[test]
fn the_chain_is_written_before_the_span_is_borrowed() {
    // The walk that cuts the chain must stay outside the span's record:
    // each source's `Display` is the application's code.
    let (_serial, spans) = exporter();
    let guard = baton::span("entered").enter();
    guard.record_error(&Logging(Some(Box::new(Logging(None)))));
    drop(guard);
    let finished = spans.take();
    let chain = finished[0].events[0]
        .attributes
        .iter()
        .find(|kv| kv.key == "exception.source_chain")
        .map(|kv| kv.value.to_string());
    assert_eq!(chain.as_deref(), Some("[in entered]"));
}

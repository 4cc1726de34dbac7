//! `SpanProcessor::on_start` sees every recording span however it starts
//! (`start`, `enter`, `in_span`, a future's `in_span`), and may write to it;
//! a processor that says it does not observe starts is never called.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Waker};
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanProcessor};
use baton::{FutureExt, InMemoryExporter, Span, SpanData, Value};

/// Counts starts and tags each started span, then hands ended spans to
/// `ended`; `observes` is what it says of itself.
struct Starts {
    seen: Arc<AtomicU64>,
    observes: bool,
    ended: SimpleProcessor,
}

impl SpanProcessor for Starts {
    fn on_start(&self, span: &Span, _: &baton::Context) {
        self.seen.fetch_add(1, Ordering::SeqCst);
        span.set_attribute("started.by", "processor");
    }

    fn observes_start(&self) -> bool {
        self.observes
    }

    fn on_end(&self, span: SpanData) {
        self.ended.on_end(span);
    }

    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.ended.force_flush(deadline)
    }

    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.ended.shutdown(deadline)
    }
}

/// Starts a span each way there is.
fn start_four_spans() {
    drop(baton::span("started").start());
    drop(baton::span("entered").enter());
    baton::in_span("in_span", || {});
    let fut = pin!(async {}.in_span(baton::span("future")));
    assert!(fut
        .poll(&mut TaskContext::from_waker(Waker::noop()))
        .is_ready());
}

/// The pipeline is per process: the two cases take turns.
static TURN: Mutex<()> = Mutex::new(());

fn run(observes: bool) -> (u64, Vec<SpanData>) {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = Arc::new(AtomicU64::new(0));
    let memory = InMemoryExporter::default();
    let processor = Starts {
        seen: Arc::clone(&seen),
        observes,
        ended: SimpleProcessor::new(memory.clone()),
    };
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    start_four_spans();
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    (seen.load(Ordering::SeqCst), memory.take())
}

#[test]
fn on_start_sees_every_recording_span_and_may_write_to_it() {
    let (seen, spans) = run(true);
    assert_eq!(seen, 4);
    assert_eq!(spans.len(), 4);
    for span in &spans {
        assert_eq!(
            span.attribute("started.by"),
            Some(&Value::from("processor")),
            "{}",
            span.name
        );
    }
}

#[test]
fn a_processor_that_does_not_observe_starts_is_not_called() {
    let (seen, spans) = run(false);
    assert_eq!(seen, 0);
    assert_eq!(spans.len(), 4);
    assert!(spans.iter().all(|s| s.attribute("started.by").is_none()));
}

//! A span that a panic unwinds records that panic's message, also past a
//! span processor's `on_end` or a sampler that panicked on the way, which
//! baton catches there (a second panic escaping a drop would abort). Bug:
//! the panic hook had noted the caught panic, and the spans unwound after
//! it recorded "processor bug" or "sampler bug" as their status. Its own
//! process: it installs pipelines and a panic hook.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use std::time::Instant;

use baton::export::{ExportError, SpanProcessor};
use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{span, Config, InMemoryExporter, SpanData, Status};

static ENDED: Mutex<Vec<(String, Status)>> = Mutex::new(Vec::new());

/// Panics on the span named "inner"; keeps the others.
struct PanicsOnInner;

impl SpanProcessor for PanicsOnInner {
    fn on_end(&self, span: SpanData) {
        if span.name == "inner" {
            panic!("processor bug");
        }
        ENDED
            .lock()
            .unwrap()
            .push((span.name.into_owned(), span.status));
    }

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Samples every span but "in drop", on which it panics.
struct PanicsInDrop;

impl Sampler for PanicsInDrop {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        assert_ne!(params.name, "in drop", "sampler bug");
        SamplingDecision::RecordAndSample.into()
    }

    fn description(&self) -> String {
        "PanicsInDrop".into()
    }
}

/// Starts "in drop" when dropped.
struct StartsInDrop;

impl Drop for StartsInDrop {
    fn drop(&mut self) {
        drop(span("in drop").enter());
    }
}

fn declined() -> Status {
    Status::Error {
        description: "payment declined".into(),
    }
}

#[test]
fn spans_record_the_unwinding_panic_past_a_processor_or_sampler_that_panicked() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info.payload().downcast_ref::<&str>().copied();
        let expected = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|s| s.contains("sampler bug"));
        if !expected && !matches!(text, Some("payment declined" | "processor bug")) {
            report(info);
        }
    }));
    let pipeline = baton::init(Config::new().processor(PanicsOnInner)).unwrap();
    let caught = catch_unwind(|| {
        let _outer = span("outer").enter();
        let _inner = span("inner").enter();
        panic!("payment declined");
    });
    assert!(caught.is_err());
    assert_eq!(*ENDED.lock().unwrap(), [("outer".to_owned(), declined())]);
    drop(pipeline);

    let spans = InMemoryExporter::default();
    let _pipeline =
        baton::init(Config::new().sampler(PanicsInDrop).exporter(spans.clone())).unwrap();
    let caught = catch_unwind(AssertUnwindSafe(|| {
        let _outer = span("outer").enter();
        let _starts = StartsInDrop;
        panic!("payment declined");
    }));
    assert!(caught.is_err());
    let ended: Vec<_> = spans
        .take()
        .into_iter()
        .map(|s| (s.name.into_owned(), s.status))
        .collect();
    assert_eq!(ended, [("outer".to_owned(), declined())]);
}

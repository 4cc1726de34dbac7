//! A wrapped job that returns with guards still live has them taken off
//! and their spans ended, innermost first. Bug: when the processor panicked
//! ending one of them, the panic left the loop ending them, and the spans
//! outside it were dropped unended: never exported, never reported. Now
//! they end as spans a panic unwinds past do, recording the processor's
//! panic, as the parent of a span whose processor panicked records it. Its
//! own process: it installs a pipeline.

#[path = "common/panics_on_span.rs"]
mod panics_on_span;

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{Config, InMemoryExporter, Status};
use panics_on_span::PanicsOn;

#[test]
fn every_span_a_job_leaked_ends_when_the_processor_panics_on_one() {
    let spans = InMemoryExporter::default();
    let processor = PanicsOn::new("inner leaked", &spans);
    let _pipeline = baton::init(Config::new().processor(processor)).unwrap();

    let job = baton::copy_context_to_thread(|| {
        std::mem::forget(baton::span("outer leaked").enter());
        std::mem::forget(baton::span("middle leaked").enter());
        std::mem::forget(baton::span("inner leaked").enter());
    });
    let depth = baton::__stack_depth();
    let caught = catch_unwind(AssertUnwindSafe(job)).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"processor bug"));
    assert_eq!(baton::__stack_depth(), depth);

    let ended: Vec<_> = spans
        .take()
        .into_iter()
        .map(|s| (s.name.into_owned(), s.status))
        .collect();
    let failed = Status::Error {
        description: "processor bug".into(),
    };
    assert_eq!(
        ended,
        [
            ("middle leaked".to_owned(), failed.clone()),
            ("outer leaked".to_owned(), failed),
        ]
    );
}

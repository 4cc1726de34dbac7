//! A future that leaked guards (`mem::forget`) has their spans ended when
//! it drops, then its own span. Bug: when the processor panicked ending one
//! of the leaked spans, the panic left the loop in `future::close`'s
//! `Rest::drop`, and the leaked spans after it were dropped unended: never
//! exported, never reported. They now end as a wrapped job's leaked spans
//! do, innermost first, the rest recording the processor's panic. Its own
//! process: it installs a pipeline.

mod common;

#[path = "common/panics_on_span.rs"]
mod panics_on_span;

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{Config, FutureExt, InMemoryExporter};
use panics_on_span::PanicsOn;

#[test]
fn every_span_a_future_leaked_ends_when_the_processor_panics_on_one() {
    let spans = InMemoryExporter::default();
    let processor = PanicsOn::new("outer leaked", &spans);
    let _pipeline = baton::init(Config::new().processor(processor)).unwrap();

    let mut fut = Box::pin(
        async {
            std::mem::forget(baton::span("outer leaked").enter());
            std::mem::forget(baton::span("inner leaked").enter());
            std::future::pending::<()>().await;
        }
        .in_span(baton::span("future")),
    );
    assert!(common::poll_once(fut.as_mut()).is_pending());
    let depth = baton::__stack_depth();
    let caught = catch_unwind(AssertUnwindSafe(move || drop(fut))).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"processor bug"));
    assert_eq!(baton::__stack_depth(), depth);

    let ended: Vec<_> = spans
        .take()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect();
    assert_eq!(ended, ["inner leaked", "future"]);
}

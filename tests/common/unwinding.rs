//! A request that panics inside two spans, "outer" and "inner", under a
//! pipeline whose exporter the test chooses: what the spans record of the
//! panic unwinding past them.
//!
//! Include it with `#[path = "common/unwinding.rs"] mod unwinding;`.

use std::panic::catch_unwind;

use baton::export::SpanExporter;
use baton::{span, Config, InMemoryExporter, Status};

/// Sets a panic hook that prints nothing for the panics whose message is
/// one of `expected` (and prints any other), then starts a recording span
/// outside any panic, which installs baton's hook after it.
pub fn quiet_for(expected: &'static [&'static str]) {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !expected
            .iter()
            .any(|e| info.payload().downcast_ref::<&str>() == Some(e))
        {
            quiet(info);
        }
    }));
    drop(span("installs the hook").start());
}

/// Panics "payment declined" inside "outer" and "inner" under a pipeline
/// exporting through `exporter`, which exports into `spans`; the spans
/// exported, by name (sorted) and status.
pub fn unwound(exporter: impl SpanExporter, spans: &InMemoryExporter) -> Vec<(String, Status)> {
    let pipeline = baton::init(Config::new().exporter(exporter)).unwrap();
    let caught = catch_unwind(|| {
        let _outer = span("outer").enter();
        let _inner = span("inner").enter();
        panic!("payment declined");
    });
    assert_eq!(
        caught.unwrap_err().downcast_ref::<&str>(),
        Some(&"payment declined")
    );
    assert_eq!(baton::__stack_depth(), 0);
    drop(pipeline);
    let mut by_name: Vec<_> = spans
        .take()
        .into_iter()
        .map(|s| (s.name.into_owned(), s.status))
        .collect();
    by_name.sort_by(|a, b| a.0.cmp(&b.0));
    by_name
}

/// The status of a span the request's panic unwound past.
pub fn declined() -> Status {
    Status::Error {
        description: "payment declined".into(),
    }
}

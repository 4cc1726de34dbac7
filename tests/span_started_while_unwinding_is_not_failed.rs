//! A span started while its thread unwinds a panic (cleanup code in a
//! `Drop` recording its work, a rollback) did not have that panic pass
//! through it. Bug: every span ended during the unwinding recorded it, so
//! the rollback was exported as failed, with an `exception.escaped=true`
//! event for a panic it never saw ("panic whose message baton's panic hook
//! did not see"). A panic that begins inside such a span, and escapes it,
//! still marks it. Its own process: the panic hook is the process's.

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{InMemoryExporter, SpanData, Status};

/// Records a rollback, entered and started, when dropped.
struct Rollback;

impl Drop for Rollback {
    fn drop(&mut self) {
        baton::in_span("rollback", || {});
        drop(baton::span("rollback started").start());
        drop(baton::span("rollback root").root().enter());
    }
}

/// Retries when dropped, and the retry panics.
struct Retry;

impl Drop for Retry {
    fn drop(&mut self) {
        // A panic raised and escaping a span started here passes through it.
        let _ = catch_unwind(|| {
            let _retry = baton::span("retry").enter();
            panic!("retry failed");
        });
    }
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|s| s.name == name).unwrap()
}

fn error(description: &str) -> Status {
    Status::Error {
        description: description.to_owned().into(),
    }
}

#[test]
fn only_the_spans_a_panic_passes_through_record_it() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    // A first span installs the panic hook.
    baton::in_span("warm-up", || {});

    let caught = catch_unwind(AssertUnwindSafe(|| {
        let _request = baton::span("request").enter();
        let _rollback = Rollback;
        panic!("request failed");
    }));
    assert!(caught.is_err());
    let finished = spans.take();

    let request = named(&finished, "request");
    assert_eq!(request.status, error("request failed"));
    assert_eq!(request.events.len(), 1);
    for cleanup in ["rollback", "rollback started", "rollback root"] {
        let span = named(&finished, cleanup);
        assert_eq!(span.status, Status::Unset, "{cleanup}");
        assert!(span.events.is_empty(), "{cleanup}: {:?}", span.events);
    }
    assert_eq!(
        named(&finished, "rollback").parent_span_id,
        Some(request.span_context.span_id())
    );

    let caught = catch_unwind(|| {
        let _retry = Retry;
        panic!("request failed");
    });
    assert!(caught.is_err());
    let finished = spans.take();
    let retry = named(&finished, "retry");
    assert_eq!(retry.status, error("retry failed"));
    assert_eq!(retry.events[0].name, "exception");

    // An unwinding the hook never sees begin: `resume_unwind` runs no hook.
    // The span it passes through records it; the cleanup span does not.
    let caught = catch_unwind(|| {
        let _request = baton::span("resumed request").enter();
        let _rollback = Rollback;
        std::panic::resume_unwind(Box::new("resumed"));
    });
    assert!(caught.is_err());
    let finished = spans.take();
    assert!(matches!(
        named(&finished, "resumed request").status,
        Status::Error { .. }
    ));
    for cleanup in ["rollback", "rollback started", "rollback root"] {
        let span = named(&finished, cleanup);
        assert_eq!(span.status, Status::Unset, "{cleanup}");
        assert!(span.events.is_empty(), "{cleanup}: {:?}", span.events);
    }

    // Spans after the panic record as usual.
    baton::in_span("after", || {});
    assert_eq!(spans.take()[0].status, Status::Unset);
}

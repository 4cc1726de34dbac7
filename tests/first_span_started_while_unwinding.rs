//! The first recording span of a process may start while its thread
//! unwinds a panic (cleanup code in a `Drop` recording its work). Bug: that
//! span installed baton's panic hook, the standard library panics when the
//! hook is changed from a panicking thread, and that panic, in a drop during
//! unwinding, aborted the process. Now the hook waits for the next span
//! started otherwise. Its own process: the first recording span, the
//! pipeline and the panic hook are the process's.

use baton::{InMemoryExporter, Status};

/// Records its cleanup in a span when dropped.
struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        baton::in_span("rollback", || {});
    }
}

#[test]
fn the_first_span_started_while_a_panic_unwinds_does_not_abort() {
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let caught = std::panic::catch_unwind(|| {
        let _cleanup = Cleanup;
        panic!("before any span");
    });
    assert!(caught.is_err());
    let finished = spans.take();
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].name, "rollback");
    // Started while the panic unwound, it did not fail by it.
    assert_eq!(finished[0].status, Status::Unset);
    assert!(finished[0].events.is_empty());

    // The next span started outside a panic installs the hook: a panic
    // escaping a span later records its message.
    let caught = std::panic::catch_unwind(|| {
        let _g = baton::span("request").enter();
        panic!("out of stock");
    });
    assert!(caught.is_err());
    let finished = spans.take();
    assert_eq!(
        finished[0].status,
        Status::Error {
            description: "out of stock".into()
        }
    );
}

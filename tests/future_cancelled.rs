//! A wrapped future dropped before it completes (cancelled) ends its span
//! when it is dropped, on the thread that drops it, with the status the
//! future gave it; dropped while a panic unwinds, the span records the
//! panic.

mod common;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::{Context, Waker};

use baton::{span, FutureExt, Status};
use common::YieldN;

#[test]
fn a_future_cancelled_on_another_thread_ends_its_span_there_unset() {
    common::exporter();
    let outer = span("outer").enter();
    let trace_id = outer.trace_id();
    let mut fut = Box::pin(YieldN(3).in_span(span("cancelled")));
    drop(outer);
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    let before_drop = baton::now_unix_nanos();
    std::thread::spawn(move || drop(fut)).join().unwrap();
    assert_eq!(common::tree(trace_id), "outer\n  cancelled\n");
    let spans = common::spans_of(trace_id);
    let cancelled = spans.iter().find(|s| s.name == "cancelled").unwrap();
    assert_eq!(cancelled.status, Status::Unset);
    assert!(cancelled.end_unix_nanos >= before_drop);
    assert_eq!(baton::__stack_depth(), 0);
}

#[test]
fn a_future_dropped_while_a_panic_unwinds_records_the_panic() {
    common::exporter();
    let root = span("request").root().start();
    let trace_id = root.trace_id();
    let cx = root.context();
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        let _fut = async {}.in_span(span("pending").parent(&cx));
        panic!("request failed");
    }));
    assert!(unwound.is_err());
    drop(root);
    let spans = common::spans_of(trace_id);
    let pending = spans.iter().find(|s| s.name == "pending").unwrap();
    assert_eq!(
        pending.status,
        Status::Error {
            description: "request failed".into()
        }
    );
}

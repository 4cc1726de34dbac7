//! Spans ended and guards dropped from thread-local destructors, after
//! baton's own thread-locals may be gone, never panic.

mod common;

use std::cell::RefCell;

thread_local! {
    static HELD: RefCell<Vec<Box<dyn std::any::Any>>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn open_spans_and_guards_in_thread_locals_end_quietly_at_thread_exit() {
    common::exporter();
    let (trace_tx, trace_rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let root = baton::span("worker").start();
        trace_tx.send(root.trace_id()).unwrap();
        let guard = root.context().attach();
        let child = baton::span("unfinished").enter();
        // Keep everything alive until this thread's locals are destroyed, in
        // whatever order the runtime picks.
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            h.push(Box::new(root));
            h.push(Box::new(child));
        });
        std::mem::forget(guard);
    });
    handle.join().expect("thread teardown must not panic");
    let trace_id = trace_rx.recv().unwrap();
    let names: Vec<String> = common::spans_of(trace_id)
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert!(
        names.contains(&"worker".to_owned()) && names.contains(&"unfinished".to_owned()),
        "the spans still ended: {names:?}"
    );
}

#[test]
fn a_guard_kept_past_the_threads_stack_still_ends_its_span() {
    common::exporter();
    let (trace_tx, trace_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Used before baton's stack, so destroyed after it: thread-locals
        // are destroyed in the reverse order of their first use here.
        HELD.with(|_| {});
        let guard = baton::span("held past the stack").enter();
        drop(baton::span("its child").enter());
        trace_tx.send(guard.trace_id()).unwrap();
        HELD.with(|h| h.borrow_mut().push(Box::new(guard)));
    })
    .join()
    .expect("thread teardown must not panic");
    let names: Vec<String> = common::spans_of(trace_rx.recv().unwrap())
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["its child", "held past the stack"]);
}

#[test]
fn spans_still_work_on_a_thread_whose_stack_was_never_used() {
    common::exporter();
    let id = std::thread::spawn(|| baton::span("first").start().span_id())
        .join()
        .unwrap();
    assert_ne!(id.to_u64(), 0);
}

#[test]
fn a_span_ended_out_of_order_is_not_ended_again_at_thread_exit() {
    common::exporter();
    let trace = std::thread::spawn(|| {
        let outer = baton::span("ended out of order").enter();
        let trace = outer.trace_id();
        let inner = baton::span("open at exit").enter();
        // Its frame stays under the live one, dead; the span ends here.
        drop(outer);
        std::mem::forget(inner);
        trace
    })
    .join()
    .unwrap();
    let names: Vec<String> = common::spans_of(trace)
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(names, ["ended out of order", "open at exit"]);
}

//! A panic that unwinds through nested span guards restores each parent, and
//! after `catch_unwind` the thread's context is what it was before.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::{in_span, span};

#[test]
fn panic_through_three_nested_spans() {
    common::exporter();
    let outer = span("outer").enter();
    let trace_id = outer.trace_id();
    let before = baton::Context::current();
    let result = catch_unwind(AssertUnwindSafe(|| {
        in_span("a", || {
            let _b = span("b").enter();
            in_span("c", || -> () { panic!("boom") })
        })
    }));
    assert!(result.is_err());
    assert!(
        baton::Context::current().ptr_eq(&before),
        "the context is restored"
    );
    assert_eq!(baton::current_span().unwrap().name(), "outer");
    assert_eq!(baton::__stack_depth(), 1);
    drop(outer);
    assert_eq!(baton::__stack_depth(), 0);
    // Every unwound span still ended and was exported, correctly nested.
    assert_eq!(common::tree(trace_id), "outer\n  a\n    b\n      c\n");
}

#[test]
fn panic_inside_attached_contexts_restores_the_empty_context() {
    let result = catch_unwind(|| {
        let _g = baton::set_baggage("k", "1");
        let _h = baton::set_baggage("k", "2");
        panic!("boom");
    });
    assert!(result.is_err());
    assert_eq!(baton::baggage("k"), None);
    assert!(baton::Context::current().is_empty());
}

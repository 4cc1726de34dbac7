//! `new_trace_context` starts an isolated scope: the next span is a root, and
//! the surrounding context comes back when the guard drops.

mod common;

#[test]
fn spans_in_a_new_trace_context_are_roots() {
    common::exporter();
    let _outer = baton::span("outer").enter();
    let _b = baton::set_baggage("k", "v");
    let outer_trace = _outer.trace_id();
    let inner_trace = {
        let _g = baton::new_trace_context();
        assert!(baton::current_span().is_none());
        assert_eq!(baton::baggage("k"), None);
        let root = baton::span("fresh").enter();
        assert_eq!(root.parent_span_id(), None);
        assert!(
            root.span_context().flags().is_random(),
            "a new root trace id is random"
        );
        root.trace_id()
    };
    assert_ne!(inner_trace, outer_trace);
    assert_eq!(baton::current_span().unwrap().trace_id(), outer_trace);
    assert_eq!(baton::baggage("k").as_deref(), Some("v"));
    assert_eq!(common::tree(inner_trace), "fresh\n");
}

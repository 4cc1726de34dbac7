//! Past `MAX_CONTEXT_DEPTH` frames, attaching does nothing and reports a
//! diagnostic; it never panics or grows without bound.

use baton::{diagnostic_count, DiagnosticKind, MAX_CONTEXT_DEPTH};

#[test]
fn attaching_past_the_limit_is_a_reported_no_op() {
    let mut guards = Vec::new();
    for i in 0..MAX_CONTEXT_DEPTH {
        guards.push(
            baton::Context::default()
                .with_baggage("d", &i.to_string())
                .attach(),
        );
    }
    assert_eq!(baton::__stack_depth(), MAX_CONTEXT_DEPTH);
    let before = diagnostic_count(DiagnosticKind::ContextDepthExceeded);
    let extra = baton::set_baggage("d", "too deep");
    assert_eq!(
        baton::__stack_depth(),
        MAX_CONTEXT_DEPTH,
        "at the limit: no growth"
    );
    assert_eq!(
        diagnostic_count(DiagnosticKind::ContextDepthExceeded),
        before + 1
    );
    let last = (MAX_CONTEXT_DEPTH - 1).to_string();
    assert_eq!(baton::baggage("d").as_deref(), Some(last.as_str()));
    drop(extra); // dropping the no-op guard pops nothing
    assert_eq!(baton::__stack_depth(), MAX_CONTEXT_DEPTH);
    guards.pop();
    assert_eq!(baton::__stack_depth(), MAX_CONTEXT_DEPTH - 1);
    let fits = baton::set_baggage("d", "fits again");
    assert_eq!(baton::baggage("d").as_deref(), Some("fits again"));
    drop(fits);
    while guards.pop().is_some() {}
    assert_eq!(baton::__stack_depth(), 0);
}

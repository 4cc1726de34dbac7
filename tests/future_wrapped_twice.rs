//! A future wrapped twice, `.in_span(a).in_span(b)`: each wrapper starts
//! its span where it is made, so "a" and "b" are both children of the span
//! current then; polled on another thread, the innermost wrapper's span
//! "a" is current inside the future and parents what it starts, and the
//! thread that made it is back in its own span.

mod common;

use baton::{span, FutureExt};

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn the_inner_wrappers_span_is_current_and_both_are_children_of_the_outer() {
    let spans = common::record(|| {
        let _outer = span("outer").enter();
        let fut = async {
            assert_eq!(name().as_deref(), Some("a"));
            common::YieldN(2).await;
            baton::in_span("child", || assert_eq!(name().as_deref(), Some("child")));
            common::YieldN(1).await;
            assert_eq!(name().as_deref(), Some("a"));
        }
        .in_span(span("a"))
        .in_span(span("b"));
        std::thread::spawn(move || common::block_on(fut))
            .join()
            .unwrap();
        assert_eq!(name().as_deref(), Some("outer"));
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(spans.len(), 4);
    assert_eq!(find("child").parent_span_id, Some(find("a").span_id()));
    assert_eq!(find("a").parent_span_id, Some(find("outer").span_id()));
    assert_eq!(find("b").parent_span_id, Some(find("outer").span_id()));
}

//! A future polled from inside another's poll (a nested `block_on`, a
//! waker that polls another task as it is woken), both holding guards
//! across `.await`: inside each poll only that future's context is
//! current, the outer future's is current again after the inner poll, and
//! the spans each starts are children of its own.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context as TaskContext, Waker};

use baton::{span, FutureExt};

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn a_nested_block_on_runs_the_inner_future_in_its_own_context() {
    let spans = common::record(|| {
        let a = async {
            assert_eq!(name().as_deref(), Some("a"));
            common::YieldN(2).await;
            let _g = span("in a").enter();
            common::YieldN(2).await;
            assert_eq!(name().as_deref(), Some("in a"));
        }
        .in_span(span("a"));
        let b = async move {
            let _g = span("in b").enter();
            common::YieldN(1).await;
            common::block_on(a);
            assert_eq!(name().as_deref(), Some("in b"));
            // Wrapped inside the held guard's span: polled where it is
            // current already.
            let inner = async {
                assert_eq!(name().as_deref(), Some("in b"));
                common::YieldN(1).await;
                let _x = span("inner child").enter();
                common::YieldN(1).await;
            }
            .in_current_context();
            common::block_on(inner);
            assert_eq!(name().as_deref(), Some("in b"));
            common::YieldN(1).await;
        }
        .in_span(span("b"));
        common::block_on(b);
        assert_eq!(name(), None);
        assert_eq!(baton::__stack_depth(), 0);
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(spans.len(), 5);
    assert_eq!(find("in a").parent_span_id, Some(find("a").span_id()));
    assert_eq!(find("in b").parent_span_id, Some(find("b").span_id()));
    assert_eq!(
        find("inner child").parent_span_id,
        Some(find("in b").span_id())
    );
}

type Task = Pin<Box<dyn Future<Output = ()>>>;

#[test]
fn a_task_polled_by_a_waker_inside_another_poll_sees_only_its_own_context() {
    let spans = common::record(|| {
        let other: Task = Box::pin(
            async {
                let _g = span("other held").enter();
                loop {
                    assert_eq!(name().as_deref(), Some("other held"));
                    common::YieldN(1).await;
                }
            }
            .in_span(span("other")),
        );
        let other = Rc::new(RefCell::new(Some(other)));
        let seen_after = Rc::new(RefCell::new(Vec::new()));
        // What a waker that runs the woken task at once does.
        let wake_other = {
            let (other, seen_after) = (other.clone(), seen_after.clone());
            move || {
                let mut task = other.borrow_mut();
                let task = task.as_mut().unwrap();
                assert!(task
                    .as_mut()
                    .poll(&mut TaskContext::from_waker(Waker::noop()))
                    .is_pending());
                seen_after.borrow_mut().push(name());
            }
        };
        let wake_again = wake_other.clone();
        let main = async move {
            let _g = span("main held").enter();
            wake_other();
            common::YieldN(1).await;
            wake_again();
            assert_eq!(name().as_deref(), Some("main held"));
        }
        .in_span(span("main"));
        let _outer = span("outer").enter();
        common::block_on(main);
        assert_eq!(name().as_deref(), Some("outer"));
        drop(other.borrow_mut().take());
        assert_eq!(name().as_deref(), Some("outer"));
        let main_held = Some("main held".to_owned());
        assert_eq!(*seen_after.borrow(), [main_held.clone(), main_held]);
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(spans.len(), 5);
    assert_eq!(
        find("other held").parent_span_id,
        Some(find("other").span_id())
    );
    assert_eq!(
        find("main held").parent_span_id,
        Some(find("main").span_id())
    );
    assert_eq!(baton::__stack_depth(), 0);
}

//! A `Send` future that forgot a guard (its frame set aside at the poll)
//! and moves to other threads: the leaked span stays current inside the
//! future on every thread and parents what it starts, no thread that
//! polled it keeps its frame, and the span ends once, with the future; a
//! poll that panics after the leak records the panic in both spans, and
//! the future dropped on another thread ends them there.

mod common;

use baton::{span, FutureExt};

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn the_leaked_span_stays_the_futures_on_every_thread() {
    let spans = common::record(|| {
        let mut fut = Box::pin(
            async {
                std::mem::forget(span("leaked").enter());
                common::YieldN(1).await;
                assert_eq!(name().as_deref(), Some("leaked"));
                baton::in_span("child", || {});
                common::YieldN(1).await;
                assert_eq!(name().as_deref(), Some("leaked"));
            }
            .in_span(span("task")),
        );
        assert!(common::poll_once(fut.as_mut()).is_pending());
        assert_eq!(name(), None);
        assert_eq!(baton::__stack_depth(), 0);
        let mut fut = std::thread::spawn(move || {
            let _worker = span("worker").enter();
            assert!(common::poll_once(fut.as_mut()).is_pending());
            assert_eq!(name().as_deref(), Some("worker"));
            assert_eq!(baton::__stack_depth(), 1);
            fut
        })
        .join()
        .unwrap();
        std::thread::spawn(move || {
            assert!(common::poll_once(fut.as_mut()).is_ready());
            assert_eq!(name(), None);
            assert_eq!(baton::__stack_depth(), 0);
        })
        .join()
        .unwrap();
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(find("child").parent_span_id, Some(find("leaked").span_id()));
    assert_eq!(find("leaked").parent_span_id, Some(find("task").span_id()));
    assert_eq!(find("worker").parent_span_id, None);
}

#[test]
fn a_poll_panicking_after_the_leak_fails_both_spans_and_another_thread_ends_them() {
    let spans = common::record(|| {
        let mut fut = Box::pin(
            async {
                std::mem::forget(span("leaked").enter());
                common::YieldN(1).await;
                panic!("boom");
            }
            .in_span(span("task")),
        );
        let _outer = span("outer").enter();
        assert!(common::poll_once(fut.as_mut()).is_pending());
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            common::poll_once(fut.as_mut())
        }));
        assert!(polled.is_err());
        assert_eq!(name().as_deref(), Some("outer"));
        assert_eq!(baton::__stack_depth(), 1);
        std::thread::spawn(move || drop(fut)).join().unwrap();
        assert_eq!(name().as_deref(), Some("outer"));
    });
    let boom = baton::Status::Error {
        description: "boom".into(),
    };
    for n in ["leaked", "task"] {
        let found: Vec<_> = spans.iter().filter(|s| s.name == n).collect();
        assert_eq!(found.len(), 1, "{n}: {spans:?}");
        assert_eq!(found[0].status, boom, "{n}");
    }
}

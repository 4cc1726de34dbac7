//! A future that left a guard's frame live (forgotten) is moved to another
//! thread, where its next poll puts that frame back on top of the stack.
//! Frame keys count per thread, so the frame may carry the key of a guard
//! of the new thread: dropped there while the future runs above its own
//! frame, that guard must come off as any guard dropped out of order (its
//! frame marked dead, reported), not take the future's frame in its place.
//! Its own process: it counts diagnostics.

mod common;

use std::cell::RefCell;

use baton::{diagnostic_count, span, DiagnosticKind, FutureExt, SpanGuard};

thread_local! {
    static STASH: RefCell<Option<SpanGuard>> = const { RefCell::new(None) };
}

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn a_frame_from_another_thread_is_not_taken_for_a_guards_own() {
    let spans = common::record(|| {
        let mut moved = Box::pin(
            async {
                std::mem::forget(span("leaked").enter());
                common::YieldN(1).await;
                assert_eq!(name().as_deref(), Some("leaked"));
                // A guard of this thread whose frame is under this
                // future's: dropped out of order.
                drop(STASH.with(|s| s.borrow_mut().take()));
                assert_eq!(name().as_deref(), Some("leaked"));
                baton::in_span("after the drop", || {});
            }
            .in_span(span("moved")),
        );
        // Its first poll, on a fresh thread, pushes that thread's frames
        // 1 and 2, and sets frame 2 ("leaked") aside.
        let mut moved = std::thread::spawn(move || {
            assert!(!common::poll_once(moved.as_mut()).is_ready());
            moved
        })
        .join()
        .unwrap();
        std::thread::spawn(move || {
            let mut local = Box::pin(
                async move {
                    // Frames 1 and 2 of this fresh thread, as above: the
                    // stashed guard's frame has the key of "leaked".
                    STASH.with(|s| *s.borrow_mut() = Some(span("stashed").enter()));
                    common::YieldN(1).await;
                    // Its frame is back, above where it was made.
                    assert_eq!(name().as_deref(), Some("stashed"));
                    let before = diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
                    assert!(common::poll_once(moved.as_mut()).is_ready());
                    let reported =
                        diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - before;
                    assert_eq!(reported, 1, "the stashed guard's drop is reported");
                    assert_eq!(name().as_deref(), Some("local"));
                }
                .in_span(span("local")),
            );
            assert!(!common::poll_once(local.as_mut()).is_ready());
            let _worker = span("worker").enter();
            assert!(common::poll_once(local.as_mut()).is_ready());
            assert_eq!(name().as_deref(), Some("worker"));
            assert_eq!(baton::__stack_depth(), 1);
        })
        .join()
        .unwrap();
    });
    let find = |n: &str| common::named(&spans, n);
    assert_eq!(
        find("after the drop").parent_span_id,
        Some(find("leaked").span_id())
    );
    assert_eq!(find("leaked").parent_span_id, Some(find("moved").span_id()));
    assert_eq!(
        find("stashed").parent_span_id,
        Some(find("local").span_id())
    );
    // "leaked" ended with its future, after the stashed guard's drop.
    assert!(find("leaked").end_unix_nanos >= find("after the drop").end_unix_nanos);
}

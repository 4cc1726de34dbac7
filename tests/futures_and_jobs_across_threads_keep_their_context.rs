//! An audit of combinations of futures and wrapped jobs across threads
//! that no other test covers, checking at every step that the current
//! span, baggage, session and depth, `Context::current()`, `current_span()`,
//! `log_ids()`, `current_trace_id()` and `current_span_id()` agree, that
//! each poll or job sees its own context and leaves the thread's as it was,
//! and that every span is exported once with its parent:
//! - a future wrapped three times (`in_span`, `in_current_context`,
//!   `in_context`) that forgets `set_baggage`, `session` and span guards,
//!   polled on three threads each with a context of its own and cancelled
//!   on a fourth;
//! - inside a poll: a wrapped job that panics after leaving guards live
//!   (caught in the poll), a job run on another thread, a
//!   `copy_context_to_fn` run twice, and a job captured there and run after
//!   the future was cancelled on another thread;
//! - a guard held across `.await` by one future, handed to a second future
//!   on the same thread and dropped in its poll (reported; the first keeps
//!   the span current until it ends, as `SET_ASIDE` says);
//! - a `copy_context_to_fn` that calls itself, here and on another thread:
//!   each call runs in the captured context, not its caller's.
//!
//! Found: all sound on the current code.

mod common;

use baton::{span, Context, FutureExt};
use std::cell::RefCell;
use std::rc::Rc;
use std::thread;

#[derive(Debug, PartialEq, Clone)]
struct Snap {
    name: Option<String>,
    k: Option<String>,
    session: Option<String>,
    depth: usize,
    trace: Option<baton::TraceId>,
    span_id: Option<baton::SpanId>,
}

fn snap() -> Snap {
    let cx = Context::current();
    let sc = cx.span_context().filter(|s| s.is_valid()).cloned();
    let ids = baton::log_ids();
    assert_eq!(ids.trace_id(), baton::current_trace_id());
    assert_eq!(ids.span_id(), baton::current_span_id());
    assert_eq!(ids.trace_id(), sc.as_ref().map(|s| s.trace_id()));
    assert_eq!(ids.span_id(), sc.as_ref().map(|s| s.span_id()));
    if let Some(cur) = baton::current_span() {
        assert_eq!(Some(cur.span_id()), ids.span_id());
        assert_eq!(cx.span().map(|s| s.span_id()), Some(cur.span_id()));
    }
    assert_eq!(
        cx.baggage().get("k").map(|s| s.to_owned()),
        baton::baggage("k")
    );
    Snap {
        name: baton::current_span().map(|s| s.name()),
        k: baton::baggage("k"),
        session: baton::current_session().map(|s| s.id().to_owned()),
        depth: baton::__stack_depth(),
        trace: ids.trace_id(),
        span_id: ids.span_id(),
    }
}

#[test]
fn future_wrapped_thrice_polled_on_three_threads_cancelled_on_a_fourth() {
    let spans = common::record(|| {
        let outer = span("outer").enter();
        let b = baton::set_baggage("k", "outer");
        let fut = async {
            let s = snap();
            assert_eq!(s.name.as_deref(), Some("a"));
            assert_eq!(s.k.as_deref(), Some("outer"));
            std::mem::forget(baton::set_baggage("k", "inner"));
            std::mem::forget(baton::session("s1"));
            common::YieldN(1).await;
            let s = snap();
            assert_eq!(s.name.as_deref(), Some("a"));
            assert_eq!(s.k.as_deref(), Some("inner"));
            assert_eq!(s.session.as_deref(), Some("s1"));
            std::mem::forget(span("leaked").enter());
            baton::in_span("child", || {});
            common::YieldN(1).await;
            let s = snap();
            assert_eq!(s.name.as_deref(), Some("leaked"));
            assert_eq!(s.k.as_deref(), Some("inner"));
            std::future::pending::<()>().await;
        }
        .in_span(span("a"))
        .in_current_context();
        let mut fut = Box::pin(fut.in_context(Context::current()));
        drop(b);
        drop(outer);
        let before = snap();
        assert!(common::poll_once(fut.as_mut()).is_pending());
        assert_eq!(snap(), before);
        let mut fut = thread::spawn(move || {
            let _t = span("t1").enter();
            let _b = baton::set_baggage("k", "t1");
            let before = snap();
            assert!(common::poll_once(fut.as_mut()).is_pending());
            assert_eq!(snap(), before);
            fut
        })
        .join()
        .unwrap();
        let mut fut = thread::spawn(move || {
            let _s = baton::session("t2");
            let before = snap();
            assert!(common::poll_once(fut.as_mut()).is_pending());
            assert_eq!(snap(), before);
            fut
        })
        .join()
        .unwrap();
        assert!(common::poll_once(fut.as_mut()).is_pending());
        thread::spawn(move || {
            let _t = span("t3").enter();
            let before = snap();
            drop(fut);
            assert_eq!(snap(), before);
        })
        .join()
        .unwrap();
    });
    let f = |n: &str| common::named(&spans, n);
    assert_eq!(f("a").parent_span_id, Some(f("outer").span_id()));
    assert_eq!(f("child").parent_span_id, Some(f("leaked").span_id()));
    assert_eq!(f("leaked").parent_span_id, Some(f("a").span_id()));
    assert_eq!(spans.len(), 6, "{spans:#?}");
}

#[test]
fn jobs_run_inside_a_poll_and_after_its_future_was_cancelled() {
    let spans = common::record(|| {
        let job_slot = std::sync::Arc::new(std::sync::Mutex::new(None));
        let slot = job_slot.clone();
        let mut fut = Box::pin(
            async move {
                let job = baton::copy_context_to_thread(snap);
                let here = snap();
                // panicking job inside a poll
                let j2 = baton::copy_context_to_thread(|| {
                    let _g = span("in panicking job").enter();
                    std::mem::forget(span("forgot in job").enter());
                    std::mem::forget(baton::set_baggage("k", "job"));
                    panic!("job boom")
                });
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(j2));
                assert!(r.is_err());
                assert_eq!(snap(), here);
                let seen = thread::spawn(job).join().unwrap();
                assert_eq!(seen.span_id, here.span_id);
                let f = baton::copy_context_to_fn(|n: u32| (n, snap()));
                let (_, s1) = f(1);
                let (_, s2) = f(2);
                assert_eq!(s1.span_id, here.span_id);
                assert_eq!(s1, s2);
                *slot.lock().unwrap() = Some(baton::copy_context_to_thread(|| {
                    baton::in_span("late", || {});
                    snap()
                }));
                common::YieldN(1).await;
                std::future::pending::<()>().await;
            }
            .in_span(span("f")),
        );
        let _w = span("w").enter();
        let before = snap();
        assert!(common::poll_once(fut.as_mut()).is_pending());
        assert_eq!(snap(), before);
        thread::spawn(move || drop(fut)).join().unwrap();
        let job = job_slot.lock().unwrap().take().unwrap();
        let s = job();
        assert_eq!(s.name.as_deref(), Some("f"));
        assert_eq!(snap(), before);
    });
    let f = |n: &str| common::named(&spans, n);
    assert_eq!(f("late").parent_span_id, Some(f("f").span_id()));
    assert_eq!(f("in panicking job").parent_span_id, Some(f("f").span_id()));
    assert_eq!(
        f("forgot in job").parent_span_id,
        Some(f("in panicking job").span_id())
    );
    assert_eq!(spans.len(), 5, "{spans:#?}");
}

fn name() -> Option<String> {
    baton::current_span().map(|s| s.name())
}

#[test]
fn guard_held_across_await_dropped_in_another_futures_poll() {
    let spans = common::record(|| {
        let cell: Rc<RefCell<Option<baton::SpanGuard>>> = Rc::default();
        let c1 = cell.clone();
        let a = async move {
            let g = span("held").enter();
            common::YieldN(1).await;
            *c1.borrow_mut() = Some(g);
            common::YieldN(1).await;
            assert_eq!(name().as_deref(), Some("held"));
            baton::in_span("a child", || {});
            common::YieldN(2).await;
            assert_eq!(name().as_deref(), Some("held"));
        }
        .in_span(span("A"));
        let c2 = cell.clone();
        let b = async move {
            common::YieldN(2).await;
            let g = c2.borrow_mut().take();
            assert!(g.is_some());
            assert_eq!(name().as_deref(), Some("B"));
            drop(g);
            assert_eq!(name().as_deref(), Some("B"));
            baton::in_span("b child", || {});
            common::YieldN(1).await;
        }
        .in_span(span("B"));
        let _t = span("thread").enter();
        common::run_round_robin(vec![Box::pin(a), Box::pin(b)]);
        assert_eq!(name().as_deref(), Some("thread"));
        assert_eq!(baton::__stack_depth(), 1);
    });
    let f = |n: &str| common::named(&spans, n);
    assert_eq!(f("held").parent_span_id, Some(f("A").span_id()));
    assert_eq!(f("a child").parent_span_id, Some(f("held").span_id()));
    assert_eq!(f("b child").parent_span_id, Some(f("B").span_id()));
    assert_eq!(spans.len(), 6, "{spans:#?}");
}

#[test]
fn copy_context_to_fn_calling_itself() {
    use std::sync::OnceLock;
    static F: OnceLock<Box<dyn Fn(u32) + Send + Sync>> = OnceLock::new();
    let spans = common::record(|| {
        let _s = span("S").enter();
        let f = baton::copy_context_to_fn(|n: u32| {
            let _c = span(format!("c{n}")).enter();
            if n > 0 {
                (F.get().unwrap())(n - 1)
            }
        });
        F.set(Box::new(f)).ok().unwrap();
        (F.get().unwrap())(3);
        assert_eq!(name().as_deref(), Some("S"));
        std::thread::spawn(|| (F.get().unwrap())(2)).join().unwrap();
    });
    let root = common::named(&spans, "S").span_id();
    assert_eq!(spans.len(), 8, "{spans:#?}");
    for s in spans.iter().filter(|s| s.name != "S") {
        assert_eq!(s.parent_span_id, Some(root), "{s:?}");
    }
}

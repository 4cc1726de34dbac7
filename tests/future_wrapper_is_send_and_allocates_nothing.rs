//! `FutureExt`'s doc: "The wrapped future is `Send` when the inner future
//! is, allocates nothing". Nothing checked either: a wrapper that boxed its
//! future, or held an `Rc`, would still pass every test that polls one.

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use std::future::Future;
use std::task::{Context, Poll, Waker};

use baton::FutureExt;
use counting_alloc::allocated_by;

fn assert_send<T: Send>(t: T) -> T {
    t
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return v;
        }
    }
}

/// Pending once, so the wrapper is polled twice and dropped after.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

#[test]
fn every_wrapper_of_a_send_future_is_send() {
    let _g = baton::set_baggage("tenant", "acme");
    let cx = baton::Context::current();
    let ran = std::thread::spawn(move || {
        // Compile-time: each wrapper moved to another thread.
        let a = assert_send(async { baton::baggage("tenant") }.in_current_context());
        let b = assert_send(async { baton::baggage("tenant") }.in_context(cx));
        let c = assert_send(async { baton::baggage("tenant") }.in_span(baton::span("f")));
        (block_on(a), block_on(b), block_on(c))
    });
    let (a, b, c) = ran.join().unwrap();
    // Captured on this thread, before the move: `in_current_context` saw
    // the spawned thread's empty context, the others what was given.
    assert_eq!(a, None);
    assert_eq!(b.as_deref(), Some("acme"));
    assert_eq!(c, None);
}

#[test]
fn wrapping_polling_and_dropping_a_future_in_a_context_allocates_nothing() {
    let _g = baton::set_baggage("tenant", "acme");
    let cx = baton::Context::current();
    // The thread's stack grows once, on first use: not the wrapper's cost.
    block_on(async { yield_once().await }.in_context(cx.clone()));

    let (seen, bytes) = allocated_by(|| {
        let fut = async {
            yield_once().await;
            baton::Context::current().baggage().get("tenant").is_some()
        };
        block_on(fut.in_context(cx.clone()))
    });
    assert!(seen);
    assert_eq!(bytes, 0, "in_context allocated {bytes} bytes");

    let (seen, bytes) = allocated_by(|| {
        let fut = async {
            yield_once().await;
            baton::Context::current().baggage().get("tenant").is_some()
        };
        block_on(fut.in_current_context())
    });
    assert!(seen);
    assert_eq!(bytes, 0, "in_current_context allocated {bytes} bytes");

    // Polled once, then dropped before it completes, inside its context:
    // nothing either.
    let (pending, bytes) = allocated_by(|| {
        let mut fut = std::pin::pin!(async { yield_once().await }.in_context(cx.clone()));
        fut.as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    });
    assert!(pending);
    assert_eq!(
        bytes, 0,
        "a wrapper dropped pending allocated {bytes} bytes"
    );
}

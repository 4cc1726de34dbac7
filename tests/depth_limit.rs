//! Past `MAX_CONTEXT_DEPTH` frames, attaching does nothing and reports a
//! diagnostic; it never panics or grows without bound.

use std::sync::Mutex;

use baton::{diagnostic_count, DiagnosticKind, MAX_CONTEXT_DEPTH};

/// The diagnostic counters are per process: the tests that count take turns.
static COUNTING: Mutex<()> = Mutex::new(());

#[test]
fn attaching_past_the_limit_is_a_reported_no_op() {
    let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
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

/// Polls `fut` once with a no-op waker.
fn poll_once<F: std::future::Future>(fut: std::pin::Pin<&mut F>) -> std::task::Poll<F::Output> {
    fut.poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
}

#[test]
fn a_future_polled_on_a_full_stack_keeps_its_context_for_later_polls() {
    use baton::FutureExt;
    let _turn = COUNTING.lock().unwrap_or_else(|e| e.into_inner());
    let fut = async {
        let first = baton::baggage("who");
        std::future::ready(()).await;
        YieldOnce(false).await;
        (first, baton::baggage("who"))
    }
    .in_context(baton::Context::default().with_baggage("who", "task"));
    let mut fut = std::pin::pin!(fut);
    let guards: Vec<_> = (0..MAX_CONTEXT_DEPTH)
        .map(|_| baton::Context::default().attach())
        .collect();
    let before = diagnostic_count(DiagnosticKind::ContextDepthExceeded);
    // No room to attach: the poll runs without the context, and says so.
    assert!(poll_once(fut.as_mut()).is_pending());
    assert_eq!(
        diagnostic_count(DiagnosticKind::ContextDepthExceeded),
        before + 1
    );
    assert_eq!(baton::__stack_depth(), MAX_CONTEXT_DEPTH);
    drop(guards);
    // The wrapper still holds its context once there is room again.
    let std::task::Poll::Ready((first, second)) = poll_once(fut.as_mut()) else {
        panic!("the future completes on its second poll");
    };
    assert_eq!(first, None);
    assert_eq!(second.as_deref(), Some("task"));
    assert_eq!(baton::__stack_depth(), 0);
}

/// Pending once, then ready.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    }
}

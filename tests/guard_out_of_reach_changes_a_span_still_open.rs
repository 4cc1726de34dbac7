//! A guard whose frame a future's poll set aside (the guard was still live
//! when the poll returned) cannot reach its frame until the future's next
//! poll. Taken out of the future meanwhile (here through a cell on the same
//! thread), it reaches its span through what the span left behind (see
//! `MAX_LEFT_BEHIND`): the span is still open, so a change made through the
//! guard is recorded, and exported when the future ends the span.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;

use baton::{FutureExt, SpanGuard};
use common::{exporter, poll_once, YieldN};

mod common;

#[test]
fn a_change_through_a_guard_set_aside_reaches_its_open_span() {
    let spans = exporter();
    let out: Rc<RefCell<Option<SpanGuard>>> = Rc::default();
    let slot = out.clone();
    let mut fut = pin!(async move {
        *slot.borrow_mut() = Some(baton::span("held").enter());
        YieldN(1).await;
    }
    .in_span(baton::span("future")));
    assert!(poll_once(fut.as_mut()).is_pending());

    let guard = out
        .borrow_mut()
        .take()
        .expect("the guard the poll left live");
    assert!(guard.is_recording(), "set aside, not ended");
    assert_eq!(guard.name(), "held");
    guard.set_attribute("late", 1);
    drop(guard);

    assert!(poll_once(fut.as_mut()).is_ready());
    baton::export::force_flush(std::time::Duration::from_secs(5)).unwrap();
    let held = spans
        .take()
        .into_iter()
        .find(|s| s.name == "held")
        .expect("the held span, ended with the future");
    assert_eq!(held.attribute("late"), Some(&1.into()));
}

//! A model of futures polled on one thread, for property tests: each
//! future runs a plan of steps (enter a span or attach a context and hold
//! the guard across `.await`, drop the newest or the oldest guard held,
//! forget one, end the current span through `current_span()`, drop the
//! thread's own span, yield, start a child, run a wrapped job here or on
//! another thread, poll another future from inside its own poll), wrapped
//! in a span, a root span, the current context or an empty one; some are
//! cancelled. After every step the current span is the one the future's
//! own model says, between polls it is the thread's own, and every span
//! started is recorded with the parent it must be exported with.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};

use baton::{span, ContextGuard, FutureExt, SpanGuard, SpanId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub enum Step {
    Enter,
    Attach,
    DropNewest,
    DropOldest,
    Forget,
    EndCurrent,
    DropTop,
    Yield,
    Child,
    Job { leak: bool },
    JobOnThread { leak: bool },
    PollOther(usize),
    Panic,
}

#[derive(Debug, Clone, Copy)]
pub enum Wrap {
    ChildSpan,
    RootSpan,
    Current,
    Empty,
}

pub const FUTURES: usize = 3;

pub fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Enter),
        1 => Just(Step::Attach),
        2 => Just(Step::DropNewest),
        1 => Just(Step::DropOldest),
        1 => Just(Step::Forget),
        1 => Just(Step::EndCurrent),
        1 => Just(Step::DropTop),
        3 => Just(Step::Yield),
        2 => Just(Step::Child),
        1 => any::<bool>().prop_map(|leak| Step::Job { leak }),
        1 => any::<bool>().prop_map(|leak| Step::JobOnThread { leak }),
        2 => (0..FUTURES).prop_map(Step::PollOther),
        1 => Just(Step::Panic),
    ]
}

pub fn wrap() -> impl Strategy<Value = Wrap> {
    prop_oneof![
        Just(Wrap::ChildSpan),
        Just(Wrap::RootSpan),
        Just(Wrap::Current),
        Just(Wrap::Empty)
    ]
}

pub type Plans = Vec<(Wrap, Vec<Step>)>;

/// Every span started, with the parent it must be exported with.
pub type Expected = Arc<Mutex<Vec<(SpanId, Option<SpanId>)>>>;

/// The plans of the futures, and the round (if any) at which each is
/// dropped before its poll.
pub fn plans() -> impl Strategy<Value = (Plans, Vec<Option<usize>>)> {
    (
        proptest::collection::vec((wrap(), proptest::collection::vec(step(), 0..12)), FUTURES),
        proptest::collection::vec(proptest::option::of(0..6usize), FUTURES),
    )
}

/// Pending once, then ready.
struct Pending(bool);

impl Future for Pending {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, false) {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

type Slot = Rc<RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>>;

enum Held {
    Span(Option<SpanGuard>),
    Context(Option<ContextGuard>),
}

impl Held {
    fn is_live(&self) -> bool {
        match self {
            Held::Span(g) => g.is_some(),
            Held::Context(g) => g.is_some(),
        }
    }

    fn forget(&mut self) {
        match self {
            Held::Span(g) => std::mem::forget(g.take()),
            Held::Context(g) => std::mem::forget(g.take()),
        }
    }
}

fn current() -> Option<SpanId> {
    baton::current_span().map(|s| s.span_context().span_id())
}

/// The payload of a panic a plan asks for.
struct Planned;

/// Polls the future in `slot` once, if it is there and not being polled
/// already (by a poll this one is nested in); whether it did. A future
/// whose poll panicked is dropped, as an executor that catches the panic
/// drops its task; the panic goes on.
fn poll(slot: &Slot) -> bool {
    let Ok(mut f) = slot.try_borrow_mut() else {
        return false;
    };
    let Some(fut) = f.as_mut() else {
        return false;
    };
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        fut.as_mut()
            .poll(&mut TaskContext::from_waker(Waker::noop()))
    }));
    match polled {
        Ok(Poll::Ready(())) => *f = None,
        Ok(Poll::Pending) => {}
        Err(panic) => {
            let fut = f.take();
            drop(f);
            drop(fut);
            std::panic::resume_unwind(panic);
        }
    }
    true
}

/// [`poll`] for the executor, which catches the panics plans ask for.
fn poll_caught(slot: &Slot) -> bool {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poll(slot))) {
        Ok(polled) => polled,
        Err(panic) if panic.is::<Planned>() => true,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A job wrapped here: it starts a span, and leaves one live if `leak`.
/// Returns the job, which returns the ids and parents of what it started.
fn job(leak: bool) -> impl FnOnce() -> Vec<(SpanId, Option<SpanId>)> + Send + 'static {
    baton::copy_context_to_thread(move || {
        let child = span("job").start();
        let mut out = vec![(child.span_id(), child.parent_span_id())];
        if leak {
            let g = span("leaked by a job").enter();
            out.push((g.span_context().span_id(), child.parent_span_id()));
            std::mem::forget(g);
        }
        out
    })
}

/// Runs the plans to completion inside a span "top", and returns its
/// guard unless a future dropped it.
pub fn run(plans: &Plans, cancel: &[Option<usize>], expected: &Expected) -> Option<SpanGuard> {
    let top_guard = span("top").enter();
    let top = Some(top_guard.span_context().span_id());
    let top_guard = Rc::new(RefCell::new(Some(top_guard)));
    let slots: Vec<Slot> = (0..FUTURES).map(|_| Rc::default()).collect();
    for (j, (wrap, steps)) in plans.iter().enumerate() {
        let others = slots.clone();
        let wrap = *wrap;
        let top_guard = top_guard.clone();
        let expected = expected.clone();
        let steps = steps.clone();
        let fut = async move {
            let base = current();
            match wrap {
                Wrap::ChildSpan | Wrap::RootSpan => {
                    assert_eq!(baton::current_span().unwrap().name(), format!("f{j}"))
                }
                Wrap::Current => assert_eq!(base, top),
                Wrap::Empty => assert_eq!(base, None),
            }
            let mut held: Vec<(Option<SpanId>, Held)> = Vec::new();
            let model = |held: &[(Option<SpanId>, Held)]| held.last().map_or(base, |h| h.0);
            for (k, step) in steps.iter().enumerate() {
                let now = model(&held);
                match step {
                    Step::Enter => {
                        let g = span(format!("f{j}g{k}")).enter();
                        let id = g.span_context().span_id();
                        expected.lock().unwrap().push((id, now));
                        held.push((Some(id), Held::Span(Some(g))));
                    }
                    Step::Attach => {
                        let g = baton::new_trace_context();
                        held.push((None, Held::Context(Some(g))));
                    }
                    Step::DropNewest => {
                        if let Some(i) = held.iter().rposition(|h| h.1.is_live()) {
                            held.remove(i);
                        }
                    }
                    Step::DropOldest => {
                        if let Some(i) = held.iter().position(|h| h.1.is_live()) {
                            held.remove(i);
                        }
                    }
                    Step::Forget => {
                        if let Some(h) = held.iter_mut().rev().find(|h| h.1.is_live()) {
                            h.1.forget();
                        }
                    }
                    Step::EndCurrent => {
                        if let Some(s) = baton::current_span() {
                            s.end();
                        }
                    }
                    Step::DropTop => drop(top_guard.borrow_mut().take()),
                    Step::Yield => Pending(true).await,
                    Step::Child => {
                        let c = span(format!("f{j}c{k}")).start();
                        assert_eq!(c.parent_span_id(), now, "f{j}c{k}'s parent");
                        expected.lock().unwrap().push((c.span_id(), now));
                    }
                    Step::Job { leak } => {
                        let started = job(*leak)();
                        assert!(started.iter().all(|s| s.1 == now), "{started:?}");
                        expected.lock().unwrap().extend(started);
                    }
                    Step::JobOnThread { leak } => {
                        let started = std::thread::spawn(job(*leak)).join().unwrap();
                        assert!(started.iter().all(|s| s.1 == now), "{started:?}");
                        expected.lock().unwrap().extend(started);
                    }
                    Step::PollOther(o) => {
                        poll(&others[*o]);
                    }
                    Step::Panic => std::panic::panic_any(Planned),
                }
                assert_eq!(current(), model(&held), "f{j} after step {k} {step:?}");
            }
        };
        let fut: Pin<Box<dyn Future<Output = ()>>> = match wrap {
            Wrap::ChildSpan => Box::pin(fut.in_span(span(format!("f{j}")))),
            Wrap::RootSpan => Box::pin(fut.in_span(span(format!("f{j}")).root())),
            Wrap::Current => Box::pin(fut.in_current_context()),
            Wrap::Empty => Box::pin(fut.in_context(baton::Context::default())),
        };
        *slots[j].borrow_mut() = Some(fut);
    }
    for round in 0.. {
        let mut any = false;
        for (j, slot) in slots.iter().enumerate() {
            if cancel[j] == Some(round) {
                let f = slot.borrow_mut().take();
                drop(f);
            }
            any |= poll_caught(slot);
            let live = top_guard.borrow().is_some();
            assert_eq!(current(), top.filter(|_| live), "between polls");
            assert_eq!(baton::__stack_depth(), usize::from(live));
        }
        if !any {
            break;
        }
    }
    let top_guard = top_guard.borrow_mut().take();
    top_guard
}

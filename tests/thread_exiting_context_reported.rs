//! A wrapped job or future run in a thread-local's destructor after
//! baton's stack on that thread was destroyed cannot make its context
//! current: its spans become roots of new traces. That is reported, once
//! per context or span that could not be made current, naming where; it
//! used to happen silently. Its own process: it installs a diagnostic
//! handler.

mod common;

use std::cell::RefCell;
use std::sync::mpsc;
use std::sync::Mutex;

use baton::{DiagnosticKind, FutureExt};

/// The lines of this file named by `thread-exiting` reports.
static REPORTED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Runs its closure when dropped, as a thread-local's destructor.
struct AtExit(Option<Box<dyn FnOnce()>>);

impl Drop for AtExit {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

thread_local! {
    static AT_EXIT: RefCell<Option<AtExit>> = const { RefCell::new(None) };
}

#[test]
fn a_job_and_a_future_run_after_the_stack_is_gone_are_reported() {
    common::exporter();
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ThreadExiting {
            let line = d.location.filter(|l| l.file().ends_with(file!()));
            REPORTED.lock().unwrap().push(line.map_or(0, |l| l.line()));
        }
    }))
    .unwrap();
    let request = baton::span("request").start();
    let cx = request.context();
    let (seen_tx, seen) = mpsc::channel();
    std::thread::spawn(move || {
        // Used before baton's stack, so destroyed after it.
        AT_EXIT.with(|_| {});
        let _g = cx.attach();
        let job = baton::copy_context_to_thread(baton::current_trace_id);
        let fut = async { baton::current_trace_id() }.in_current_context();
        let at_exit = move || {
            let in_job = job();
            let in_future = common::block_on(fut);
            let (_span, line) = (baton::span("at exit").enter(), line!());
            seen_tx.send((in_job, in_future, line)).unwrap();
        };
        AT_EXIT.with(|a| *a.borrow_mut() = Some(AtExit(Some(Box::new(at_exit)))));
    })
    .join()
    .unwrap();
    let (in_job, in_future, line) = seen.recv().unwrap();
    assert_eq!((in_job, in_future), (None, None), "no context is current");
    let reported = REPORTED.lock().unwrap().clone();
    // The job's context, the future's context (both attached in baton's
    // own code), and the span entered here.
    assert_eq!(reported.len(), 3, "{reported:?}");
    assert!(reported.contains(&line), "{reported:?}");
}

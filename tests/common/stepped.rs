//! A worker thread run in steps, for tests that look at the pipeline from
//! the outside between two things the worker does.

use std::sync::mpsc;
use std::thread;

/// Runs `f` on a thread of its own, and `between` on the calling thread
/// each time `f` calls the given step function.
pub fn stepped(f: impl FnOnce(&dyn Fn()) + Send, mut between: impl FnMut()) {
    let (to_test, at_step) = mpsc::channel::<()>();
    let (to_thread, go_on) = mpsc::channel::<()>();
    thread::scope(|s| {
        // Owned here, so that a panic in `between` drops it and the worker
        // stops waiting, rather than the test hanging.
        let to_thread = to_thread;
        let worker = s.spawn(move || {
            f(&|| {
                to_test.send(()).unwrap();
                go_on.recv().unwrap();
            })
        });
        while at_step.recv().is_ok() {
            between();
            to_thread.send(()).unwrap();
        }
        worker.join().unwrap();
    });
}

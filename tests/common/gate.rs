//! A gate that a faulty exporter or writer waits at until the test opens
//! it, once: an export that hangs, then returns.
//!
//! Include it with `#[path = "common/gate.rs"] mod gate;`.

use std::sync::{Condvar, Mutex};

#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    /// Lets every waiter through, now and from now on.
    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    /// Waits until the gate is open.
    pub fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }
}

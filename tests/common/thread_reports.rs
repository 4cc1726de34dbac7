//! The diagnostics raised on the calling thread, for test files whose tests
//! run in parallel in one process: each test counts only its own. Installs
//! the process's one diagnostic handler on first use; pulled in with
//! `#[path = "common/thread_reports.rs"] mod thread_reports;` by the files
//! that need it, so that other test binaries do not compile it.

use std::cell::RefCell;
use std::sync::Once;

use baton::DiagnosticKind;

thread_local! {
    static REPORTS: RefCell<Vec<DiagnosticKind>> = const { RefCell::new(Vec::new()) };
}

/// The diagnostics `f` raised on this thread, with its result.
pub fn reported<R>(f: impl FnOnce() -> R) -> (R, Vec<DiagnosticKind>) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        baton::set_diagnostic_handler(Box::new(|d| {
            let _ = REPORTS.try_with(|r| r.borrow_mut().push(d.kind));
        }))
        .expect("the one diagnostic handler of this process");
    });
    let before = REPORTS.with(|r| r.borrow().len());
    let out = f();
    (out, REPORTS.with(|r| r.borrow_mut().split_off(before)))
}

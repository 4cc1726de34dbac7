//! What the panic unwinding this thread said, for the spans it ends.
//!
//! A span guard dropped during unwinding records the panic, but `Drop` only
//! learns *that* the thread panics, not the payload. So the first recording
//! span installs a panic hook that notes the payload's text in a
//! thread-local, then calls the hook that was installed before it (the
//! default one prints the message as usual). A hook set later by the
//! application replaces this one; spans then record the panic without its
//! message. So does a span that started after the last panic the hook saw
//! on its thread: that message is of an earlier panic (the panic now
//! unwinding came from `resume_unwind`, which runs no hook, or the hook was
//! replaced). A panic caught inside a drop while the thread unwinds runs
//! the hook too, and its message then stands for the one unwinding.

use std::cell::RefCell;
use std::panic::{self, PanicHookInfo};
use std::sync::Once;
use std::time::Instant;

thread_local! {
    /// The last panic the hook saw on this thread: when, and its text.
    static MESSAGE: RefCell<Option<(Instant, Option<String>)>> = const { RefCell::new(None) };
}

/// Installs the hook, once per process.
#[inline]
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            note(info);
            previous(info);
        }));
    });
}

fn note(info: &PanicHookInfo<'_>) {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    let _ = MESSAGE.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            *m = Some((Instant::now(), text));
        }
    });
}

/// Calls `f` with the message of the panic unwinding this thread past a
/// span that started at `span_start`: its payload when that is a string.
pub(crate) fn with_message<R>(span_start: Instant, f: impl FnOnce(&str) -> R) -> R {
    const NO_TEXT: &str = "panic with a payload that is not a string";
    const UNSEEN: &str = "panic whose message baton's panic hook did not see";
    let noted = MESSAGE
        .try_with(|m| m.try_borrow().ok().and_then(|m| m.clone()))
        .ok()
        .flatten();
    match noted {
        Some((at, text)) if at >= span_start => f(text.as_deref().unwrap_or(NO_TEXT)),
        _ => f(UNSEEN),
    }
}

//! What the panic unwinding this thread said, for the spans it ends.
//!
//! A span guard dropped during unwinding records the panic, but `Drop` only
//! learns *that* the thread panics, not the payload. So the first recording
//! span installs a panic hook that notes the payload's text in a
//! thread-local, then calls the hook that was installed before it (the
//! default one prints the message as usual). A hook set later by the
//! application replaces this one; spans then record the panic without its
//! message.

use std::cell::RefCell;
use std::panic::{self, PanicHookInfo};
use std::sync::Once;

thread_local! {
    static MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
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
            *m = text;
        }
    });
}

/// Calls `f` with the message of the panic unwinding this thread: its
/// payload when that is a string.
pub(crate) fn with_message<R>(f: impl FnOnce(&str) -> R) -> R {
    const NO_TEXT: &str = "panic with a payload that is not a string";
    let text = MESSAGE
        .try_with(|m| m.try_borrow().ok().and_then(|m| m.clone()))
        .ok()
        .flatten();
    f(text.as_deref().unwrap_or(NO_TEXT))
}

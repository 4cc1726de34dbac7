//! What the panic unwinding this thread said, for the spans it ends.
//!
//! A span guard dropped during unwinding records the panic, but `Drop` only
//! learns *that* the thread panics, not the payload. So the first recording
//! span started outside a panic installs a panic hook that notes the payload's text in a
//! thread-local, then calls the hook that was installed before it (the
//! default one prints the message as usual). A hook set later by the
//! application replaces this one; spans then record the panic without its
//! message. So does a span that started after the last panic the hook saw
//! on its thread: that message is of an earlier panic (the panic now
//! unwinding came from `resume_unwind`, which runs no hook, or the hook was
//! replaced). A panic the application catches inside a drop while the
//! thread unwinds runs the hook too, and its message then stands for the
//! one unwinding; one caught inside the application's code baton calls
//! (see [`catch_callback`]), by baton or by that code itself, does not.
//! Nor can a later `resume_unwind` be told from it: a span inside which
//! the application caught a panic, and which another payload then unwinds
//! with `resume_unwind` (a worker thread's panic passed on), records the
//! caught panic's message, the last the hook saw there after the span's
//! start.
//!
//! The hook also takes the stack trace where the panic happened, with
//! [`Backtrace::capture`]: only when `RUST_LIB_BACKTRACE` or
//! `RUST_BACKTRACE` asks for one (otherwise it costs an environment look,
//! once per process), as Rust's own panic message prints one.

use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::rc::Rc;
use std::sync::{Arc, Once};
use std::time::Instant;

/// The last panic the hook saw on a thread. The stack trace is shared, not
/// copied, with each span the panic ends; the whole is shared with
/// [`catch_callback`], which keeps it across each call it makes.
struct Noted {
    at: Instant,
    text: Option<String>,
    backtrace: Arc<Backtrace>,
}

thread_local! {
    static MESSAGE: RefCell<Option<Rc<Noted>>> = const { RefCell::new(None) };
    /// Set once this thread has seen the hook installed.
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Set once the hook is installed.
static INSTALL: Once = Once::new();

/// Called as a recording span starts: installs the hook, once per process,
/// and says whether the thread unwinds a panic, which then did not pass
/// through the span. Any unwinding counts, also one the hook did not see
/// begin (`resume_unwind` runs no hook, and an application may replace
/// it). Once the thread has seen the hook installed, this is one
/// thread-local byte read and the standard library's check, one load of its
/// global panic count while no thread panics.
#[inline]
pub(crate) fn span_starts_unwinding() -> bool {
    if INSTALLED.get() {
        return std::thread::panicking();
    }
    install_unless_unwinding()
}

/// [`span_starts_unwinding`] on a thread that has not seen the hook
/// installed yet.
#[cold]
#[inline(never)]
fn install_unless_unwinding() -> bool {
    let unwinding = std::thread::panicking();
    if !unwinding {
        install_now();
        INSTALLED.set(true);
    }
    unwinding
}

/// Installs the hook; never while this thread is panicking (see the
/// caller): the standard library refuses to change the hook then, with a
/// panic, and a first recording span started in a drop while a panic
/// unwinds (cleanup code recording its work) aborted the process. The next
/// span started otherwise installs it.
fn install_now() {
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
    let noted = Noted {
        at: Instant::now(),
        text,
        backtrace: Arc::new(Backtrace::capture()),
    };
    set_noted(Some(Rc::new(noted)));
}

/// What the hook noted last on this thread; `None` during thread teardown.
fn noted() -> Option<Rc<Noted>> {
    MESSAGE
        .try_with(|m| m.try_borrow().ok().and_then(|m| m.clone()))
        .ok()
        .flatten()
}

fn set_noted(noted: Option<Rc<Noted>>) {
    let _ = MESSAGE.try_with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            *m = noted;
        }
    });
}

/// `catch_unwind` for baton catching a panic of the application's code it
/// calls (an exporter, the diagnostic handler). No panic the hook notes
/// during the call goes on past it: caught here, or by the code itself (an
/// exporter retrying an encoder that panicked). So the message noted
/// before the call, of a panic that may still unwind this thread past
/// spans, is noted again, or those spans recorded the caught panic as
/// theirs.
pub(crate) fn catch_callback<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    let before = noted();
    let caught = panic::catch_unwind(AssertUnwindSafe(f));
    set_noted(before);
    caught
}

/// Calls `f` with the message of the panic unwinding this thread past a
/// span that started at `span_start` (its payload when that is a string)
/// and where it happened, when a stack trace was captured.
///
/// A span that started while its thread unwound (`started_unwinding`:
/// cleanup code in a `Drop` recording its work) is passed only by a panic
/// that began since, which the hook saw: without one, the panic unwinding
/// is the one it started under, and `f` is not called (`None`).
pub(crate) fn with_message<R>(
    span_start: Instant,
    started_unwinding: bool,
    f: impl FnOnce(&str, Option<&Backtrace>) -> R,
) -> Option<R> {
    const NO_TEXT: &str = "panic with a payload that is not a string";
    const UNSEEN: &str = "panic whose message baton's panic hook did not see";
    match noted() {
        Some(n) if n.at >= span_start => Some(f(
            n.text.as_deref().unwrap_or(NO_TEXT),
            captured(&n.backtrace),
        )),
        _ if started_unwinding => None,
        _ => Some(f(UNSEEN, None)),
    }
}

/// `backtrace` if it holds frames: not when the environment did not ask
/// for one, or the platform has none.
pub(crate) fn captured(backtrace: &Backtrace) -> Option<&Backtrace> {
    (backtrace.status() == std::backtrace::BacktraceStatus::Captured).then_some(backtrace)
}

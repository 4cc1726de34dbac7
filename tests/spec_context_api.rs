//! The OpenTelemetry Context API, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/context/): one test per
//! requirement, each quoting it. baton's `Context` holds the concerns baton
//! knows (the span context, the baggage and so the session, a decision
//! received without ids) rather than values under keys anyone creates: each
//! concern gets and sets its own through its own API, which is what the
//! spec asks of "languages that use `Context` implicitly".

#[path = "common/thread_reports.rs"]
mod thread_reports;

use baton::wire::b3::Sampling;
use baton::{Baggage, Context, DiagnosticKind, SpanContext, SpanId, TraceFlags, TraceId};
use thread_reports::reported;

fn remote() -> SpanContext {
    SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::from_bits(1),
    )
    .with_remote(true)
}

/// What a context holds, to compare a context before and after a write.
fn contents(cx: &Context) -> String {
    format!("{cx:?}")
}

/// "A `Context` MUST be immutable, and its write operations MUST result in
/// the creation of a new `Context` containing the original values and the
/// specified values updated." (Overview)
#[test]
fn every_write_gives_a_new_context_and_leaves_the_old_one_unchanged() {
    let old = Context::default()
        .with_span_context(remote())
        .with_baggage("a", "1");
    let before = contents(&old);
    let writes: [(&str, Context); 5] = [
        ("with_baggage", old.with_baggage("b", "2")),
        ("with_baggage replacing", old.with_baggage("a", "9")),
        (
            "with_baggage_replaced",
            old.with_baggage_replaced(Baggage::EMPTY),
        ),
        (
            "with_span_context",
            old.with_span_context(SpanContext::INVALID),
        ),
        (
            "with_remote_decision",
            Context::default().with_remote_decision(Some(Sampling::Debug)),
        ),
    ];
    for (write, new) in &writes {
        assert_eq!(contents(&old), before, "{write} changed the old context");
        assert!(!new.ptr_eq(&old), "{write} gave the old context back");
    }
    // The original values stay beside the one updated.
    let [added, replaced, cleared, no_span, _] = writes.map(|(_, cx)| cx);
    assert_eq!(added.span_context(), Some(&remote()));
    assert_eq!(
        (added.baggage().get("a"), added.baggage().get("b")),
        (Some("1"), Some("2"))
    );
    assert_eq!(replaced.baggage().get("a"), Some("9"));
    assert_eq!(cleared.span_context(), Some(&remote()));
    assert!(cleared.baggage().is_empty());
    assert_eq!(no_span.span_context(), None);
    assert_eq!(no_span.baggage().get("a"), Some("1"));
}

/// "The API MUST return the value in the `Context` for the specified key."
/// (Get value) and "The API MUST return a new `Context` containing the new
/// value." (Set value), through each concern's own accessors; no concern
/// reaches another's value.
#[test]
fn each_concern_gets_back_what_it_set_and_only_that() {
    let cx = Context::default();
    assert!(cx.is_empty() && cx.span_context().is_none() && cx.baggage().is_empty());

    let with_span = cx.with_span_context(remote());
    assert_eq!(with_span.span_context(), Some(&remote()));
    assert!(with_span.baggage().is_empty());

    let with_session = with_span.with_baggage("session.id", "chat-42");
    assert_eq!(with_session.session().unwrap().id(), "chat-42");
    assert_eq!(with_session.span_context(), Some(&remote()));

    let decided = Context::default().with_remote_decision(Some(Sampling::Deny));
    assert_eq!(decided.remote_decision(), Some(Sampling::Deny));
    assert_eq!(decided.remote_sampling(), Some(false));
    assert!(decided.span_context().is_none() && decided.baggage().is_empty());
}

/// "The API MUST return the `Context` associated with the caller's current
/// execution unit." (Get current Context) Another thread has its own.
#[test]
fn get_current_returns_the_context_attached_on_this_thread_only() {
    let cx = Context::default().with_baggage("k", "v");
    let _g = cx.clone().attach();
    assert!(Context::current().ptr_eq(&cx));
    let elsewhere = std::thread::spawn(|| Context::current().is_empty())
        .join()
        .unwrap();
    assert!(elsewhere, "another thread saw this thread's context");
}

/// "The API MUST return a value that can be used as a `Token` to restore
/// the previous `Context`." (Attach Context) and "Resets the `Context`
/// associated with the caller's current execution unit to the value it had
/// before attaching a specified `Context`." (Detach Context) The guard is
/// the token; dropping it detaches.
#[test]
fn each_guard_restores_the_context_current_before_its_attach() {
    let outer = Context::default().with_baggage("level", "1");
    let middle = Context::default().with_span_context(remote());
    let inner = Context::default();

    let g1 = outer.clone().attach();
    let g2 = middle.clone().attach();
    let g3 = inner.attach();
    assert!(Context::current().is_empty());
    drop(g3);
    assert!(Context::current().ptr_eq(&middle));
    drop(g2);
    assert!(Context::current().ptr_eq(&outer));
    drop(g1);
    assert!(Context::current().is_empty());
}

/// "Users can rely on it to identify a wrong call order, i.e. trying to
/// detach a `Context` that is not the current instance. In this case the
/// operation can emit a signal to warn users of the wrong call order, such
/// as logging an error or returning an error value." (Detach Context)
/// baton reports a `GuardDroppedOutOfOrder` diagnostic and keeps the
/// context of the guard still live current; once that one drops too, the
/// context before both is back.
#[test]
fn detaching_out_of_order_is_reported_and_the_stack_stays_consistent() {
    let base = Context::default().with_baggage("base", "1");
    let _base = base.clone().attach();
    let first = Context::default().with_baggage("first", "1");
    let second = Context::default().with_baggage("second", "1");
    let g1 = first.attach();
    let g2 = second.clone().attach();

    let ((), kinds) = reported(|| drop(g1));
    assert_eq!(kinds, [DiagnosticKind::GuardDroppedOutOfOrder]);
    assert!(
        Context::current().ptr_eq(&second),
        "the live guard's context stays"
    );

    let ((), kinds) = reported(|| drop(g2));
    assert_eq!(kinds, [], "the remaining guard is in order");
    assert!(Context::current().ptr_eq(&base));
}

/// A context captured before a change never sees it: the write made a new
/// context, and attaching it changed what is current, not the capture.
#[test]
fn a_captured_context_does_not_see_later_changes_to_the_current_one() {
    let _g = baton::set_baggage("a", "1");
    let captured = Context::current();
    let _h = baton::set_baggage("a", "2");
    let _i = baton::set_baggage("b", "3");
    assert_eq!(captured.baggage().get("a"), Some("1"));
    assert_eq!(captured.baggage().get("b"), None);
    assert_eq!(baton::baggage("a").as_deref(), Some("2"));
}

/// "A `Context` is a propagation mechanism which carries execution-scoped
/// values across API boundaries and between logically associated execution
/// units." (Overview) A context is `Send + Sync`; attached on another
/// thread, it is current there.
#[test]
fn a_context_crosses_to_another_execution_unit() {
    fn send_sync<T: Send + Sync>(t: T) -> T {
        t
    }
    let cx = send_sync(
        Context::default()
            .with_span_context(remote())
            .with_baggage("k", "v"),
    );
    let seen = std::thread::spawn(move || {
        let _g = cx.attach();
        let current = Context::current();
        (current.span_context().cloned(), baton::baggage("k"))
    })
    .join()
    .unwrap();
    assert_eq!(seen, (Some(remote()), Some("v".to_owned())));
}

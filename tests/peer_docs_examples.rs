//! The context-propagation examples of the docs users come from
//! (OpenTelemetry Python, Python's `contextvars` with a thread pool,
//! Mirascope ops sessions, Arize AX sessions), each written against baton.

mod common;

use std::collections::HashMap;

use baton::propagation::{Composite, Propagator, SessionHeader, TraceContext, W3cBaggage};
use baton::{Baggage, Context};

/// OpenTelemetry Python, `opentelemetry.context` and `opentelemetry.baggage`:
/// `token = attach(set_baggage("k", "v"))`, `get_baggage("k")`,
/// `remove_baggage`, `clear`, `detach(token)`.
#[test]
fn otel_python_attach_detach_and_baggage() {
    assert_eq!(baton::baggage("k"), None);
    let token = Context::current().with_baggage("k", "v").attach();
    assert_eq!(baton::baggage("k").as_deref(), Some("v"));
    {
        // remove_baggage("k"): a new context without it, attached in turn.
        let current = Context::current();
        let _removed = current
            .with_baggage_replaced(current.baggage().without("k"))
            .attach();
        assert_eq!(baton::baggage("k"), None);
        // clear(): no baggage at all.
        let _cleared = Context::current()
            .with_baggage_replaced(Baggage::default())
            .attach();
        assert!(Context::current().baggage().is_empty());
    }
    assert_eq!(baton::baggage("k").as_deref(), Some("v"));
    drop(token); // detach(token)
    assert_eq!(baton::baggage("k"), None);
}

/// OpenTelemetry Python, "Context propagation": the client injects into a
/// dict of headers inside its span; the server extracts and starts its span
/// with `context=ctx`, so it continues the client's trace and sees its
/// baggage.
#[test]
fn otel_python_inject_then_extract_as_the_parent() {
    // Installed before any span begins: a span begun while another test
    // installs the pipeline is a no-op span, with no ids to carry.
    common::exporter();
    let propagator = Composite::new(vec![Box::new(TraceContext), Box::new(W3cBaggage)]);
    let mut headers: HashMap<String, String> = HashMap::new();
    let (client_trace, client_span) = {
        let _b = baton::set_baggage("user.id", "u 1");
        let client = baton::span("client").kind(baton::SpanKind::Client).enter();
        propagator.inject(&Context::current(), &mut headers);
        (client.trace_id(), client.span_id())
    };
    assert_eq!(headers["baggage"], "user.id=u%201");

    let ctx = propagator.extract(&Context::default(), &headers);
    let server = baton::span("server")
        .kind(baton::SpanKind::Server)
        .parent(&ctx)
        .start();
    assert_eq!(server.trace_id(), client_trace);
    assert_eq!(server.parent_span_id(), Some(client_span));
    assert_eq!(server.context().baggage().get("user.id"), Some("u 1"));
    assert!(ctx.span_context().unwrap().is_remote());
}

/// Python `contextvars`: `ctx = copy_context()` in the caller, then
/// `executor.submit(ctx.run, fn)`; and `executor.map` over a function.
/// The copy is taken when made, not when the worker runs it, and a worker
/// keeps nothing of it afterwards.
#[test]
fn contextvars_copy_context_run_in_a_thread_pool() {
    // Installed before the span begins, as above (found flaky: the span
    // began before another test's `init`, the job ran after it).
    common::exporter();
    let _s = baton::session("conv-1");
    let request = baton::span("request").enter();
    let submitted = baton::copy_context_to_thread(|| {
        (
            baton::current_trace_id(),
            baton::current_session().map(|s| s.id().to_owned()),
        )
    });
    let mapped = baton::copy_context_to_fn(|n: u32| (n, baton::current_trace_id()));
    let worker = std::thread::spawn(move || {
        let first = submitted();
        let rest: Vec<_> = (0..3).map(&mapped).collect();
        let after = (baton::current_trace_id(), baton::current_session());
        (first, rest, after)
    });
    let (first, rest, after) = worker.join().unwrap();
    let id = Some(request.trace_id());
    assert!(
        request.span_context().is_valid(),
        "the span has ids of its own"
    );
    assert_eq!(first, (id, Some("conv-1".to_owned())));
    assert_eq!(rest, [(0, id), (1, id), (2, id)]);
    assert_eq!(after, (None, None), "the worker keeps nothing");
}

/// Mirascope ops, `session()`: "Nested sessions override parent session",
/// and the parent's is back when the inner one ends, also when it ends by a
/// panic. Spans started inside carry the innermost session.
#[test]
fn mirascope_nested_sessions_override_then_restore() {
    common::exporter();
    let _one = baton::session("1");
    let inner_trace = {
        let _two = baton::session("2");
        assert_eq!(baton::current_session().unwrap().id(), "2");
        baton::span("in 2").enter().trace_id()
    };
    assert_eq!(baton::current_session().unwrap().id(), "1");
    let unwound = std::panic::catch_unwind(|| {
        let _three = baton::session("3");
        panic!("turn failed");
    });
    assert!(unwound.is_err());
    assert_eq!(baton::current_session().unwrap().id(), "1");
    let spans = common::spans_of(inner_trace);
    assert_eq!(spans[0].attribute("session.id").unwrap().to_string(), "2");
}

/// Mirascope ops, `extract_session_id`: the header name matches without
/// regard to case, and an empty value is no session.
#[test]
fn mirascope_extract_session_id() {
    let p = SessionHeader::new("Mirascope-Session-Id").unwrap();
    let session_of = |name: &str, value: &str| {
        let headers = HashMap::from([(name.to_string(), value.to_string())]);
        p.extract(&Context::default(), &headers)
            .session()
            .map(|s| s.id().to_owned())
    };
    assert_eq!(
        session_of("mirascope-session-id", "session-123").as_deref(),
        Some("session-123")
    );
    assert_eq!(
        session_of("MIRASCOPE-SESSION-ID", "s-1").as_deref(),
        Some("s-1")
    );
    assert_eq!(session_of("Mirascope-Session-Id", ""), None);
}

/// Arize AX, "Set Up Sessions": inside `using_session(session_id=...)`
/// every span gets `session.id`, futures and pool jobs included; the id
/// must be a non-empty string.
#[test]
fn arize_using_session_tags_every_span() {
    use baton::FutureExt;
    common::exporter();
    let trace = {
        let _s = baton::session("my-session-id");
        let root = baton::span("agent")
            .span_type(baton::SpanType::Agent)
            .enter();
        let job = baton::copy_context_to_thread(|| drop(baton::span("tool").enter()));
        std::thread::spawn(job).join().unwrap();
        common::block_on(async {}.in_span(baton::span("llm").span_type(baton::SpanType::Llm)));
        root.trace_id()
    };
    let spans = common::spans_of(trace);
    assert_eq!(spans.len(), 3);
    for s in &spans {
        let id = s.attribute("session.id").map(ToString::to_string);
        assert_eq!(id.as_deref(), Some("my-session-id"), "{}", s.name);
    }
    let _empty = baton::session("");
    assert!(baton::current_session().is_none());
}

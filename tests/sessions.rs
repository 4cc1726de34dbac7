//! A session groups traces: it rides in baggage as `session.id` and becomes
//! the `session.id` attribute of every span started inside it.

mod common;

#[test]
fn every_span_in_a_session_carries_its_id() {
    common::exporter();
    assert!(baton::current_session().is_none());
    let (t1, t2) = {
        let _s = baton::session("conv-42");
        assert_eq!(baton::current_session().unwrap().id(), "conv-42");
        let t1 = baton::in_span("turn 1", || {
            baton::in_span("tool", || {});
            baton::current_trace_id().unwrap()
        });
        let t2 = baton::span("turn 2").enter().trace_id();
        (t1, t2)
    };
    assert_ne!(t1, t2, "a session spans several traces");
    assert!(baton::current_session().is_none());
    assert_each_in_session(&[t1, t2], 3, "conv-42");
    let outside = baton::span("outside").start();
    let id = outside.trace_id();
    drop(outside);
    assert!(common::spans_of(id)[0].attribute("session.id").is_none());
}

#[test]
fn a_session_crosses_threads_with_the_context() {
    let _s = baton::session("job-7");
    let seen = baton::thread::spawn(|| baton::current_session().map(|s| s.id().to_owned()))
        .join()
        .unwrap();
    assert_eq!(seen.as_deref(), Some("job-7"));
    assert_eq!(
        baton::baggage(baton::Session::BAGGAGE_KEY).as_deref(),
        Some("job-7")
    );
}

#[test]
fn a_root_span_in_a_session_and_its_children_carry_its_id() {
    common::exporter();
    let _s = baton::session("chat-42");
    let _request = baton::span("request").enter();
    let started = baton::span("rooted").root().start();
    let t1 = started.trace_id();
    assert_eq!(started.parent_span_id(), None);
    drop(started);
    let t2 = {
        let entered = baton::span("rooted, entered").root().enter();
        drop(baton::span("its child").enter());
        entered.trace_id()
    };
    assert_each_in_session(&[t1, t2], 3, "chat-42");
}

#[test]
fn a_session_behind_other_baggage_entries_is_found() {
    common::exporter();
    let cx = baton::Context::default()
        .with_baggage("tenant", "acme")
        .with_baggage("session.idx", "not-it")
        .with_baggage("session.id", "s-42");
    assert_eq!(cx.session().unwrap().id(), "s-42");
    let _g = cx.attach();
    let span = baton::span("work").start();
    let id = span.trace_id();
    drop(span);
    assert_each_in_session(&[id], 1, "s-42");
}

/// The traces hold `spans` spans, each with the `session.id` attribute `id`.
fn assert_each_in_session(traces: &[baton::TraceId], spans: usize, id: &str) {
    let all: Vec<_> = traces.iter().copied().flat_map(common::spans_of).collect();
    assert_eq!(all.len(), spans);
    for s in &all {
        assert_eq!(
            s.attribute("session.id")
                .map(ToString::to_string)
                .as_deref(),
            Some(id),
            "{}",
            s.name
        );
    }
}

/// `session("")` used to start a session with the empty id: `current_session()`
/// gave `Some(Session(""))` and every span got `session.id=""`, with no
/// report, though a session id must be a non-empty string (Arize AX
/// "Set Up Sessions"; Mirascope reads an empty header as no session).
#[test]
fn an_empty_session_id_is_refused_reported_and_no_session() {
    common::exporter();
    let reported = || baton::diagnostic_count(baton::DiagnosticKind::InvalidArgument);

    let before = reported();
    {
        let _empty = baton::session("");
        assert!(reported() > before, "an empty id is reported");
        assert_eq!(baton::current_session(), None);
        assert_eq!(baton::baggage(baton::Session::BAGGAGE_KEY), None);
    }

    let _outer = baton::session("chat-42");
    let before = reported();
    let t1 = {
        let _empty = baton::session("");
        assert!(reported() > before);
        assert_eq!(baton::current_session().unwrap().id(), "chat-42");
        baton::span("still in chat-42").enter().trace_id()
    };
    assert_each_in_session(&[t1], 1, "chat-42");

    // An empty entry that arrives in a `baggage` header is no session either.
    let received = baton::extract_context(&std::collections::HashMap::from([(
        "baggage".to_string(),
        "session.id=".to_string(),
    )]));
    assert_eq!(
        received.baggage().get(baton::Session::BAGGAGE_KEY),
        Some("")
    );
    assert_eq!(received.session(), None);
    let _g = received.attach();
    assert_eq!(baton::current_session(), None);
    let span = baton::span("in no session").start();
    let t2 = span.trace_id();
    drop(span);
    assert!(common::spans_of(t2)[0].attribute("session.id").is_none());
}

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

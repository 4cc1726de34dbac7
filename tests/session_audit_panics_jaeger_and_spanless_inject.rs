//! Audit of sessions (found sound; pinned here): a panic that unwinds
//! through an inner session's guard restores the outer one, and the spans
//! on either side carry the right `session.id`; a pool worker with its own
//! session gets it back after running a job captured in another; Jaeger's
//! `uberctx-session.id` round-trips every shape of id; and a session
//! without a span is injected by each format that carries baggage or the
//! session, with no trace field, and read back as the session alone.

mod common;

use std::collections::HashMap;

use baton::propagation::{
    Composite, Jaeger, Propagator, SessionHeader, TraceContext, W3cBaggage, B3,
};
use baton::{Context, SpanData, Value};

fn session_of(spans: &[SpanData], name: &str) -> Option<String> {
    match common::named(spans, name).attribute("session.id") {
        Some(Value::String(s)) => Some(s.to_string()),
        None => None,
        Some(other) => panic!("{name}: session.id is not a string: {other:?}"),
    }
}

fn current() -> Option<String> {
    baton::current_session().map(|s| s.id().to_owned())
}

#[test]
fn a_panic_through_an_inner_session_restores_the_outer_one() {
    let spans = common::record(|| {
        let _outer = baton::session("outer");
        let unwound = std::panic::catch_unwind(|| {
            let _inner = baton::session("inner");
            baton::in_span("in inner", || panic!("boom"));
        });
        assert!(unwound.is_err());
        assert_eq!(current().as_deref(), Some("outer"));
        baton::in_span("after the panic", || {});
    });
    assert_eq!(session_of(&spans, "in inner").as_deref(), Some("inner"));
    assert_eq!(
        session_of(&spans, "after the panic").as_deref(),
        Some("outer")
    );
}

#[test]
fn a_worker_gets_its_own_session_back_after_a_job_from_another() {
    let job = {
        let _s = baton::session("request");
        baton::copy_context_to_fn(|()| current())
    };
    let (in_job, after) = std::thread::spawn(move || {
        let _own = baton::session("worker");
        (job(()), current())
    })
    .join()
    .unwrap();
    assert_eq!(in_job.as_deref(), Some("request"));
    assert_eq!(after.as_deref(), Some("worker"));
}

#[test]
fn jaeger_round_trips_every_shape_of_session_id() {
    let long = "x".repeat(300);
    for id in [
        "plain",
        "a+b",
        "100%",
        "a,b;c=d",
        "a b",
        " lead",
        "trail ",
        "Zoë",
        "日本語",
        "%20",
        "=",
        "a\nb",
        &long,
    ] {
        let cx = Context::default().with_baggage("session.id", id);
        let mut headers: HashMap<String, String> = HashMap::new();
        Jaeger.inject(&cx, &mut headers);
        let (back, problems) = Jaeger.extract_with_problems(&Context::default(), &headers);
        assert!(problems.is_empty(), "{id:?}: {problems:?}");
        assert_eq!(back.session().as_ref().map(|s| s.id()), Some(id), "{id:?}");
    }
}

#[test]
fn a_session_without_a_span_is_injected_alone() {
    let every = Composite::new(vec![
        Box::new(TraceContext),
        Box::new(B3::single()),
        Box::new(B3::multi()),
        Box::new(Jaeger),
        Box::new(W3cBaggage),
        Box::new(SessionHeader::default()),
    ]);
    let cx = Context::default().with_baggage("session.id", "chat-42");
    let mut headers: Vec<(String, String)> = Vec::new();
    every.inject(&cx, &mut headers);
    headers.sort();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("baggage", "session.id=chat-42"),
            ("baton-session-id", "chat-42"),
            ("uberctx-session.id", "chat-42"),
        ]
    );
    let (back, problems) = every.extract_with_problems(&Context::default(), &headers);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(back.span_context().is_none());
    assert_eq!(back.session().unwrap().id(), "chat-42");
}

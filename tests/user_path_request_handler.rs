//! A request handler written the way OpenTelemetry Python's and Prela's
//! context-propagation docs show it: extract the incoming headers, start a
//! server span under them, hand work to a pool of std threads through
//! `copy_context_to_thread` (and a job run twice through
//! `copy_context_to_fn`), set baggage and a session, call a downstream
//! service with injected headers, and end.

mod common;

use std::collections::HashMap;
use std::sync::mpsc;

use baton::{SpanKind, Status};
use common::pool::Pool;

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT: &str = "00f067aa0ba902b7";

/// What a pool job saw of its context.
#[derive(Debug, PartialEq)]
struct Seen {
    trace: Option<String>,
    tenant: Option<String>,
    session: Option<String>,
}

fn seen() -> Seen {
    Seen {
        trace: baton::current_trace_id().map(|t| t.to_string()),
        tenant: baton::baggage("tenant"),
        session: baton::current_session().map(|s| s.id().to_owned()),
    }
}

/// The handler: what a web framework's route would run for one request.
fn handle(incoming: &HashMap<String, String>, pool: &Pool) -> (HashMap<String, String>, Vec<Seen>) {
    let _cx = baton::propagated_context(incoming);
    let server = baton::span("GET /orders/{id}")
        .kind(SpanKind::Server)
        .attr("http.route", "/orders/{id}")
        .enter();
    let _tenant = baton::set_baggage("tenant", "acme");
    let _session = baton::session("chat-42");

    // One job through copy_context_to_thread, one function run twice.
    let (tx, rx) = mpsc::channel();
    let tx1 = tx.clone();
    let job = baton::copy_context_to_thread(move || {
        let s = baton::in_span("load order", seen);
        tx1.send(s).unwrap();
    });
    pool.execute(job);
    let twice = baton::copy_context_to_fn(move |n: u32| {
        let s = baton::in_span(format!("price line {n}"), seen);
        tx.send(s).unwrap();
    });
    let (a, b) = (twice.clone(), twice);
    pool.execute(move || a(1));
    pool.execute(move || b(2));
    let seen: Vec<Seen> = rx.iter().take(3).collect();

    // The outgoing request, inside a client span.
    let mut outgoing = HashMap::new();
    baton::in_span("call inventory", || {
        baton::current_span()
            .unwrap()
            .set_attribute("peer.service", "inventory");
        baton::inject_context(&mut outgoing);
    });
    server.set_status(Status::Ok);
    (outgoing, seen)
}

fn incoming() -> HashMap<String, String> {
    HashMap::from([
        ("Traceparent".to_owned(), format!("00-{TRACE}-{PARENT}-01")),
        ("Tracestate".to_owned(), "vendor=abc".to_owned()),
        ("Baggage".to_owned(), "user.id=u1;ttl=60".to_owned()),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ])
}

#[test]
fn handler_continues_the_callers_trace_through_pool_and_outgoing_call() {
    let pool = Pool::new(2);
    let mut outgoing = HashMap::new();
    let mut seen = Vec::new();
    let spans = common::record(|| {
        (outgoing, seen) = handle(&incoming(), &pool);
    });
    drop(pool);

    // Every pool job ran in the request's context, the job run twice too.
    let expected = || Seen {
        trace: Some(TRACE.to_owned()),
        tenant: Some("acme".to_owned()),
        session: Some("chat-42".to_owned()),
    };
    assert_eq!(seen, [expected(), expected(), expected()]);

    // The handler's context is gone once it returned.
    assert!(baton::Context::current().is_empty());

    let server = common::named(&spans, "GET /orders/{id}");
    assert_eq!(server.trace_id().to_string(), TRACE);
    assert_eq!(server.parent_span_id.unwrap().to_string(), PARENT);
    assert!(server.parent_is_remote);
    assert_eq!(server.kind, SpanKind::Server);
    assert_eq!(server.status, Status::Ok);
    assert_eq!(
        server.span_context.trace_state().get("vendor"),
        Some("abc"),
        "the caller's tracestate is kept on the continued trace"
    );
    for name in [
        "load order",
        "price line 1",
        "price line 2",
        "call inventory",
    ] {
        let s = common::named(&spans, name);
        assert_eq!(s.trace_id().to_string(), TRACE, "{name}");
        assert_eq!(s.parent_span_id, Some(server.span_id()), "{name}");
        assert!(!s.parent_is_remote, "{name}");
        assert_eq!(
            s.attribute("session.id")
                .map(ToString::to_string)
                .as_deref(),
            Some("chat-42"),
            "{name}"
        );
    }
    assert_eq!(spans.len(), 5, "{spans:#?}");

    // The outgoing request carries the client span and all the baggage:
    // the caller's (with its property), the handler's, and the session.
    let client = common::named(&spans, "call inventory");
    assert_eq!(
        outgoing["traceparent"],
        format!("00-{TRACE}-{}-01", client.span_id())
    );
    assert_eq!(outgoing["tracestate"], "vendor=abc");
    let mut members: Vec<&str> = outgoing["baggage"].split(',').collect();
    members.sort_unstable();
    assert_eq!(
        members,
        ["session.id=chat-42", "tenant=acme", "user.id=u1;ttl=60"]
    );
}

/// The next service reads what the handler sent: the baggage set in one
/// service is read in the next, and the session arrives as a session.
#[test]
fn baggage_and_session_set_in_one_service_are_read_in_the_next() {
    let pool = Pool::new(1);
    let mut outgoing = HashMap::new();
    // Its spans recorded and let go, so none reaches another test's record.
    common::record(|| (outgoing, _) = handle(&incoming(), &pool));
    drop(pool);
    let spans = common::record(|| {
        let _cx = baton::propagated_context(&outgoing);
        assert_eq!(baton::baggage("tenant").as_deref(), Some("acme"));
        assert_eq!(baton::baggage("user.id").as_deref(), Some("u1"));
        assert_eq!(baton::current_session().unwrap().id(), "chat-42");
        drop(baton::span("inventory").kind(SpanKind::Server).enter());
    });
    let next = common::named(&spans, "inventory");
    assert_eq!(next.trace_id().to_string(), TRACE);
    assert_eq!(
        next.attribute("session.id").unwrap().to_string(),
        "chat-42",
        "a session received in baggage tags the next service's spans"
    );
}

/// A session that arrives in the caller's `baggage` (Arize's and Prela's
/// `session.id`) is the session of the handler, and a session set by the
/// handler replaces it in what is sent on, once.
#[test]
fn a_session_received_in_baggage_is_replaced_by_the_handlers_own() {
    let mut headers = incoming();
    headers.insert(
        "baggage".to_owned(),
        "user.id=u1,session.id=from-client".to_owned(),
    );
    headers.remove("Baggage");
    let _cx = baton::propagated_context(&headers);
    assert_eq!(baton::current_session().unwrap().id(), "from-client");
    let _s = baton::session("chat-42");
    let mut out = HashMap::new();
    baton::inject_context(&mut out);
    let sessions: Vec<&str> = out["baggage"]
        .split(',')
        .filter(|m| m.starts_with("session.id="))
        .collect();
    assert_eq!(sessions, ["session.id=chat-42"], "{}", out["baggage"]);
}

//! One request's whole path, as a user coming from OpenTelemetry Python,
//! Mirascope ops or Arize writes it: a server handler extracts the context
//! from its headers, works on a thread pool (a job run twice, a panicking
//! job, a nested pool), in futures moved between threads between polls, calls
//! a downstream service through injected headers, and runs a child process
//! through the environment carrier. Every span lands in the caller's trace
//! under the right parent with the request's session, and nothing of one
//! request reaches the next.

mod common;

use std::process::Command;
use std::sync::mpsc;
use std::thread;

use baton::{FutureExt, SpanData, SpanId, SpanKind, TraceId};
use common::pool::Pool;

/// A request to the downstream service: its headers, and where to answer.
type Call = (Vec<(String, String)>, mpsc::Sender<Seen>);

/// The downstream service: a thread that takes requests as header lists,
/// handles each inside the context extracted from it, and answers with what
/// it saw.
fn downstream() -> (mpsc::Sender<Call>, thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel::<Call>();
    let handle = thread::spawn(move || {
        for (headers, answer) in rx {
            let _cx = baton::propagated_context(&headers);
            let server = baton::span("downstream").kind(SpanKind::Server).enter();
            let seen = Seen::now();
            drop(server);
            answer.send(seen).unwrap();
        }
    });
    (tx, handle)
}

/// What code saw of its context.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    trace: Option<TraceId>,
    span: Option<SpanId>,
    session: Option<String>,
    user: Option<String>,
}

impl Seen {
    fn now() -> Seen {
        Seen {
            trace: baton::current_trace_id(),
            span: baton::current_span_id(),
            session: baton::current_session().map(|s| s.id().to_owned()),
            user: baton::baggage("user.id"),
        }
    }
}

/// The headers a client sends: its traceparent and its baggage.
fn incoming(trace: &str, parent: &str, session: &str, user: &str) -> Vec<(String, String)> {
    vec![
        ("Traceparent".to_owned(), format!("00-{trace}-{parent}-01")),
        (
            "Baggage".to_owned(),
            format!("session.id={session},user.id={user}"),
        ),
    ]
}

/// Runs the child process: this test binary's ignored `child` test, which
/// prints what it extracted from its environment.
fn run_child() -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child", "--ignored", "--nocapture"])
        .env_remove("TRACEPARENT")
        .env_remove("BAGGAGE");
    baton::propagation::inject_into_command(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("CHILD "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_owned()
}

#[test]
#[ignore = "run by run_child as the child process"]
fn child() {
    let _cx = baton::propagation::propagated_from_env();
    let seen = Seen::now();
    let parent = baton::Context::current()
        .span_context()
        .map(|sc| sc.span_id());
    println!(
        "CHILD {:?} {:?} {:?} {:?}",
        seen.trace.map(|t| t.to_string()),
        parent.map(|s| s.to_string()),
        seen.session,
        seen.user
    );
}

/// Handles one request as a server handler would; returns the server
/// span's id, what the code it ran saw, and what the child process saw.
fn handle(
    headers: &Vec<(String, String)>,
    pool: &Pool,
    service: &mpsc::Sender<Call>,
) -> (SpanId, Vec<Seen>, String) {
    let _cx = baton::propagated_context(headers);
    let server = baton::span("handler").kind(SpanKind::Server).enter();
    let server_id = server.span_id();
    let mut seen = vec![];

    // Thread pool: a job, a job whose panic must stay its own, a job
    // submitting to a nested pool, and a map function run twice.
    seen.push(
        pool.submit(|| baton::in_span("pool job", Seen::now))
            .recv()
            .unwrap(),
    );
    let panicked = pool.submit(|| baton::in_span("panicking job", || panic!("job failed")));
    assert!(panicked.recv().is_err());
    let inner = Pool::new(1);
    let nested = {
        let inner_job = baton::copy_context_to_thread(move || {
            baton::in_span("outer job", || {
                inner
                    .submit(|| baton::in_span("inner job", Seen::now))
                    .recv()
                    .unwrap()
            })
        });
        thread::spawn(inner_job).join().unwrap()
    };
    seen.push(nested);
    let twice = baton::copy_context_to_fn(|_: ()| baton::in_span("mapped", Seen::now));
    let (a, b) = (twice.clone(), twice);
    seen.push(pool.submit(move || a(())).recv().unwrap());
    seen.push(pool.submit(move || b(())).recv().unwrap());

    // Futures moved between executor threads between polls.
    let mut executor = common::Executor::new(2);
    let (tx, rx) = mpsc::channel();
    executor.spawn(
        async move {
            common::YieldN(2).await;
            let first = Seen::now();
            async {
                common::YieldN(1).await;
            }
            .in_span(baton::span("inner future"))
            .await;
            tx.send(first).unwrap();
        }
        .in_span(baton::span("future")),
    );
    executor.join();
    seen.push(rx.recv().unwrap());

    // A downstream call: inject inside a client span, the service extracts.
    {
        let _client = baton::span("call downstream")
            .kind(SpanKind::Client)
            .enter();
        let mut headers: Vec<(String, String)> = vec![];
        baton::inject_context(&mut headers);
        let (answer, got) = mpsc::channel();
        service.send((headers, answer)).unwrap();
        seen.push(got.recv().unwrap());
    }

    // A child process through the environment carrier.
    let child = baton::in_span("run child", run_child);
    drop(server);
    (server_id, seen, child)
}

fn by_name<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name:?} in {spans:#?}"))
}

#[test]
fn two_requests_through_pool_futures_a_service_and_a_child_process() {
    let pool = Pool::new(2);
    let (service, service_thread) = downstream();
    let requests = [
        (
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            "chat-1",
            "alice",
        ),
        (
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            "chat-2",
            "bob",
        ),
    ];
    for (trace, parent, session, user) in requests {
        let headers = incoming(trace, parent, session, user);
        let mut result = None;
        let spans = common::record(|| result = Some(handle(&headers, &pool, &service)));
        let (server_id, seen, child) = result.unwrap();
        let trace = TraceId::from_hex(trace).unwrap();
        let parent = SpanId::from_hex(parent).unwrap();

        let names: Vec<&str> = spans.iter().map(|s| s.name.as_ref()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            [
                "call downstream",
                "downstream",
                "future",
                "handler",
                "inner future",
                "inner job",
                "mapped",
                "mapped",
                "outer job",
                "panicking job",
                "pool job",
                "run child",
            ],
            "{names:?}"
        );
        for span in &spans {
            assert_eq!(span.trace_id(), trace, "{span:?}");
            assert_eq!(
                span.attribute("session.id").map(|v| v.to_string()),
                Some(session.to_owned()),
                "{span:?}"
            );
        }
        let handler = by_name(&spans, "handler");
        assert_eq!(handler.span_id(), server_id);
        assert_eq!(handler.parent_span_id, Some(parent));
        assert!(handler.parent_is_remote);
        let parent_of = |name| by_name(&spans, name).parent_span_id;
        let id_of = |name| Some(by_name(&spans, name).span_id());
        for child in [
            "pool job",
            "panicking job",
            "outer job",
            "mapped",
            "future",
            "call downstream",
            "run child",
        ] {
            assert_eq!(parent_of(child), Some(server_id), "{child}");
        }
        assert_eq!(parent_of("inner job"), id_of("outer job"));
        assert_eq!(parent_of("inner future"), id_of("future"));
        assert_eq!(parent_of("downstream"), id_of("call downstream"));
        assert!(by_name(&spans, "downstream").parent_is_remote);
        assert!(matches!(
            &by_name(&spans, "panicking job").status,
            baton::Status::Error { description } if description.contains("job failed")
        ));

        for s in &seen {
            assert_eq!(s.trace, Some(trace), "{s:?}");
            assert_eq!(s.session.as_deref(), Some(session), "{s:?}");
            assert_eq!(s.user.as_deref(), Some(user), "{s:?}");
        }
        assert_eq!(
            child,
            format!(
                "{:?} {:?} {:?} {:?}",
                Some(trace.to_string()),
                id_of("run child").map(|s| s.to_string()),
                Some(session),
                Some(user)
            )
        );
        // Nothing of the request is left on the handler's thread.
        assert!(baton::Context::current().is_empty());
    }
    drop(service);
    service_thread.join().unwrap();
}

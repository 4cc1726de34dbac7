//! An async request handler as users of OpenTelemetry Python's asyncio
//! integration write it, run by a tiny hand-written executor (a run queue
//! and wakers, no tokio): two requests interleaved on one thread, each
//! holding a span across `.await` the way `with start_as_current_span():
//! await ...` does, each calling out with injected headers and logging with
//! the ids. Neither sees the other's span, baggage or session.

mod common;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};

use baton::{FutureExt, SpanKind};

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// A single-threaded executor: tasks run in the order they are woken.
#[derive(Default)]
struct Executor {
    tasks: Vec<Option<Task>>,
    woken: Arc<Mutex<VecDeque<usize>>>,
}

struct TaskWaker {
    id: usize,
    woken: Arc<Mutex<VecDeque<usize>>>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.woken.lock().unwrap().push_back(self.id);
    }
}

impl Executor {
    fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        let id = self.tasks.len();
        self.tasks.push(Some(Box::pin(task)));
        self.woken.lock().unwrap().push_back(id);
    }

    fn run(&mut self) {
        loop {
            let next = self.woken.lock().unwrap().pop_front();
            let Some(id) = next else { return };
            let Some(task) = self.tasks[id].as_mut() else {
                continue;
            };
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                woken: self.woken.clone(),
            }));
            if task
                .as_mut()
                .poll(&mut TaskContext::from_waker(&waker))
                .is_ready()
            {
                self.tasks[id] = None;
            }
            // Between polls the executor's thread is in its own context.
            assert!(baton::Context::current().is_empty(), "after task {id}");
        }
    }
}

/// Yields to the executor once (a socket not ready yet), waking itself.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// What one request saw, step by step.
#[derive(Default, Debug)]
struct Log {
    lines: Vec<String>,
    outgoing: Vec<HashMap<String, String>>,
}

async fn db_query(table: &'static str) -> usize {
    YieldNow(false).await;
    table.len()
}

/// The handler of one request.
async fn handle(user: &'static str, log: Rc<RefCell<Log>>) {
    let _session = baton::session(&format!("session-{user}"));
    // A span held across `.await`, as `with start_as_current_span()`.
    let work = baton::span("load cart").enter();
    YieldNow(false).await;
    let rows = db_query("carts")
        .in_span(baton::span("SELECT carts").kind(SpanKind::Client))
        .await;
    work.set_attribute("rows", rows as i64);
    log.borrow_mut().lines.push(format!(
        "user={user} loaded {} {}",
        baton::baggage("user").unwrap_or_default(),
        baton::log_ids()
    ));
    YieldNow(false).await;
    drop(work);
    let mut headers = HashMap::new();
    baton::in_span("call payments", || baton::inject_context(&mut headers));
    log.borrow_mut().outgoing.push(headers);
}

fn request(user: &'static str, log: Rc<RefCell<Log>>) -> impl Future<Output = ()> {
    // What the framework extracted from the request's headers.
    let cx = baton::Context::default().with_baggage("user", user);
    handle(user, log).in_span(
        baton::span("POST /checkout")
            .kind(SpanKind::Server)
            .parent(&cx),
    )
}

#[test]
fn two_interleaved_requests_keep_their_own_spans_and_context() {
    let logs = [Rc::default(), Rc::default()];
    let spans = common::record(|| {
        let mut executor = Executor::default();
        executor.spawn(request("alice", Rc::clone(&logs[0])));
        executor.spawn(request("bob", Rc::clone(&logs[1])));
        executor.run();
    });
    assert_eq!(spans.len(), 8, "{spans:#?}");

    for (user, log) in ["alice", "bob"].iter().zip(&logs) {
        let log: &Log = &log.borrow();
        let session = format!("session-{user}");
        let mine: Vec<_> = spans
            .iter()
            .filter(|s| s.attribute("session.id").map(ToString::to_string) == Some(session.clone()))
            .collect();
        let names: Vec<&str> = mine.iter().map(|s| s.name.as_ref()).collect();
        // The server span was started before the session: it does not carry
        // it; the rest do.
        assert_eq!(
            names,
            ["SELECT carts", "load cart", "call payments"],
            "{user}"
        );
        let server = spans
            .iter()
            .find(|s| s.name == "POST /checkout" && s.trace_id() == mine[0].trace_id())
            .unwrap();
        let [select, load, call] = [mine[0], mine[1], mine[2]];
        assert_eq!(load.parent_span_id, Some(server.span_id()), "{user}");
        assert_eq!(select.parent_span_id, Some(load.span_id()), "{user}");
        assert_eq!(call.parent_span_id, Some(server.span_id()), "{user}");
        assert_eq!(load.attribute("rows").unwrap().to_string(), "5");

        // The log line carries this request's ids while "load cart" ran.
        assert_eq!(log.lines.len(), 1);
        assert!(
            log.lines[0].starts_with(&format!("user={user} loaded {user} trace_id=")),
            "{}",
            log.lines[0]
        );
        assert!(
            log.lines[0].contains(&format!(
                "trace_id={} span_id={}",
                load.trace_id(),
                load.span_id()
            )),
            "{}",
            log.lines[0]
        );
        // The outgoing call carries this request's client span, baggage and
        // session.
        let out = &log.outgoing[0];
        assert_eq!(
            out["traceparent"],
            // Sampled, and a random trace id (W3C level 2): a root of baton's.
            format!("00-{}-{}-03", call.trace_id(), call.span_id())
        );
        let mut members: Vec<&str> = out["baggage"].split(',').collect();
        members.sort_unstable();
        assert_eq!(
            members,
            [format!("session.id={session}"), format!("user={user}")]
        );
    }
    let a = spans.iter().find(|s| s.name == "POST /checkout").unwrap();
    let b = spans.iter().rfind(|s| s.name == "POST /checkout").unwrap();
    assert_ne!(a.trace_id(), b.trace_id(), "two requests, two traces");
}

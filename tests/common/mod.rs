//! Shared test support: an in-memory pipeline, a `block_on`, a small
//! multi-thread executor that moves tasks between threads, and a span-tree
//! printer.
#![allow(dead_code)] // each test crate uses a different part of this module

pub mod cli;
pub mod injected;
pub mod pool;

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use baton::{InMemoryExporter, SpanData, TraceId};

/// The process-wide in-memory exporter, installed on first use.
pub fn exporter() -> &'static InMemoryExporter {
    static EXPORTER: OnceLock<InMemoryExporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemoryExporter::default();
        let guard = baton::init(baton::Config::new().exporter(exporter.clone()))
            .expect("the test pipeline is installed once per process");
        // The pipeline lives as long as the test process.
        std::mem::forget(guard);
        exporter
    })
}

/// The spans `f` finished, on the process-wide exporter; one call at a time,
/// so that no other test's spans are mixed in.
pub fn record(f: impl FnOnce()) -> Vec<SpanData> {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let memory = exporter();
    memory.take();
    f();
    memory.take()
}

/// The one span of `spans` named `name`; fails if there is none or more.
pub fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    let found: Vec<_> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "{name}: {spans:?}");
    found[0]
}

/// The finished spans of one trace, in end order.
pub fn spans_of(trace_id: TraceId) -> Vec<SpanData> {
    exporter()
        .finished_spans()
        .into_iter()
        .filter(|s| s.trace_id() == trace_id)
        .collect()
}

/// Asserts that trace `trace_id` has a span `name` whose error status
/// holds `panic`: the panic unwound past it and it recorded that.
pub fn assert_recorded_panic(trace_id: TraceId, name: &str, panic: &str) {
    let spans = spans_of(trace_id);
    let span = spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name:?}: {spans:?}"));
    assert!(
        matches!(&span.status, baton::Status::Error { description } if description.contains(panic)),
        "{span:?}"
    );
}

/// The finished spans of one trace as an indented tree: one line per span,
/// two spaces per level, siblings in start order (ties in end order).
/// A span whose parent is not among them is printed as a root.
pub fn tree(trace_id: TraceId) -> String {
    render_tree(&spans_of(trace_id))
}

pub fn render_tree(spans: &[SpanData]) -> String {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].start_unix_nanos);
    let is_known = |id| spans.iter().any(|s| s.span_id() == id);
    let mut out = String::new();
    fn walk(spans: &[SpanData], order: &[usize], at: usize, depth: usize, out: &mut String) {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&spans[at].name);
        out.push('\n');
        for &child in order {
            if spans[child].parent_span_id == Some(spans[at].span_id()) {
                walk(spans, order, child, depth + 1, out);
            }
        }
    }
    for &i in &order {
        if !spans[i].parent_span_id.is_some_and(is_known) {
            walk(spans, &order, i, 0, &mut out);
        }
    }
    out
}

struct ThreadWaker {
    thread: thread::Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Polls `fut` once, with a waker that does nothing: for tests that step
/// a future by hand (across threads, say) rather than run it to the end.
pub fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

/// Runs a future to completion on this thread.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let waker = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let task_waker = Waker::from(waker.clone());
    let mut cx = Context::from_waker(&task_waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        while !waker.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}

/// A future that is pending `n` times (waking itself each time) before it completes.
pub struct YieldN(pub usize);

impl Future for YieldN {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Two guards that outlived the runs their frames belonged to, which
/// ended their spans: one held across `.await` in a future wrapped in a
/// span and returned by it, one returned by a job wrapped by
/// `copy_context_to_thread`. Their spans are named "held across await"
/// (inside "future") and "returned by a job".
pub fn guards_that_outlived_their_runs() -> [baton::SpanGuard; 2] {
    use baton::{span, FutureExt};
    let from_future = block_on(
        async {
            let held = span("held across await").enter();
            YieldN(1).await;
            held
        }
        .in_span(span("future")),
    );
    let from_job = baton::copy_context_to_thread(|| span("returned by a job").enter())();
    [from_future, from_job]
}

/// Polls every future once per round, in order, on this thread (a
/// single-threaded executor), until all are done.
pub fn run_round_robin(mut futures: Vec<Pin<Box<dyn Future<Output = ()>>>>) {
    let mut cx = Context::from_waker(Waker::noop());
    while !futures.is_empty() {
        futures.retain_mut(|f| f.as_mut().poll(&mut cx).is_pending());
    }
}

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One run queue per worker, and a flag to stop.
struct Queues {
    queues: Vec<Mutex<VecDeque<Arc<TaskCell>>>>,
    ready: Condvar,
    lock: Mutex<bool>,
}

struct TaskCell {
    future: Mutex<Option<Task>>,
    queues: Arc<Queues>,
    /// Which worker threads have polled this task, in order.
    polled_on: Mutex<Vec<usize>>,
}

impl Wake for TaskCell {
    fn wake(self: Arc<Self>) {
        // Hand the task to the worker after the one that polled it last, so
        // consecutive polls of one task run on different threads.
        let next =
            self.polled_on.lock().unwrap().last().map_or(0, |w| w + 1) % self.queues.queues.len();
        let queues = self.queues.clone();
        queues.queues[next].lock().unwrap().push_back(self);
        let _stop = queues.lock.lock().unwrap();
        queues.ready.notify_all();
    }
}

/// A multi-thread executor that moves every task to another worker thread
/// each time it is woken.
pub struct Executor {
    queues: Arc<Queues>,
    workers: Vec<thread::JoinHandle<()>>,
    tasks: Vec<Arc<TaskCell>>,
}

impl Executor {
    pub fn new(threads: usize) -> Executor {
        let queues = Arc::new(Queues {
            queues: (0..threads).map(|_| Mutex::new(VecDeque::new())).collect(),
            ready: Condvar::new(),
            lock: Mutex::new(false),
        });
        let workers = (0..threads)
            .map(|index| {
                let queues = queues.clone();
                thread::spawn(move || loop {
                    let task = queues.queues[index].lock().unwrap().pop_front();
                    let Some(task) = task else {
                        let stop = queues.lock.lock().unwrap();
                        if *stop {
                            return;
                        }
                        if queues.queues[index].lock().unwrap().is_empty() {
                            let _ = queues
                                .ready
                                .wait_timeout(stop, std::time::Duration::from_millis(10))
                                .unwrap();
                        }
                        continue;
                    };
                    task.polled_on.lock().unwrap().push(index);
                    let waker = Waker::from(task.clone());
                    let mut slot = task.future.lock().unwrap();
                    if let Some(fut) = slot.as_mut() {
                        if fut
                            .as_mut()
                            .poll(&mut Context::from_waker(&waker))
                            .is_ready()
                        {
                            *slot = None;
                        }
                    }
                })
            })
            .collect();
        Executor {
            queues,
            workers,
            tasks: Vec::new(),
        }
    }

    pub fn spawn(&mut self, fut: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(TaskCell {
            future: Mutex::new(Some(Box::pin(fut))),
            queues: self.queues.clone(),
            polled_on: Mutex::new(Vec::new()),
        });
        self.tasks.push(task.clone());
        task.wake();
    }

    /// Waits until every task completed; returns, per task, the worker
    /// indices that polled it.
    pub fn join(self) -> Vec<Vec<usize>> {
        while !self
            .tasks
            .iter()
            .all(|t| t.future.lock().unwrap().is_none())
        {
            thread::sleep(std::time::Duration::from_millis(1));
        }
        *self.queues.lock.lock().unwrap() = true;
        self.queues.ready.notify_all();
        for w in self.workers {
            w.join().unwrap();
        }
        self.tasks
            .iter()
            .map(|t| t.polled_on.lock().unwrap().clone())
            .collect()
    }
}

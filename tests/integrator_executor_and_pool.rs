//! A framework's own runtime, without tokio: a two-worker executor whose
//! workers each run inside a long-lived span of their own (runtime
//! instrumentation), tasks woken from a timer thread and moved between
//! workers, tasks cancelled from another thread, a poll that panics caught
//! by the worker and the task polled again; and a job pool of
//! `copy_context_to_thread` / `copy_context_to_fn` jobs run once, twice or
//! never, and scoped threads. After every step a worker must be back in
//! its own context, and a task or job must see the context the docs
//! promise: the one captured (`in_context`, `in_current_context`, a
//! job's) or the span it was given (`in_span`), never the worker's.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use baton::{Context, FutureExt, InMemoryExporter, SpanData, SpanId, Status};

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

struct Task {
    future: Mutex<Option<BoxFuture>>,
    rt: Arc<Shared>,
    /// Set by `abort`: the next worker to take it drops it instead.
    aborted: AtomicBool,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        let rt = Arc::clone(&self.rt);
        rt.push(self);
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<(VecDeque<Arc<Task>>, bool)>,
    ready: Condvar,
    /// What a worker found current after a poll that was not its own.
    leaks: Mutex<Vec<String>>,
    /// Polls that panicked, caught by the worker.
    panics: AtomicUsize,
}

impl Shared {
    fn push(&self, task: Arc<Task>) {
        self.queue.lock().unwrap().0.push_back(task);
        self.ready.notify_one();
    }
}

/// Two workers, each inside its own span "worker loop".
struct Runtime {
    rt: Arc<Shared>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl Runtime {
    fn new() -> Runtime {
        let rt = Arc::new(Shared::default());
        let workers = (0..2)
            .map(|_| {
                let rt = Arc::clone(&rt);
                thread::spawn(move || worker(rt))
            })
            .collect();
        Runtime { rt, workers }
    }

    fn spawn(&self, f: impl Future<Output = ()> + Send + 'static) -> Arc<Task> {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(f))),
            rt: Arc::clone(&self.rt),
            aborted: AtomicBool::new(false),
        });
        self.rt.push(Arc::clone(&task));
        task
    }

    fn stop(self) -> Vec<String> {
        self.rt.queue.lock().unwrap().1 = true;
        self.rt.ready.notify_all();
        for w in self.workers {
            w.join().unwrap();
        }
        self.rt.leaks.lock().unwrap().clone()
    }
}

fn worker(rt: Arc<Shared>) {
    let own = baton::span("worker loop").root().enter();
    let own_id = own.context().span_context().unwrap().span_id();
    let check = |after: &str| {
        let cx = Context::current();
        let current = cx.span_context().map(|sc| sc.span_id());
        if current != Some(own_id) || !cx.baggage().is_empty() {
            rt.leaks.lock().unwrap().push(format!(
                "after {after}: span {current:?}, baggage {:?}",
                cx.baggage()
                    .iter()
                    .map(|(k, _, _)| k.to_owned())
                    .collect::<Vec<_>>()
            ));
        }
    };
    loop {
        let task = {
            let mut q = rt.queue.lock().unwrap();
            loop {
                if let Some(t) = q.0.pop_front() {
                    break t;
                }
                if q.1 {
                    drop(own);
                    return;
                }
                q = rt.ready.wait(q).unwrap();
            }
        };
        let mut slot = task.future.lock().unwrap();
        if task.aborted.load(Ordering::SeqCst) {
            drop(slot.take());
            check("a drop");
            continue;
        }
        let Some(fut) = slot.as_mut() else { continue };
        let waker = Waker::from(Arc::clone(&task));
        let polled = catch_unwind(AssertUnwindSafe(|| {
            fut.as_mut().poll(&mut TaskContext::from_waker(&waker))
        }));
        match polled {
            Ok(Poll::Ready(())) => drop(slot.take()),
            Ok(Poll::Pending) => {}
            // Kept, as an executor that lets the application decide: the
            // test polls it again.
            Err(_) => {
                rt.panics.fetch_add(1, Ordering::SeqCst);
            }
        }
        check("a poll");
    }
}

/// Pending once; woken ~1 ms later from a timer thread of its own.
struct Sleep(bool);

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        let waker = cx.waker().clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(1));
            waker.wake();
        });
        Poll::Pending
    }
}

/// Pending until the flag is set; woken by whoever sets it.
#[derive(Clone, Default)]
struct Gate(Arc<(AtomicBool, Mutex<Option<Waker>>)>);

impl Gate {
    fn open(&self) {
        self.0 .0.store(true, Ordering::SeqCst);
        if let Some(w) = self.0 .1.lock().unwrap().take() {
            w.wake();
        }
    }
    fn wait(&self) -> impl Future<Output = ()> + Send + 'static {
        let gate = self.clone();
        std::future::poll_fn(move |cx| {
            if gate.0 .0.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            *gate.0 .1.lock().unwrap() = Some(cx.waker().clone());
            if gate.0 .0.load(Ordering::SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

fn install() -> (baton::PipelineGuard, InMemoryExporter) {
    let spans = InMemoryExporter::default();
    (
        baton::init(baton::Config::new().exporter(spans.clone())).unwrap(),
        spans,
    )
}

fn by_name<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|s| s.name == name).collect()
}

/// What a task sees at each step, owned.
type Steps = Arc<Mutex<Vec<(usize, Option<SpanId>, Option<String>)>>>;

/// Tasks with a span of their own (`in_span`) and tasks with a captured
/// context (`in_context`) run to the end across both workers, woken from
/// timer threads: each step of each task sees its own span and baggage,
/// each span nests under its task's, and no worker is ever left in a
/// task's context, nor does a task ever see a worker's span.
#[test]
fn tasks_moved_between_workers_keep_their_own_context() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let runtime = Runtime::new();
    let steps: Steps = Arc::default();
    let done = Arc::new(AtomicUsize::new(0));
    let mut task_spans = Vec::new();
    for n in 0..6 {
        let steps = Arc::clone(&steps);
        let done = Arc::clone(&done);
        let body = async move {
            for _ in 0..5 {
                let cx = Context::current();
                steps.lock().unwrap().push((
                    n,
                    cx.span_context().map(|sc| sc.span_id()),
                    baton::baggage("task"),
                ));
                baton::in_span("step", || {});
                Sleep(false).in_span(baton::span("sleep")).await;
            }
            done.fetch_add(1, Ordering::SeqCst);
        };
        if n % 2 == 0 {
            // A request handler: the task's span, started at spawn.
            let _g = baton::set_baggage("task", &n.to_string());
            let fut = body.in_span(baton::span("task").root());
            runtime.spawn(fut);
        } else {
            // A job continuing a span the spawner holds.
            let parent = baton::span("spawner").root().start();
            task_spans.push((n, parent.span_context().span_id()));
            let cx = parent.context().with_baggage("task", &n.to_string());
            runtime.spawn(
                async move {
                    body.await;
                    drop(parent);
                }
                .in_context(cx),
            );
        }
    }
    wait_until("the tasks", || done.load(Ordering::SeqCst) == 6);
    let leaks = runtime.stop();
    assert!(leaks.is_empty(), "{leaks:?}");
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    let finished = spans.take();
    let ids_of = |name| {
        by_name(&finished, name)
            .iter()
            .map(|s| s.span_id())
            .collect::<Vec<_>>()
    };
    let tasks = ids_of("task");
    let workers = ids_of("worker loop");
    assert_eq!((tasks.len(), workers.len()), (3, 2));
    assert_eq!(by_name(&finished, "step").len(), 30);
    assert_eq!(by_name(&finished, "sleep").len(), 30);
    for (n, seen, baggage) in steps.lock().unwrap().iter() {
        assert_eq!(baggage.as_deref(), Some(n.to_string().as_str()), "task {n}");
        let seen = seen.expect("a task sees a span");
        assert!(!workers.contains(&seen), "task {n} saw a worker's span");
        if n % 2 == 1 {
            let (_, parent) = task_spans.iter().find(|(m, _)| m == n).unwrap();
            assert_eq!(seen, *parent, "task {n}");
        } else {
            assert!(tasks.contains(&seen), "task {n}");
        }
    }
    for s in by_name(&finished, "step")
        .into_iter()
        .chain(by_name(&finished, "sleep"))
    {
        let parent = s.parent_span_id.expect("a step has a parent");
        assert!(
            !workers.contains(&parent),
            "{} under a worker's span",
            s.name
        );
    }
}

/// A task with an empty context (spawned outside any span, as a
/// framework's background task is) runs in that context: its spans are
/// roots, not children of the worker's own span, in the same way as a
/// job wrapped outside any span.
#[test]
fn a_task_or_job_captured_in_no_context_does_not_join_the_workers_span() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let runtime = Runtime::new();
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    runtime.spawn(
        async move {
            baton::in_span("background", || {});
            Sleep(false).await;
            baton::in_span("background after a sleep", || {});
            flag.store(true, Ordering::SeqCst);
        }
        .in_current_context(),
    );
    wait_until("the task", || done.load(Ordering::SeqCst));
    // A job wrapped outside any span, run inside a worker's span.
    let job = baton::copy_context_to_thread(|| baton::in_span("job", || {}));
    let seen = thread::spawn(move || {
        let _worker = baton::span("pool worker").enter();
        job();
        baton::current_span().map(|s| s.name())
    })
    .join()
    .unwrap();
    assert_eq!(seen.as_deref(), Some("pool worker"));
    assert!(runtime.stop().is_empty());
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    for name in ["background", "background after a sleep", "job"] {
        let s = by_name(&finished, name);
        assert_eq!(s.len(), 1, "{name}");
        assert_eq!(s[0].parent_span_id, None, "{name} got a parent");
    }
}

/// A task cancelled while pending (its handle aborted on another thread,
/// the worker dropping it): the inner future's drop runs inside the task's
/// span ("drops the inner future inside its context, on whatever thread
/// drops it"), the span ends once with `Unset`, and the worker is back in
/// its own context.
#[test]
fn a_task_aborted_while_pending_ends_its_span_once() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let runtime = Runtime::new();
    let gate = Gate::default();
    let started = Arc::new(AtomicBool::new(false));
    let dropped_in = Arc::new(Mutex::new(None));
    struct OnDrop(Arc<Mutex<Option<String>>>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() =
                Some(baton::current_span().map_or("none".into(), |s| s.name()));
        }
    }
    let (wait, flag, on_drop) = (
        gate.wait(),
        Arc::clone(&started),
        OnDrop(Arc::clone(&dropped_in)),
    );
    let task = runtime.spawn(
        async move {
            let _on_drop = on_drop;
            baton::in_span("before", || {});
            flag.store(true, Ordering::SeqCst);
            wait.await;
            baton::in_span("never", || {});
        }
        .in_span(baton::span("cancelled task")),
    );
    wait_until("the first poll", || started.load(Ordering::SeqCst));
    // Aborted from this thread; the worker that takes it drops it.
    task.aborted.store(true, Ordering::SeqCst);
    let rt = Arc::clone(&runtime.rt);
    rt.push(Arc::clone(&task));
    wait_until("the drop", || dropped_in.lock().unwrap().is_some());
    assert_eq!(
        dropped_in.lock().unwrap().as_deref(),
        Some("cancelled task")
    );
    gate.open(); // a late wake of a dropped task does nothing
    let leaks = runtime.stop();
    assert!(leaks.is_empty(), "{leaks:?}");
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    let cancelled = by_name(&finished, "cancelled task");
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].status, Status::Unset);
    assert_eq!(by_name(&finished, "before").len(), 1);
    assert!(by_name(&finished, "never").is_empty());
}

/// A poll that panics is caught by the worker, which polls the task again
/// (an executor that isolates panics, as tokio's `JoinHandle` does): the
/// doc says that poll panics too and "runs nothing and ends nothing
/// again, and the thread's context is left as it was". The span recorded
/// the panic once.
#[test]
fn a_task_polled_again_after_its_poll_panicked() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let runtime = Runtime::new();
    let task = runtime.spawn(
        async {
            Sleep(false).await;
            baton::in_span("inner", || panic!("handler failed"));
        }
        .in_span(baton::span("panicking task")),
    );
    wait_until("the panic", || {
        runtime.rt.panics.load(Ordering::SeqCst) == 1
    });
    // Polled again, on whichever worker takes it.
    runtime.rt.push(Arc::clone(&task));
    wait_until("the second panic", || {
        runtime.rt.panics.load(Ordering::SeqCst) == 2
    });
    drop(task.future.lock().unwrap().take());
    let leaks = runtime.stop();
    assert!(leaks.is_empty(), "{leaks:?}");
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    for name in ["panicking task", "inner"] {
        let s = by_name(&finished, name);
        assert_eq!(s.len(), 1, "{name}");
        assert!(
            matches!(&s[0].status, Status::Error { description } if description.contains("handler failed")),
            "{name}: {:?}",
            s[0].status
        );
    }
}

/// Jobs of a pool: one wrapped and never run (dropped on another thread),
/// a `copy_context_to_fn` run twice on one worker and at once on two,
/// inside a worker's own span: each run is a child of the span current at
/// wrapping, the worker's span is current again after each, and a job
/// never run records nothing and leaves its captured span alone.
#[test]
fn pool_jobs_run_twice_or_never() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let request = baton::span("request").enter();
    let request_id = request.context().span_context().unwrap().span_id();
    let never = baton::copy_context_to_thread(|| baton::in_span("never run", || {}));
    let map = baton::copy_context_to_fn(|n: u32| {
        baton::in_span("map", || {
            baton::current_span()
                .unwrap()
                .set_attribute("n", i64::from(n));
        });
        baton::current_span().map(|s| s.span_id())
    });
    drop(request);
    thread::spawn(move || drop(never)).join().unwrap();
    let runs: Vec<_> = (0..2)
        .map(|w| {
            let map = map.clone();
            thread::spawn(move || {
                let worker = baton::span("pool worker").root().enter();
                let worker_id = worker.context().span_context().unwrap().span_id();
                let seen = [map(w * 2), map(w * 2 + 1)];
                let after = baton::current_span().map(|s| s.span_id());
                drop(worker);
                (seen, after == Some(worker_id))
            })
        })
        .collect();
    for r in runs {
        let (seen, back) = r.join().unwrap();
        assert!(back, "a worker is back in its own span after the jobs");
        assert_eq!(seen, [Some(request_id); 2]);
    }
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    assert!(by_name(&finished, "never run").is_empty());
    let maps = by_name(&finished, "map");
    assert_eq!(maps.len(), 4);
    assert!(maps.iter().all(|s| s.parent_span_id == Some(request_id)));
    let mut ns: Vec<String> = maps
        .iter()
        .map(|s| s.attribute("n").unwrap().to_string())
        .collect();
    ns.sort();
    assert_eq!(ns, ["0", "1", "2", "3"]);
    assert_eq!(by_name(&finished, "request").len(), 1);
}

/// Scoped threads borrowing the caller's data run jobs wrapped with
/// `copy_context_to_thread` (which takes non-`'static` closures), each
/// inside the context of the scope's caller.
#[test]
fn scoped_threads_continue_the_callers_span() {
    let _serial = serial();
    let (pipeline, spans) = install();
    let rows = [1u32, 2, 3];
    let mut totals: HashMap<usize, u32> = HashMap::new();
    baton::in_span("batch", || {
        let _tenant = baton::set_baggage("tenant", "acme");
        thread::scope(|s| {
            let handles: Vec<_> = rows
                .chunks(2)
                .map(|chunk| {
                    s.spawn(baton::copy_context_to_thread(move || {
                        baton::in_span("chunk", || {
                            (chunk.iter().sum::<u32>(), baton::baggage("tenant"))
                        })
                    }))
                })
                .collect();
            for (i, h) in handles.into_iter().enumerate() {
                let (sum, tenant) = h.join().unwrap();
                assert_eq!(tenant.as_deref(), Some("acme"));
                totals.insert(i, sum);
            }
        });
    });
    assert_eq!(totals, HashMap::from([(0, 3), (1, 3)]));
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    let batch = by_name(&finished, "batch")[0].span_id();
    let chunks = by_name(&finished, "chunk");
    assert_eq!(chunks.len(), 2);
    assert!(chunks.iter().all(|c| c.parent_span_id == Some(batch)));
}

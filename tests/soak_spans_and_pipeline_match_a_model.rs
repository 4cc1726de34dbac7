//! A randomized soak of the span engine and the batch pipeline against a
//! model. Each case runs a program of operations over three worker threads,
//! one at a time: enter, start, end or drop spans (guards in any order, or
//! forgotten), attach contexts (a new trace, baggage, a session, a context
//! captured on another thread), end a captured span from another thread,
//! wrap jobs (`copy_context_to_thread` run once or not, `copy_context_to_fn`
//! run up to twice, some leaving a guard live), wrap futures (in a span, a
//! root span, the current context or an empty one) polled by hand on their
//! thread and some dropped pending, panic inside spans, flush, and shut the
//! pipeline down and install another.
//!
//! The model says, per thread, which frames are on the stack (live or
//! dead), hence the current span, baggage and session after every
//! operation, the parent, trace and session of every span started, and
//! which guard drops are out of order. After each flush every span ended
//! is exported unless it may wait for a parent still open on another
//! thread; after the last shutdown every span ended is exported exactly
//! once, by the pipeline in force when it ended, with the model's parent,
//! trace, session and status, or (only if a shutdown found it waiting
//! for a parent elsewhere) dropped and counted; each pipeline's
//! `BatchStats` adds up with nothing in flight, and the
//! `guard-dropped-out-of-order` count is the model's.
//!
//! `PROPTEST_CASES` raises the number of cases for a longer soak.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, Once};
use std::task::{Context as TaskContext, Poll, Waker};
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStatsHandle, ExportError};
use baton::{
    span, Context, ContextGuard, DiagnosticKind, FutureExt, InMemoryExporter, PipelineGuard,
    SpanData, SpanGuard, SpanId, TraceId,
};
use proptest::prelude::*;

const THREADS: usize = 3;
const SESSION_KEY: &str = "session.id";
const BAGGAGE_KEYS: [&str; 2] = ["k0", "k1"];
/// The message of the panics a program asks for, which the hook keeps
/// quiet.
const PLANNED: &str = "soak: planned panic";

// ---------------------------------------------------------------- programs

#[derive(Clone, Copy, Debug)]
enum Wrap {
    Span,
    RootSpan,
    Current,
    Empty,
}

#[derive(Clone, Copy, Debug)]
enum FStep {
    Enter,
    Baggage(u8),
    DropNewest,
    DropOldest,
    Yield,
    Child,
}

#[derive(Clone, Debug)]
enum Op {
    Enter(usize),
    Start(usize),
    EndGuard(usize, usize),
    DropGuard(usize, usize),
    Forget(usize),
    NewTrace(usize),
    Baggage(usize, u8, u8),
    Session(usize, u8),
    Capture(usize),
    AttachCaptured(usize, usize),
    EndCaptured(usize, usize),
    EndHandle(usize, usize, bool),
    Job { t: usize, many: bool, leak: bool },
    RunJob(usize, usize),
    Future(usize, Wrap, Vec<FStep>),
    Poll(usize, usize),
    DropFuture(usize, usize),
    Panic(usize, bool),
    Flush(usize),
    ShutdownReinit(usize),
}

fn fstep() -> impl Strategy<Value = FStep> {
    prop_oneof![
        3 => Just(FStep::Enter),
        1 => (0..2u8).prop_map(FStep::Baggage),
        2 => Just(FStep::DropNewest),
        1 => Just(FStep::DropOldest),
        3 => Just(FStep::Yield),
        2 => Just(FStep::Child),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let t = 0..THREADS;
    let i = 0..6usize;
    let wrap = prop_oneof![
        Just(Wrap::Span),
        Just(Wrap::RootSpan),
        Just(Wrap::Current),
        Just(Wrap::Empty)
    ];
    prop_oneof![
        6 => t.clone().prop_map(Op::Enter),
        2 => t.clone().prop_map(Op::Start),
        2 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::EndGuard(t, i)),
        6 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::DropGuard(t, i)),
        1 => t.clone().prop_map(Op::Forget),
        1 => t.clone().prop_map(Op::NewTrace),
        2 => (t.clone(), 0..2u8, 0..3u8).prop_map(|(t, k, v)| Op::Baggage(t, k, v)),
        1 => (t.clone(), 0..3u8).prop_map(|(t, s)| Op::Session(t, s)),
        2 => t.clone().prop_map(Op::Capture),
        2 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::AttachCaptured(t, i)),
        1 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::EndCaptured(t, i)),
        2 => (t.clone(), i.clone(), any::<bool>()).prop_map(|(t, i, d)| Op::EndHandle(t, i, d)),
        2 => (t.clone(), any::<bool>(), any::<bool>())
            .prop_map(|(t, many, leak)| Op::Job { t, many, leak }),
        3 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::RunJob(t, i)),
        2 => (t.clone(), wrap, proptest::collection::vec(fstep(), 0..8))
            .prop_map(|(t, w, s)| Op::Future(t, w, s)),
        5 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::Poll(t, i)),
        1 => (t.clone(), i.clone()).prop_map(|(t, i)| Op::DropFuture(t, i)),
        1 => (t.clone(), any::<bool>()).prop_map(|(t, n)| Op::Panic(t, n)),
        1 => t.clone().prop_map(Op::Flush),
        1 => t.prop_map(Op::ShutdownReinit),
    ]
}

// ------------------------------------------------------------------- model

/// A context as the model sees it: the current span (id and trace) and
/// the baggage, the session among it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Cx {
    span: Option<(SpanId, TraceId)>,
    baggage: BTreeMap<String, String>,
}

impl Cx {
    fn session(&self) -> Option<String> {
        self.baggage.get(SESSION_KEY).cloned()
    }

    fn observed() -> Cx {
        let cx = Context::current();
        Cx {
            span: cx
                .span_context()
                .filter(|sc| sc.is_valid())
                .map(|sc| (sc.span_id(), sc.trace_id())),
            baggage: cx
                .baggage()
                .iter()
                .map(|(k, v, _)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }
}

#[derive(Debug)]
struct SpanM {
    name: String,
    parent: Option<SpanId>,
    /// `None` for a future's root span until a poll tells it.
    trace: Option<TraceId>,
    session: Option<String>,
    panicked: bool,
    /// The pipeline (its index) in force when it ended.
    ended: Option<usize>,
}

#[derive(Debug)]
struct FrameM {
    uid: u64,
    live: bool,
    span: Option<SpanId>,
    cx: Cx,
}

#[derive(Default)]
struct Model {
    spans: HashMap<SpanId, SpanM>,
    /// The spans of futures wrapped in a span are known by a placeholder
    /// id until a poll tells theirs (a future dropped unpolled never
    /// does): their names, by placeholder.
    placeholders: HashMap<SpanId, String>,
    threads: [Vec<FrameM>; THREADS],
    /// Per thread, spans that ended there while a span was open on its
    /// stack: they may wait in its batch for that span.
    maybe_held: [Vec<SpanId>; THREADS],
    ended_this_op: Vec<SpanId>,
    /// Spans a shutdown may have found waiting for a parent elsewhere.
    may_drop: HashSet<SpanId>,
    epoch: usize,
    out_of_order: u64,
    next_uid: u64,
    next_name: u64,
}

impl Model {
    fn current(&self, t: usize) -> Cx {
        self.threads[t]
            .iter()
            .rev()
            .find(|f| f.live)
            .map_or_else(Cx::default, |f| f.cx.clone())
    }

    fn push(&mut self, t: usize, span: Option<SpanId>, cx: Cx) -> u64 {
        self.next_uid += 1;
        self.threads[t].push(FrameM {
            uid: self.next_uid,
            live: true,
            span,
            cx,
        });
        self.next_uid
    }

    /// A guard of frame `uid` on `t` dropped: out of order under a live
    /// frame; otherwise popped with the dead frames under it.
    fn drop_frame(&mut self, t: usize, uid: u64) {
        let frames = &mut self.threads[t];
        let at = frames.iter().position(|f| f.uid == uid).expect("frame");
        if frames[at + 1..].iter().any(|f| f.live) {
            frames[at].live = false;
            self.out_of_order += 1;
        } else {
            frames.truncate(at);
            while frames.last().is_some_and(|f| !f.live) {
                frames.pop();
            }
        }
    }

    fn open_spans(&self, t: usize) -> bool {
        self.threads[t].iter().any(|f| f.span.is_some())
    }

    fn started(&mut self, name: String, trace: TraceId, parent: &Cx) -> SpanM {
        SpanM {
            name,
            parent: parent.span.map(|s| s.0),
            trace: Some(trace),
            session: parent.session(),
            panicked: false,
            ended: None,
        }
    }

    fn add(&mut self, id: SpanId, m: SpanM) {
        assert!(self.spans.insert(id, m).is_none(), "span id drawn twice");
    }

    fn end(&mut self, id: SpanId) {
        let epoch = self.epoch;
        if let Some(s) = self.spans.get_mut(&id) {
            if s.ended.is_none() {
                s.ended = Some(epoch);
                self.ended_this_op.push(id);
            }
        }
    }

    fn name(&mut self, what: &str) -> String {
        self.next_name += 1;
        format!("{what}{}", self.next_name)
    }
}

type Shared<T> = Arc<Mutex<T>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Checks a span just started against the context it started in.
fn check_start(what: &str, trace: TraceId, parent: Option<SpanId>, cx: &Cx) {
    assert_eq!(parent, cx.span.map(|s| s.0), "{what}: parent");
    if let Some((_, t)) = cx.span {
        assert_eq!(trace, t, "{what}: its parent's trace");
    }
}

// ----------------------------------------------------------------- workers

enum HeldG {
    Span(SpanGuard, SpanId),
    Cx(#[allow(dead_code)] ContextGuard),
}

struct FutRec {
    fut: Pin<Box<dyn Future<Output = ()>>>,
    /// Its wrapper's span, if it has one: a placeholder until its first
    /// poll tells the id.
    span: Rc<Cell<Option<SpanId>>>,
    /// The guards its body holds, oldest first: their spans, if spans.
    held: Rc<RefCell<Vec<Option<SpanId>>>>,
}

#[derive(Default)]
struct Local {
    held: Vec<(u64, HeldG)>,
    futures: Vec<FutRec>,
}

thread_local! {
    static ME: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn me() -> usize {
    ME.with(Cell::get)
}

type Task = Box<dyn FnOnce(&mut Local) + Send>;

struct Worker {
    tasks: mpsc::Sender<Task>,
    done: mpsc::Receiver<Result<(), String>>,
    handle: thread::JoinHandle<()>,
}

fn worker(index: usize) -> Worker {
    let (tasks, rx) = mpsc::channel::<Task>();
    let (tx, done) = mpsc::channel();
    let handle = thread::spawn(move || {
        ME.with(|m| m.set(index));
        let mut local = Local::default();
        for task in rx {
            let r = catch_unwind(AssertUnwindSafe(|| task(&mut local))).map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
            let failed = r.is_err();
            let _ = tx.send(r);
            if failed {
                // What it holds is in an unknown state: forgotten, so
                // that its drop reports nothing the model counts.
                std::mem::forget(local);
                return;
            }
        }
    });
    Worker {
        tasks,
        done,
        handle,
    }
}

impl Worker {
    fn run(&self, task: Task) -> Result<(), String> {
        self.tasks
            .send(task)
            .map_err(|_| "worker gone".to_string())?;
        self.done.recv().map_err(|_| "worker gone".to_string())?
    }
}

/// Pending once, then ready.
struct Pending(bool);

impl Future for Pending {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, false) {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

// ---------------------------------------------------------------- the run

struct Pipeline {
    guard: Option<PipelineGuard>,
    exporter: InMemoryExporter,
    stats: BatchStatsHandle,
}

fn install() -> Pipeline {
    let exporter = InMemoryExporter::default();
    let mut batch = BatchConfig::default();
    batch.scheduled_delay = Duration::from_secs(3600);
    let processor = BatchProcessor::new(exporter.clone(), batch);
    let stats = processor.stats_handle();
    let guard = baton::init(baton::Config::new().processor(processor)).expect("installed");
    Pipeline {
        guard: Some(guard),
        exporter,
        stats,
    }
}

type Job = Box<dyn FnOnce() -> JobOut + Send>;
type JobFn = Arc<dyn Fn(()) -> JobOut + Send + Sync>;

enum JobSlot {
    Once(Option<Job>),
    Many(JobFn, u8),
}

/// What a job started: its span and its child (ids, trace, parent), the
/// session it ran in, and whether it left its guard live.
struct JobOut {
    span: (SpanId, TraceId),
    child: (SpanId, TraceId),
    parent: Option<SpanId>,
    session: Option<String>,
    leaked: bool,
}

/// The body of every job: runs inside `cx`, the model's context captured.
fn job_body(cx: &Cx, leak: bool) -> JobOut {
    assert_eq!(&Cx::observed(), cx, "a job runs in the context it captured");
    let g = span("job").enter();
    let sc = g.span_context().clone();
    check_start("job", sc.trace_id(), g.parent_span_id(), cx);
    let c = span("job child").start();
    assert_eq!(c.parent_span_id(), Some(sc.span_id()), "job child's parent");
    assert_eq!(c.trace_id(), sc.trace_id(), "job child's trace");
    let out = JobOut {
        span: (sc.span_id(), sc.trace_id()),
        child: (c.span_id(), c.trace_id()),
        parent: cx.span.map(|s| s.0),
        session: cx.session(),
        leaked: leak,
    };
    drop(c);
    if leak {
        std::mem::forget(g);
    } else {
        drop(g);
    }
    out
}

struct Run {
    model: Shared<Model>,
    handles: Shared<Vec<Option<(baton::Span, SpanId)>>>,
    captured: Shared<Vec<(Context, Cx)>>,
    jobs: Shared<Vec<JobSlot>>,
    pipelines: Vec<Pipeline>,
    current: Shared<Option<PipelineGuard>>,
    workers: Vec<Worker>,
}

/// Checks the current context of this thread against the model's.
fn check_current(model: &Model, what: &str) {
    let t = me();
    assert_eq!(Cx::observed(), model.current(t), "thread {t} after {what}");
}

impl Run {
    fn on(&self, t: usize, f: impl FnOnce(&mut Local) + Send + 'static) -> Result<(), String> {
        self.workers[t].run(Box::new(f))
    }

    fn step(&mut self, op: &Op) -> Result<(), String> {
        let model = self.model.clone();
        let what = format!("{op:?}");
        let t = match *op {
            Op::Enter(t)
            | Op::Start(t)
            | Op::EndGuard(t, _)
            | Op::DropGuard(t, _)
            | Op::Forget(t)
            | Op::NewTrace(t)
            | Op::Baggage(t, ..)
            | Op::Session(t, _)
            | Op::Capture(t)
            | Op::AttachCaptured(t, _)
            | Op::EndCaptured(t, _)
            | Op::EndHandle(t, ..)
            | Op::Job { t, .. }
            | Op::RunJob(t, _)
            | Op::Future(t, ..)
            | Op::Poll(t, _)
            | Op::DropFuture(t, _)
            | Op::Panic(t, _)
            | Op::Flush(t)
            | Op::ShutdownReinit(t) => t,
        };
        let done = match op.clone() {
            Op::Enter(_) => self.on(t, move |local| {
                let mut m = lock(&model);
                let cx = m.current(t);
                let g = span("enter").enter();
                let (id, trace) = (g.span_context().span_id(), g.span_context().trace_id());
                check_start("enter", trace, g.parent_span_id(), &cx);
                let sm = m.started("enter".into(), trace, &cx);
                m.add(id, sm);
                let mut inner = cx.clone();
                inner.span = Some((id, trace));
                let uid = m.push(t, Some(id), inner);
                local.held.push((uid, HeldG::Span(g, id)));
                check_current(&m, &what);
            }),
            Op::Start(_) => {
                let handles = self.handles.clone();
                self.on(t, move |_| {
                    let mut m = lock(&model);
                    let cx = m.current(t);
                    let s = span("start").start();
                    let (id, trace) = (s.span_id(), s.trace_id());
                    check_start("start", trace, s.parent_span_id(), &cx);
                    let sm = m.started("start".into(), trace, &cx);
                    m.add(id, sm);
                    lock(&handles).push(Some((s, id)));
                    check_current(&m, &what);
                })
            }
            Op::EndGuard(_, i) => self.on(t, move |local| {
                let spans: Vec<_> = local
                    .held
                    .iter()
                    .filter_map(|h| match &h.1 {
                        HeldG::Span(g, id) => Some((g, *id)),
                        HeldG::Cx(_) => None,
                    })
                    .collect();
                if spans.is_empty() {
                    return;
                }
                let (g, id) = spans[i % spans.len()];
                let ended = lock(&model).spans[&id].ended.is_some();
                if !ended {
                    g.end();
                }
                let mut m = lock(&model);
                m.end(id);
                check_current(&m, &what);
            }),
            Op::DropGuard(_, i) => self.on(t, move |local| {
                if local.held.is_empty() {
                    return;
                }
                let (uid, g) = local.held.remove(i % local.held.len());
                let id = match &g {
                    HeldG::Span(_, id) => Some(*id),
                    HeldG::Cx(_) => None,
                };
                drop(g);
                let mut m = lock(&model);
                m.drop_frame(t, uid);
                if let Some(id) = id {
                    m.end(id);
                }
                check_current(&m, &what);
            }),
            Op::Forget(_) => self.on(t, move |local| {
                if let Some((_, g)) = local.held.pop() {
                    std::mem::forget(g);
                }
                check_current(&lock(&model), &what);
            }),
            Op::NewTrace(_) => self.on(t, move |local| {
                let g = baton::new_trace_context();
                let mut m = lock(&model);
                let uid = m.push(t, None, Cx::default());
                local.held.push((uid, HeldG::Cx(g)));
                check_current(&m, &what);
            }),
            Op::Baggage(_, k, v) => self.on(t, move |local| {
                let (k, v) = (BAGGAGE_KEYS[usize::from(k)], format!("v{v}"));
                let g = baton::set_baggage(k, &v);
                let mut m = lock(&model);
                let mut cx = m.current(t);
                cx.baggage.insert(k.into(), v);
                let uid = m.push(t, None, cx);
                local.held.push((uid, HeldG::Cx(g)));
                check_current(&m, &what);
            }),
            Op::Session(_, s) => self.on(t, move |local| {
                let id = format!("s{s}");
                let g = baton::session(&id);
                let mut m = lock(&model);
                let mut cx = m.current(t);
                cx.baggage.insert(SESSION_KEY.into(), id);
                let uid = m.push(t, None, cx);
                local.held.push((uid, HeldG::Cx(g)));
                check_current(&m, &what);
            }),
            Op::Capture(_) => {
                let captured = self.captured.clone();
                self.on(t, move |_| {
                    let m = lock(&model);
                    lock(&captured).push((Context::current(), m.current(t)));
                })
            }
            Op::AttachCaptured(_, i) => {
                let captured = self.captured.clone();
                self.on(t, move |local| {
                    let Some((cx, mcx)) = ({
                        let c = lock(&captured);
                        (!c.is_empty()).then(|| c[i % c.len()].clone())
                    }) else {
                        return;
                    };
                    let g = cx.attach();
                    let mut m = lock(&model);
                    let uid = m.push(t, None, mcx);
                    local.held.push((uid, HeldG::Cx(g)));
                    check_current(&m, &what);
                })
            }
            Op::EndCaptured(_, i) => {
                let captured = self.captured.clone();
                self.on(t, move |_| {
                    let Some((cx, mcx)) = ({
                        let c = lock(&captured);
                        (!c.is_empty()).then(|| c[i % c.len()].clone())
                    }) else {
                        return;
                    };
                    let Some((id, _)) = mcx.span else { return };
                    if lock(&model).spans[&id].ended.is_some() {
                        return;
                    }
                    cx.span().expect("a captured span").end();
                    let mut m = lock(&model);
                    m.end(id);
                    check_current(&m, &what);
                })
            }
            Op::EndHandle(_, i, by_drop) => {
                let handles = self.handles.clone();
                self.on(t, move |_| {
                    let Some((s, id)) = ({
                        let mut h = lock(&handles);
                        let n = h.len();
                        (0..n).map(|k| (i + k) % n).find_map(|k| h[k].take())
                    }) else {
                        return;
                    };
                    if by_drop {
                        drop(s);
                    } else {
                        s.end();
                    }
                    let mut m = lock(&model);
                    m.end(id);
                    check_current(&m, &what);
                })
            }
            Op::Job { many, leak, .. } => {
                let jobs = self.jobs.clone();
                self.on(t, move |_| {
                    let cx = lock(&model).current(t);
                    let slot = if many {
                        let f = baton::copy_context_to_fn(move |()| job_body(&cx, leak));
                        JobSlot::Many(Arc::new(f), 0)
                    } else {
                        let f = baton::copy_context_to_thread(move || job_body(&cx, leak));
                        JobSlot::Once(Some(Box::new(f)))
                    };
                    lock(&jobs).push(slot);
                })
            }
            Op::RunJob(_, i) => {
                let jobs = self.jobs.clone();
                self.on(t, move |_| {
                    let job: Box<dyn FnOnce() -> JobOut> = {
                        let mut jobs = lock(&jobs);
                        if jobs.is_empty() {
                            return;
                        }
                        let n = jobs.len();
                        match &mut jobs[i % n] {
                            JobSlot::Once(f) => match f.take() {
                                Some(f) => Box::new(f),
                                None => return,
                            },
                            JobSlot::Many(f, runs) if *runs < 2 => {
                                *runs += 1;
                                let f = f.clone();
                                Box::new(move || f(()))
                            }
                            JobSlot::Many(..) => return,
                        }
                    };
                    let before = lock(&model).current(t);
                    let out = job();
                    let mut m = lock(&model);
                    let (id, trace) = out.span;
                    let (cid, _) = out.child;
                    for (sid, name, parent) in [(id, "job", None), (cid, "job child", Some(id))] {
                        let parent = parent.or(out.parent);
                        m.add(
                            sid,
                            SpanM {
                                name: name.into(),
                                parent,
                                trace: Some(trace),
                                session: out.session.clone(),
                                panicked: false,
                                ended: None,
                            },
                        );
                    }
                    m.end(cid);
                    m.end(id);
                    if out.leaked {
                        m.out_of_order += 1;
                    }
                    assert_eq!(before, m.current(t), "a job restores the thread's context");
                    check_current(&m, &what);
                })
            }
            Op::Future(_, wrap, steps) => self.on(t, move |local| {
                let rec = {
                    let mut m = lock(&model);
                    let cx = m.current(t);
                    let name = m.name("f");
                    future(&model, &mut m, cx, name, wrap, steps)
                };
                local.futures.push(rec);
                check_current(&lock(&model), &what);
            }),
            Op::Poll(_, i) => self.on(t, move |local| {
                if local.futures.is_empty() {
                    return;
                }
                let k = i % local.futures.len();
                let ready = local.futures[k]
                    .fut
                    .as_mut()
                    .poll(&mut TaskContext::from_waker(Waker::noop()))
                    .is_ready();
                if ready {
                    let rec = local.futures.remove(k);
                    let mut m = lock(&model);
                    if let Some(id) = rec.span.get() {
                        m.end(id);
                    }
                }
                check_current(&lock(&model), &what);
            }),
            Op::DropFuture(_, i) => self.on(t, move |local| {
                if local.futures.is_empty() {
                    return;
                }
                let rec = local.futures.remove(i % local.futures.len());
                drop_future(&model, rec);
                check_current(&lock(&model), &what);
            }),
            Op::Panic(_, nested) => self.on(t, move |_| {
                let cx = lock(&model).current(t);
                let started: RefCell<Vec<(SpanId, TraceId, Option<SpanId>)>> = Default::default();
                let r = catch_unwind(AssertUnwindSafe(|| {
                    let g = span("panics").enter();
                    let sc = g.span_context();
                    started
                        .borrow_mut()
                        .push((sc.span_id(), sc.trace_id(), g.parent_span_id()));
                    let _h = nested.then(|| {
                        let h = span("panics inside").enter();
                        let sc = h.span_context();
                        started.borrow_mut().push((
                            sc.span_id(),
                            sc.trace_id(),
                            h.parent_span_id(),
                        ));
                        h
                    });
                    panic!("{PLANNED}");
                }));
                assert!(r.is_err());
                let mut m = lock(&model);
                let mut parent = cx.clone();
                for (k, (id, trace, p)) in started.into_inner().into_iter().enumerate() {
                    check_start("panics", trace, p, &parent);
                    let mut sm = m.started(format!("panics{k}"), trace, &parent);
                    sm.panicked = true;
                    m.add(id, sm);
                    parent.span = Some((id, trace));
                }
                let ids: Vec<SpanId> = m
                    .spans
                    .iter()
                    .filter(|(_, s)| s.panicked && s.ended.is_none())
                    .map(|(id, _)| *id)
                    .collect();
                for id in ids {
                    m.end(id);
                }
                check_current(&m, &what);
            }),
            Op::Flush(_) => self.on(t, move |_| {
                let r = baton::export::force_flush(Duration::MAX);
                assert!(r.is_ok(), "flush: {r:?}");
            }),
            Op::ShutdownReinit(_) => {
                let current = self.current.clone();
                self.on(t, move |_| {
                    let g = lock(&current).take().expect("a pipeline");
                    let r = g.shutdown(Duration::MAX);
                    match r {
                        Ok(()) => {}
                        Err(ExportError::ParentsOpen { .. }) => {
                            let m = lock(&model);
                            assert!(
                                (0..THREADS)
                                    .filter(|&u| u != t)
                                    .any(|u| !m.maybe_held[u].is_empty()),
                                "shutdown on {t}: {r:?} while no span waits elsewhere: {:?}",
                                m.maybe_held
                            );
                        }
                        Err(e) => panic!("shutdown: {e:?}"),
                    }
                })
            }
        };
        done?;
        // What ended here may wait in this thread's batch while a span is
        // open on its stack; once none is, its batch was handed over.
        let mut m = lock(&self.model);
        let ended = std::mem::take(&mut m.ended_this_op);
        if m.open_spans(t) {
            m.maybe_held[t].extend(ended);
        } else {
            m.maybe_held[t].clear();
        }
        match op {
            Op::Flush(_) => {
                m.maybe_held[t].clear();
                drop(m);
                self.check_flushed(t)?;
            }
            Op::ShutdownReinit(_) => {
                m.maybe_held[t].clear();
                drop(m);
                self.check_flushed(t)?;
                let mut m = lock(&self.model);
                let waiting: Vec<SpanId> =
                    m.maybe_held.iter_mut().flat_map(std::mem::take).collect();
                m.may_drop.extend(waiting);
                let p = self.pipelines.last_mut().expect("a pipeline");
                check_stats(&p.stats, m.epoch)?;
                m.epoch += 1;
                drop(m);
                let mut next = install();
                *lock(&self.current) = next.guard.take();
                self.pipelines.push(next);
            }
            _ => {}
        }
        Ok(())
    }

    /// After a flush or shutdown on `t`: every span ended under the
    /// pipeline in force was exported, unless it may wait on another
    /// thread for a parent open there.
    fn check_flushed(&self, t: usize) -> Result<(), String> {
        let m = lock(&self.model);
        let exported = self.pipelines.last().unwrap().exporter.finished_spans();
        let waiting: HashSet<SpanId> = (0..THREADS)
            .filter(|&u| u != t)
            .flat_map(|u| m.maybe_held[u].iter().copied())
            .collect();
        for (id, s) in &m.spans {
            if s.ended == Some(m.epoch)
                && !waiting.contains(id)
                && !m.may_drop.contains(id)
                && !exported.iter().any(|e| is(&m, *id, s, e))
            {
                return Err(format!(
                    "{} {id} ended under pipeline {} and was not exported by a flush on thread {t}",
                    s.name, m.epoch
                ));
            }
        }
        Ok(())
    }
}

fn check_stats(stats: &BatchStatsHandle, epoch: usize) -> Result<(), String> {
    let s = stats.get();
    if s.produced != s.exported + s.dropped + s.failed + s.in_flight
        || s.in_flight != 0
        || s.dropped != 0
        || s.failed != 0
    {
        return Err(format!("pipeline {epoch} after its shutdown: {s:?}"));
    }
    Ok(())
}

/// A future of `steps` wrapped as `wrap`, made in the context `cx`. Its
/// span, if it has one, is in the model under a placeholder id until its
/// first poll.
fn future(
    model: &Shared<Model>,
    m: &mut Model,
    cx: Cx,
    name: String,
    wrap: Wrap,
    steps: Vec<FStep>,
) -> FutRec {
    let key: Rc<Cell<Option<SpanId>>> = Rc::default();
    let held_ids: Rc<RefCell<Vec<Option<SpanId>>>> = Rc::default();
    let wrapped = matches!(wrap, Wrap::Span | Wrap::RootSpan);
    if wrapped {
        let parent = match wrap {
            Wrap::Span => cx.clone(),
            _ => Cx {
                span: None,
                baggage: cx.baggage.clone(),
            },
        };
        let placeholder = SpanId::random();
        m.placeholders.insert(placeholder, name.clone());
        m.add(
            placeholder,
            SpanM {
                name: name.clone(),
                parent: parent.span.map(|s| s.0),
                trace: parent.span.map(|s| s.1),
                session: parent.session(),
                panicked: false,
                ended: None,
            },
        );
        key.set(Some(placeholder));
    }
    let base_of = {
        let cx = cx.clone();
        move |own: Option<(SpanId, TraceId)>| match wrap {
            Wrap::Span | Wrap::RootSpan => Cx {
                span: own,
                baggage: cx.baggage.clone(),
            },
            Wrap::Current => cx.clone(),
            Wrap::Empty => Cx::default(),
        }
    };
    let body = {
        let model = model.clone();
        let key = key.clone();
        let held_ids = held_ids.clone();
        let name = name.clone();
        async move {
            let t = me();
            let own = if wrapped {
                let s = baton::current_span().expect("the future's span");
                let (id, trace) = (s.span_id(), s.trace_id());
                assert_eq!(s.name(), name);
                let mut m = lock(&model);
                let placeholder = key.get().expect("registered");
                m.placeholders.remove(&placeholder);
                let mut sm = m.spans.remove(&placeholder).expect("registered");
                assert_eq!(sm.ended, None, "{name} ended before its first poll");
                assert_eq!(s.parent_span_id(), sm.parent, "{name}: parent");
                if let Some(parent_trace) = sm.trace {
                    assert_eq!(trace, parent_trace, "{name}: its parent's trace");
                }
                sm.trace = Some(trace);
                m.add(id, sm);
                key.set(Some(id));
                Some((id, trace))
            } else {
                None
            };
            let base = base_of(own);
            let mut held: Vec<(Cx, HeldG)> = Vec::new();
            let now =
                |held: &[(Cx, HeldG)]| held.last().map_or_else(|| base.clone(), |h| h.0.clone());
            assert_eq!(Cx::observed(), now(&held), "{name} at its first poll");
            for (k, step) in steps.iter().enumerate() {
                let cx = now(&held);
                match step {
                    FStep::Enter => {
                        let g = span("future enter").enter();
                        let sc = g.span_context().clone();
                        check_start("future enter", sc.trace_id(), g.parent_span_id(), &cx);
                        let mut m = lock(&model);
                        let sm = m.started("future enter".into(), sc.trace_id(), &cx);
                        m.add(sc.span_id(), sm);
                        let mut inner = cx.clone();
                        inner.span = Some((sc.span_id(), sc.trace_id()));
                        held.push((inner, HeldG::Span(g, sc.span_id())));
                        held_ids.borrow_mut().push(Some(sc.span_id()));
                    }
                    FStep::Baggage(v) => {
                        let v = format!("f{v}");
                        let g = baton::set_baggage(BAGGAGE_KEYS[0], &v);
                        let mut inner = cx.clone();
                        inner.baggage.insert(BAGGAGE_KEYS[0].into(), v);
                        held.push((inner, HeldG::Cx(g)));
                        held_ids.borrow_mut().push(None);
                    }
                    FStep::DropNewest | FStep::DropOldest => {
                        if held.is_empty() {
                            continue;
                        }
                        let at = match step {
                            FStep::DropNewest => held.len() - 1,
                            _ => 0,
                        };
                        drop(held.remove(at));
                        let id = held_ids.borrow_mut().remove(at);
                        let mut m = lock(&model);
                        if at < held.len() {
                            m.out_of_order += 1;
                        }
                        if let Some(id) = id {
                            m.end(id);
                        }
                    }
                    FStep::Yield => Pending(true).await,
                    FStep::Child => {
                        let c = span("future child").start();
                        let (id, trace) = (c.span_id(), c.trace_id());
                        check_start("future child", trace, c.parent_span_id(), &cx);
                        let mut m = lock(&model);
                        let sm = m.started("future child".into(), trace, &cx);
                        m.add(id, sm);
                        drop(c);
                        m.end(id);
                    }
                }
                assert_eq!(
                    Cx::observed(),
                    now(&held),
                    "{name} after step {k} {step:?} on {t}"
                );
            }
            // Dropped newest first: in order.
            while let Some(h) = held.pop() {
                drop(h);
                if let Some(Some(id)) = held_ids.borrow_mut().pop() {
                    lock(&model).end(id);
                }
            }
        }
    };
    let fut: Pin<Box<dyn Future<Output = ()>>> = match wrap {
        Wrap::Span => Box::pin(body.in_span(span(name))),
        Wrap::RootSpan => Box::pin(body.in_span(span(name).root())),
        Wrap::Current => Box::pin(body.in_current_context()),
        Wrap::Empty => Box::pin(body.in_context(Context::default())),
    };
    FutRec {
        fut,
        span: key,
        held: held_ids,
    }
}

/// Drops a future that may be pending: the guards its body holds drop
/// oldest first (a `Vec`'s order), each but the newest out of order, then
/// its span ends.
fn drop_future(model: &Shared<Model>, rec: FutRec) {
    drop(rec.fut);
    let mut m = lock(model);
    let held = rec.held.borrow();
    m.out_of_order += held.len().saturating_sub(1) as u64;
    for id in held.iter().flatten() {
        m.end(*id);
    }
    if let Some(id) = rec.span.get() {
        m.end(id);
    }
}

// ------------------------------------------------------------ the program

static QUIET: Once = Once::new();

/// Keeps the planned panics off stderr; any other is printed.
fn quiet_planned_panics() {
    QUIET.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let planned = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|s| s == PLANNED);
            if !planned {
                previous(info);
            }
        }));
    });
}

/// Runs `ops`, closes everything, shuts the last pipeline down and checks
/// what the pipelines exported against the model.
fn run_program(ops: &[Op]) -> Result<(), String> {
    quiet_planned_panics();
    let out_of_order_before = baton::diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    let dropped_before = baton::export::dropped_spans();
    let mut first = install();
    let current = Arc::new(Mutex::new(first.guard.take()));
    let mut run = Run {
        model: Shared::default(),
        handles: Shared::default(),
        captured: Shared::default(),
        jobs: Shared::default(),
        pipelines: vec![first],
        current,
        workers: (0..THREADS).map(worker).collect(),
    };
    let mut result = ops
        .iter()
        .try_for_each(|op| run.step(op).map_err(|e| format!("{op:?}: {e}")));
    if result.is_ok() {
        result = run.close();
    }
    // Whatever happened, the workers exit and the pipeline shuts down, so
    // that the next case starts afresh.
    let Run {
        model,
        handles,
        captured,
        jobs,
        mut pipelines,
        current,
        workers,
    } = run;
    drop((captured, jobs, handles));
    for w in workers {
        drop(w.tasks);
        let _ = w.handle.join();
    }
    {
        // Guards forgotten on a worker: their spans ended as it exited.
        let mut m = lock(&model);
        let left: Vec<SpanId> = m
            .threads
            .iter_mut()
            .flat_map(|frames| std::mem::take(frames).into_iter().filter_map(|f| f.span))
            .collect();
        for id in left {
            m.end(id);
        }
        m.ended_this_op.clear();
    }
    let shut = lock(&current).take().map(|g| g.shutdown(Duration::MAX));
    result?;
    if !matches!(shut, Some(Ok(()))) {
        return Err(format!("final shutdown: {shut:?}"));
    }
    let m = lock(&model);
    let last = pipelines.len() - 1;
    check_stats(&pipelines[last].stats, last)?;
    let exported: Vec<Vec<SpanData>> = pipelines.iter_mut().map(|p| p.exporter.take()).collect();
    check_exports(&m, &exported)?;
    let lost = baton::export::dropped_spans() - dropped_before;
    let unexported = m
        .spans
        .iter()
        .filter(|(id, s)| !exported.iter().flatten().any(|e| is(&m, **id, s, e)))
        .count() as u64;
    if lost != unexported {
        return Err(format!(
            "{unexported} span(s) not exported, {lost} counted dropped"
        ));
    }
    let out_of_order =
        baton::diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) - out_of_order_before;
    if out_of_order != m.out_of_order {
        return Err(format!(
            "{out_of_order} guard(s) reported dropped out of order, the model says {}",
            m.out_of_order
        ));
    }
    Ok(())
}

/// Whether exported span `e` is the model's span `id`.
fn is(m: &Model, id: SpanId, s: &SpanM, e: &SpanData) -> bool {
    match m.placeholders.get(&id) {
        Some(name) => e.name == *name.as_str() && e.name == s.name,
        None => e.span_id() == id,
    }
}

/// Every span ended is exported once, by the pipeline in force when it
/// ended unless a shutdown may have dropped it, as the model says.
fn check_exports(m: &Model, exported: &[Vec<SpanData>]) -> Result<(), String> {
    let mut seen: HashSet<SpanId> = HashSet::new();
    for e in exported.iter().flatten() {
        if !seen.insert(e.span_id()) {
            return Err(format!("{} {} exported twice", e.name, e.span_id()));
        }
    }
    let mut known = 0;
    for (id, s) in &m.spans {
        let Some(epoch) = s.ended else {
            return Err(format!("{} {id} never ended", s.name));
        };
        let found: Vec<(usize, &SpanData)> = exported
            .iter()
            .enumerate()
            .flat_map(|(p, spans)| spans.iter().map(move |e| (p, e)))
            .filter(|(_, e)| is(m, *id, s, e))
            .collect();
        let e = match found.as_slice() {
            [] if m.may_drop.contains(id) => continue,
            [(p, e)] if *p == epoch => e,
            [(p, _)] if m.may_drop.contains(id) => {
                return Err(format!(
                    "{} {id} ended under pipeline {epoch}, waited, and was exported by {p}",
                    s.name
                ))
            }
            other => {
                return Err(format!(
                    "{} {id} ended under pipeline {epoch}, exported by {:?}",
                    s.name,
                    other.iter().map(|f| f.0).collect::<Vec<_>>()
                ))
            }
        };
        known += 1;
        let session = e.attribute(SESSION_KEY).map(|v| v.to_string());
        let panicked = matches!(e.status, baton::Status::Error { .. });
        if e.parent_span_id != s.parent
            || s.trace.is_some_and(|t| t != e.trace_id())
            || session != s.session
            || panicked != s.panicked
        {
            return Err(format!(
                "{} {id}: the model says {s:?}, exported {e:?}",
                s.name
            ));
        }
        if let Some(p) = s.parent.and_then(|p| m.spans.get(&p)) {
            if p.trace.is_some_and(|t| t != e.trace_id()) {
                return Err(format!("{} {id} is not in its parent's trace", s.name));
            }
        }
    }
    if known != seen.len() {
        return Err(format!(
            "{} span(s) exported that the program never started",
            seen.len() - known
        ));
    }
    Ok(())
}

impl Run {
    /// Ends what the program left: each worker drops its futures, then its
    /// guards newest first; the handles left end on thread 0.
    fn close(&mut self) -> Result<(), String> {
        for t in 0..THREADS {
            let model = self.model.clone();
            self.on(t, move |local| {
                for rec in std::mem::take(&mut local.futures) {
                    drop_future(&model, rec);
                }
                while let Some((uid, g)) = local.held.pop() {
                    let id = match &g {
                        HeldG::Span(_, id) => Some(*id),
                        HeldG::Cx(_) => None,
                    };
                    drop(g);
                    let mut m = lock(&model);
                    m.drop_frame(t, uid);
                    if let Some(id) = id {
                        m.end(id);
                    }
                }
            })?;
            lock(&self.model).ended_this_op.clear();
        }
        let handles = lock(&self.handles).len();
        for _ in 0..handles {
            self.step(&Op::EndHandle(0, 0, false))?;
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn spans_and_pipeline_match_the_model(ops in proptest::collection::vec(op(), 1..40)) {
        if let Err(e) = run_program(&ops) {
            prop_assert!(false, "{}", e);
        }
    }
}

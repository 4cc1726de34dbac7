//! With the batch processor installed, spans that end inside a span of
//! their trace still open on their thread (an entered span's children, a
//! future's span) are gathered by that thread and handed over in one
//! batch: when the last open span of their trace ends, when a span of
//! another trace ends, when a future's poll ends, when the
//! batch is full or has lingered, when a flush or shutdown is called on
//! that thread, and when the thread exits. A flush from another thread
//! meanwhile does not see them; nothing is lost or counted twice, and
//! spans handed over after a shutdown are counted dropped.
//! Installs the global pipeline, one test at a time.

use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::task::{Context as TaskContext, Poll, Waker};
use std::thread;
use std::time::Duration;

use baton::export::{ExportError, THREAD_CHUNK_LINGER, THREAD_CHUNK_SIZE};
use baton::{FutureExt as _, InMemoryExporter};

#[path = "common/stepped.rs"]
mod stepped;

use stepped::stepped;

/// The tests share the global pipeline.
static PIPELINE: Mutex<()> = Mutex::new(());

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::{install, Installed};

impl Installed {
    /// Flushes from a thread of its own, whose own batch is empty, and
    /// returns the names exported so far.
    fn flushed_elsewhere(&self) -> Vec<String> {
        thread::scope(|s| {
            s.spawn(|| baton::export::force_flush(Duration::MAX).unwrap())
                .join()
                .unwrap();
        });
        self.names()
    }

    /// Shuts the pipeline down and returns its final counts: produced,
    /// exported, dropped.
    fn shut_down(self) -> (u64, u64, u64) {
        self.pipeline.shutdown(Duration::MAX).unwrap();
        let stats = self.stats.get();
        (stats.produced, stats.exported, stats.dropped)
    }

    fn names(&self) -> Vec<String> {
        self.exporter
            .finished_spans()
            .into_iter()
            .map(|s| s.name.into_owned())
            .collect()
    }
}

/// Runs `work` inside an entered span "parent" on a thread of its own, and
/// returns what a flush from another thread exported while the parent was
/// still open, and after it ended.
fn exported_around_parent(
    installed: &Installed,
    work: impl FnOnce() + Send,
) -> (Vec<String>, Vec<String>) {
    let mut seen = Vec::new();
    stepped(
        |step| {
            let parent = baton::span("parent").enter();
            work();
            step();
            drop(parent);
            step();
        },
        || seen.push(installed.flushed_elsewhere()),
    );
    let after = seen.pop().unwrap();
    (seen.pop().unwrap(), after)
}

#[test]
fn children_reach_the_queue_with_the_last_open_span() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let (open, ended) = exported_around_parent(&installed, || {
        for name in ["a", "b", "c"] {
            drop(baton::span(name).enter());
        }
    });
    assert_eq!(
        open,
        Vec::<String>::new(),
        "gathered while the parent is open"
    );
    assert_eq!(ended, ["a", "b", "c", "parent"], "in the order they ended");
    assert_eq!(installed.shut_down(), (4, 4, 0));
}

#[test]
fn a_span_of_another_trace_is_handed_over_as_it_ends() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    // A worker's long-lived span, and jobs of their own traces inside it:
    // each job is complete when it ends, and a flush then exports it.
    let (open, ended) = exported_around_parent(&installed, || {
        let job = baton::span("job").root().enter();
        drop(baton::span("job's child").enter());
        drop(job);
        let future = pin!(std::future::ready(()).in_span(baton::span("future job").root()));
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(future.poll(&mut cx).is_ready());
        drop(baton::span("parent's child").enter());
    });
    assert_eq!(open, ["job's child", "job", "future job"]);
    assert_eq!(
        ended,
        [
            "job's child",
            "job",
            "future job",
            "parent's child",
            "parent"
        ]
    );
    assert_eq!(installed.shut_down(), (5, 5, 0));
}

#[test]
fn a_flush_or_shutdown_on_their_own_thread_includes_them() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let Installed {
        pipeline, exporter, ..
    } = install();
    let names = || -> Vec<String> {
        let spans = exporter.finished_spans();
        spans.into_iter().map(|s| s.name.into_owned()).collect()
    };
    let parent = baton::span("parent").enter();
    drop(baton::span("flushed").enter());
    baton::export::force_flush(Duration::MAX).unwrap();
    assert_eq!(names(), ["flushed"]);
    drop(baton::span("shut down").enter());
    pipeline.shutdown(Duration::MAX).unwrap();
    assert_eq!(names(), ["flushed", "shut down"]);
    drop(parent);
}

#[test]
fn a_full_batch_is_handed_over_while_the_parent_is_open() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let mut seen = Vec::new();
    stepped(
        |step| {
            let _parent = baton::span("parent").enter();
            for _ in 0..THREAD_CHUNK_SIZE - 1 {
                drop(baton::span("child").enter());
            }
            step();
            drop(baton::span("child").enter());
            step();
            drop(baton::span("child").enter());
            step();
        },
        || seen.push(installed.flushed_elsewhere().len()),
    );
    // One short of a chunk: none; a chunk: all of it; one past: the same.
    assert_eq!(seen, [0, THREAD_CHUNK_SIZE, THREAD_CHUNK_SIZE]);
    let all = THREAD_CHUNK_SIZE as u64 + 2;
    assert_eq!(installed.shut_down(), (all, all, 0));
}

#[test]
fn a_span_ending_after_the_linger_hands_the_batch_over() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let mut seen = Vec::new();
    stepped(
        |step| {
            let _parent = baton::span("parent").enter();
            drop(baton::span("first").enter());
            thread::sleep(THREAD_CHUNK_LINGER);
            drop(baton::span("late").enter());
            step();
        },
        || seen.push(installed.flushed_elsewhere()),
    );
    assert_eq!(seen[0], ["first", "late"]);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

/// A job that enters and ends a span `poll {n}` in each of its two polls.
fn two_polls() -> impl Future<Output = ()> {
    let mut polls = 0;
    std::future::poll_fn(move |_| {
        polls += 1;
        drop(baton::span(format!("poll {polls}")).enter());
        if polls < 2 {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
}

#[test]
fn a_polls_children_are_handed_over_when_the_poll_ends() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let job = two_polls().in_span(baton::span("job"));
    let mut job = pin!(job);
    let mut cx = TaskContext::from_waker(Waker::noop());
    assert!(job.as_mut().poll(&mut cx).is_pending());
    // The job's span is still open, but off this thread's stack.
    assert_eq!(installed.flushed_elsewhere(), ["poll 1"]);
    assert!(job.as_mut().poll(&mut cx).is_ready());
    assert_eq!(installed.flushed_elsewhere(), ["poll 1", "poll 2", "job"]);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

/// An executor worker polling a job of another trace inside its own
/// long-lived span. Before, the spans ended in the job's polls waited in
/// the worker's batch for the worker's span to end: the job's span was
/// exported while its children reached no flush.
#[test]
fn a_polls_children_are_handed_over_when_the_poll_ends_inside_a_span_of_another_trace() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let (open, ended) = exported_around_parent(&installed, || {
        let job = two_polls().in_span(baton::span("job").root());
        let mut job = pin!(job);
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(job.as_mut().poll(&mut cx).is_pending());
        assert!(job.as_mut().poll(&mut cx).is_ready());
    });
    assert_eq!(open, ["poll 1", "poll 2", "job"]);
    assert_eq!(ended, ["poll 1", "poll 2", "job", "parent"]);
    assert_eq!(installed.shut_down(), (4, 4, 0));
}

/// The same when the poll left a guard live: its frame is set aside with
/// the job's span, and the spans ended inside it are handed over.
#[test]
fn a_polls_children_are_handed_over_when_it_sets_a_guard_aside_inside_a_span_of_another_trace() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let mut job = None;
    let (open, _) = exported_around_parent(&installed, || {
        let polled = Box::pin(
            async {
                std::mem::forget(baton::span("leaked").enter());
                drop(baton::span("child").enter());
                std::future::pending::<()>().await;
            }
            .in_span(baton::span("job").root()),
        );
        job = Some(polled);
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(job.as_mut().unwrap().as_mut().poll(&mut cx).is_pending());
    });
    assert_eq!(open, ["child"]);
    drop(job);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

#[test]
fn a_futures_span_ending_inside_an_open_span_goes_with_it() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let (open, ended) = exported_around_parent(&installed, || {
        let job = pin!(std::future::ready(()).in_span(baton::span("job")));
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(job.poll(&mut cx).is_ready());
    });
    assert_eq!(
        open,
        Vec::<String>::new(),
        "gathered while the parent is open"
    );
    assert_eq!(ended, ["job", "parent"]);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
}

#[test]
fn an_exiting_thread_hands_its_batch_over() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    thread::spawn(|| {
        // Its guard never drops: its children are still gathered when the
        // thread exits, and the parent ends with the thread.
        std::mem::forget(baton::span("parent").enter());
        drop(baton::span("a").enter());
        drop(baton::span("b").enter());
    })
    .join()
    .unwrap();
    assert_eq!(installed.flushed_elsewhere(), ["a", "b", "parent"]);
    assert_eq!(installed.shut_down(), (3, 3, 0));
}

thread_local! {
    static HELD: std::cell::RefCell<Option<baton::SpanGuard>> = const { std::cell::RefCell::new(None) };
}

#[test]
fn a_guard_kept_past_the_threads_stack_ends_its_span_with_its_children() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    thread::spawn(|| {
        // Used before baton's stack, so destroyed after it: thread-locals
        // are destroyed in the reverse order of their first use here.
        HELD.with(|_| {});
        let parent = baton::span("parent").enter();
        drop(baton::span("a").enter());
        HELD.with(|h| *h.borrow_mut() = Some(parent));
    })
    .join()
    .unwrap();
    assert_eq!(installed.flushed_elsewhere(), ["a", "parent"]);
    assert_eq!(installed.shut_down(), (2, 2, 0));
}

#[test]
fn a_batch_handed_over_after_shutdown_is_counted_dropped() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = install();
    let Installed {
        pipeline,
        exporter,
        stats,
    } = installed;
    let mut pipeline = Some(pipeline);
    let dropped_before = baton::export::dropped_spans();
    stepped(
        |step| {
            let parent = baton::span("parent").enter();
            drop(baton::span("child").enter());
            step();
            // Ended after the shutdown: with its child, lost and counted.
            drop(parent);
        },
        || {
            if let Some(p) = pipeline.take() {
                // The shutdown says it cannot reach them.
                let shut = p.shutdown(Duration::MAX);
                assert!(
                    matches!(shut, Err(ExportError::ParentsOpen { threads: 1, .. })),
                    "{shut:?}"
                );
            }
        },
    );
    assert!(exporter.finished_spans().is_empty());
    assert_eq!(baton::export::dropped_spans() - dropped_before, 2);
    let stats = stats.get();
    assert_eq!((stats.produced, stats.exported), (0, 0));
}

#[test]
fn a_batch_kept_for_a_shut_down_pipeline_takes_nothing_for_the_next() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let mut first = Some(install().pipeline);
    let mut second = None;
    let dropped_before = baton::export::dropped_spans();
    stepped(
        |step| {
            let parent = baton::span("parent").enter();
            drop(baton::span("old").enter());
            step();
            // Gathered for the first pipeline, which is gone: the batch is
            // not this pipeline's, so these go the general way.
            drop(baton::span("new").enter());
            drop(parent);
        },
        || {
            if let Some(p) = first.take() {
                let shut = p.shutdown(Duration::MAX);
                assert!(
                    matches!(shut, Err(ExportError::ParentsOpen { threads: 1, .. })),
                    "{shut:?}"
                );
            }
            second = Some(install());
        },
    );
    let second = second.unwrap();
    assert_eq!(second.flushed_elsewhere(), ["new", "parent"]);
    // "old" was handed to the first pipeline once no span was open: lost.
    assert_eq!(baton::export::dropped_spans() - dropped_before, 1);
    second.pipeline.shutdown(Duration::MAX).unwrap();
}

#[test]
fn any_other_processor_sees_each_child_as_it_ends() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let exporter = InMemoryExporter::default();
    let pipeline = baton::init(baton::Config::new().exporter(exporter.clone())).unwrap();
    {
        let _parent = baton::span("parent").enter();
        drop(baton::span("child").enter());
        let names: Vec<_> = exporter
            .finished_spans()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["child"]);
    }
    pipeline.shutdown(Duration::MAX).unwrap();
    assert_eq!(exporter.finished_spans().len(), 2);
}

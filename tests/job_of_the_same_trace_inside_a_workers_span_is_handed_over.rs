//! A request's job run on a worker inside a long-lived span of the same
//! trace that is not its parent (a stage thread spawned for the request,
//! whose span stays open while it takes the handler's jobs) is complete
//! when it ends: a flush then exports it. Found: a thread kept a span
//! ending there in its batch whenever the span below it on its stack was
//! of the same trace, taking that for its ancestor; the job's span, a
//! child of the handler, waited for the stage's span to end, past every
//! flush from another thread and past the handler's own export, though
//! the `local_batch` docs say a span kept so is a descendant of a span
//! still open on that thread. Installs the global pipeline, one test at a time.

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use std::sync::{mpsc, Mutex};
use std::time::Duration;

/// The tests share the global pipeline.
static PIPELINE: Mutex<()> = Mutex::new(());

#[test]
fn a_handlers_job_inside_a_stage_span_of_its_trace_is_flushed() {
    run(|| baton::in_span("job", || {}), &["handler", "job"]);
}

/// The same with a job whose span is shared (its context captured, as a
/// future or a nested pool's wrapper captures it), with a child.
#[test]
fn a_handlers_shared_job_span_and_its_child_are_flushed() {
    run(
        || {
            baton::in_span("job", || {
                let _shared = baton::Context::current();
                baton::in_span("job's child", || {});
            })
        },
        &["handler", "job", "job's child"],
    );
}

/// The same with a future of the handler's, polled to completion there.
#[test]
fn a_handlers_future_completed_inside_a_stage_span_of_its_trace_is_flushed() {
    use baton::FutureExt;
    use std::future::Future;
    run(
        || {
            let future = std::pin::pin!(async {
                baton::in_span("future's child", || {});
            }
            .in_span(baton::span("future")));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            assert!(future.poll(&mut cx).is_ready());
        },
        &["future", "future's child", "handler"],
    );
}

fn run(work: fn(), expected: &[&str]) {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = flushed_pipeline::install();
    let (job_done, done) = mpsc::channel();
    let (finish, go_on) = mpsc::channel::<()>();
    let handler = baton::span("handler").enter();
    // Wrapped in the handler's context: the job's span is its child.
    let job = baton::copy_context_to_thread(work);
    let stage = baton::thread::spawn(move || {
        let _stage = baton::span("stage").enter();
        job();
        job_done.send(()).unwrap();
        go_on.recv().unwrap();
    });
    done.recv().unwrap();
    drop(handler);
    std::thread::spawn(|| baton::export::force_flush(Duration::MAX).unwrap())
        .join()
        .unwrap();
    let mut names: Vec<String> = installed
        .exporter
        .finished_spans()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect();
    names.sort_unstable();
    finish.send(()).unwrap();
    stage.join().unwrap();
    assert_eq!(names, expected, "the stage is still open");
}

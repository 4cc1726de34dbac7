//! A pool of 4 workers runs 10^4 wrapped jobs, some of which panic: every
//! job's span is parented to the span current when it was wrapped, and every
//! worker's context is clean after each job.
//!
//! Prela's `copy_context_to_thread` fails when the wrapped job runs twice
//! ("cannot enter context"); a pool's map function runs many times at once.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

const JOBS: usize = 10_000;
const WORKERS: usize = 4;

/// A minimal pool: workers pull boxed jobs from one channel, survive panics,
/// and check their own context is empty after every job.
fn run_pool(jobs: Vec<Job>) -> usize {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let rx = rx.clone();
            std::thread::spawn(move || {
                let mut panics = 0;
                loop {
                    let job = match rx.lock().unwrap().recv() {
                        Ok(job) => job,
                        Err(_) => return panics,
                    };
                    if catch_unwind(AssertUnwindSafe(job)).is_err() {
                        panics += 1;
                    }
                    assert!(
                        baton::Context::current().is_empty(),
                        "worker context leaked"
                    );
                    assert_eq!(baton::__stack_depth(), 0);
                }
            })
        })
        .collect();
    for job in jobs {
        tx.send(job).unwrap();
    }
    drop(tx);
    workers.into_iter().map(|w| w.join().unwrap()).sum()
}

#[test]
fn ten_thousand_wrapped_jobs_some_panicking() {
    common::exporter();
    let request = baton::span("request").enter();
    let trace_id = request.trace_id();
    let jobs: Vec<Job> = (0..JOBS)
        .map(|i| {
            let job = baton::copy_context_to_thread(move || {
                baton::in_span("job", || {
                    if i % 97 == 0 {
                        panic!("job {i} fails");
                    }
                })
            });
            Box::new(job) as Job
        })
        .collect();
    let panics = run_pool(jobs);
    assert_eq!(panics, JOBS.div_ceil(97));
    let request_id = request.span_id();
    drop(request);
    let spans = common::spans_of(trace_id);
    let jobs: Vec<_> = spans.iter().filter(|s| s.name == "job").collect();
    assert_eq!(jobs.len(), JOBS, "panicking jobs still end their spans");
    assert!(jobs.iter().all(|s| s.parent_span_id == Some(request_id)));
}

#[test]
fn one_wrapped_function_runs_concurrently_on_every_worker() {
    common::exporter();
    let request = baton::span("map").enter();
    let trace_id = request.trace_id();
    let f = baton::copy_context_to_fn(|n: usize| {
        baton::in_span("item", || baton::current_span().unwrap().parent_span_id());
        n
    });
    let handles: Vec<_> = (0..WORKERS)
        .map(|w| {
            let f = f.clone();
            std::thread::spawn(move || (0..250).map(|i| f(w * 250 + i)).sum::<usize>())
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, (0..1000).sum());
    // Called on this thread too, inside another span: the wrapper still uses
    // the context captured when it was made, and restores ours after.
    let other = baton::span("other").enter();
    f(0);
    assert_eq!(baton::current_span().unwrap().span_id(), other.span_id());
    drop(other);
    let map_id = request.span_id();
    drop(request);
    let items: Vec<_> = common::spans_of(trace_id)
        .into_iter()
        .filter(|s| s.name == "item")
        .collect();
    assert_eq!(items.len(), 1001);
    assert!(items.iter().all(|s| s.parent_span_id == Some(map_id)));
}

#[test]
fn a_wrapped_job_restores_the_workers_own_context_after_a_panic() {
    let worker_cx = baton::Context::default().with_baggage("worker", "w1");
    let _w = worker_cx.attach();
    let job = {
        let _r = baton::set_baggage("request", "r1");
        baton::copy_context_to_thread(|| {
            assert_eq!(baton::baggage("request").as_deref(), Some("r1"));
            assert_eq!(
                baton::baggage("worker"),
                None,
                "the job sees only the captured context"
            );
            panic!("job fails")
        })
    };
    assert!(catch_unwind(AssertUnwindSafe(job)).is_err());
    assert_eq!(baton::baggage("worker").as_deref(), Some("w1"));
    assert_eq!(baton::baggage("request"), None);
}

//! Spans a worker thread ended inside a span still open there wait in its
//! batch; a shutdown meanwhile cannot reach them and says so
//! (`ParentsOpen`). The next pipeline, installed after it, has no span
//! waiting anywhere: its shutdown must succeed. It returned
//! `ParentsOpen { threads: 1 }` for the first pipeline's batch, which one
//! process-wide count counted for every pipeline (found by the soak test,
//! `tests/soak_spans_and_pipeline_match_a_model.rs`).

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError};
use baton::InMemoryExporter;

fn install() -> baton::PipelineGuard {
    let processor = BatchProcessor::new(InMemoryExporter::default(), BatchConfig::default());
    baton::init(baton::Config::new().processor(processor)).unwrap()
}

#[test]
fn a_pipelines_shutdown_is_not_failed_by_spans_waiting_for_an_earlier_one() {
    let first = install();
    let (waiting, ready) = mpsc::channel();
    let (finish, done) = mpsc::channel::<()>();
    let worker = thread::spawn(move || {
        let _open = baton::span("open").enter();
        drop(baton::span("child").enter());
        waiting.send(()).unwrap();
        done.recv().unwrap();
    });
    ready.recv().unwrap();
    assert!(
        matches!(
            first.shutdown(Duration::MAX),
            Err(ExportError::ParentsOpen { threads: 1, .. })
        ),
        "the first pipeline's child waits on the worker"
    );
    let second = install();
    let shut = second.shutdown(Duration::MAX);
    finish.send(()).unwrap();
    worker.join().unwrap();
    assert!(
        shut.is_ok(),
        "nothing of the second pipeline waits: {shut:?}"
    );
}

//! `init`, shutdown and `init` again, over and over, while eight threads
//! keep ending spans of every kind (plain roots, roots with an attribute,
//! children gathered in their thread's batch): every span ended is counted
//! once, by the pipeline it reached (exported, dropped or failed, with the
//! exporter receiving each exported span once) or, ended into a pipeline
//! already shut down, in `dropped_spans`; none is lost uncounted. Installs
//! the global pipeline and reads the process-wide drop counter: one test
//! alone in its file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStatsHandle};

#[path = "common/span_accounting.rs"]
mod span_accounting;

use span_accounting::{assert_each_counted_once, assert_shut_down, produce, Recording};

fn install(exporter: &Recording) -> (baton::PipelineGuard, BatchStatsHandle) {
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::from_millis(1);
    let processor = BatchProcessor::new(exporter.clone(), config);
    let stats = processor.stats_handle();
    (
        baton::init(baton::Config::new().processor(processor)).unwrap(),
        stats,
    )
}

#[test]
fn spans_of_every_pipeline_installed_in_turn_are_each_counted_once() {
    let dropped_before = baton::export::dropped_spans();
    let exporter = Recording::default();
    let mut pipelines = Vec::new();
    let (mut guard, stats) = install(&exporter);
    pipelines.push(stats);
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || produce(&stop))
        })
        .collect();
    for _ in 0..6 {
        thread::sleep(Duration::from_millis(30));
        assert_shut_down(&guard.shutdown(Duration::MAX));
        // Spans end into the pipeline shut down for a moment.
        thread::sleep(Duration::from_millis(5));
        let (next, stats) = install(&exporter);
        guard = next;
        pipelines.push(stats);
    }
    thread::sleep(Duration::from_millis(30));
    stop.store(true, Ordering::Relaxed);
    let ended: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let _ = guard.shutdown(Duration::MAX);

    let all: Vec<_> = pipelines.iter().map(BatchStatsHandle::get).collect();
    assert_each_counted_once(ended, dropped_before, &all, exporter.received_once());
}

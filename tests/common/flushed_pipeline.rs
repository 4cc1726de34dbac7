//! The global pipeline with a batch processor that exports only when
//! flushed (or when a chunk fills half the queue, which no test using it
//! reaches), for tests that install it one at a time.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::HashMap;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStatsHandle};
use baton::{InMemoryExporter, PipelineGuard, SpanData};

pub struct Installed {
    pub pipeline: PipelineGuard,
    pub exporter: InMemoryExporter,
    pub stats: BatchStatsHandle,
}

pub fn install() -> Installed {
    install_with(baton::Config::new())
}

/// [`install`], with the rest of the pipeline as `config` sets it.
pub fn install_with(config: baton::Config) -> Installed {
    let exporter = InMemoryExporter::default();
    let mut batch = BatchConfig::default();
    batch.scheduled_delay = Duration::from_secs(3600);
    let processor = BatchProcessor::new(exporter.clone(), batch);
    let stats = processor.stats_handle();
    let pipeline = baton::init(config.processor(processor)).unwrap();
    Installed {
        pipeline,
        exporter,
        stats,
    }
}

/// Installs the pipeline, runs `work` on a thread of its own inside a
/// long-lived span "worker", and flushes from a third thread after `work`
/// returned and before the worker span ends. The names exported by then,
/// sorted, and the counts after a shutdown: produced, exported, dropped.
pub fn exported_while_a_worker_span_is_open(
    work: impl FnOnce() + Send,
) -> (Vec<String>, (u64, u64, u64)) {
    exported_while_a_worker_span_is_open_with(baton::Config::new(), work)
}

/// [`exported_while_a_worker_span_is_open`], with the rest of the pipeline
/// as `config` sets it.
pub fn exported_while_a_worker_span_is_open_with(
    config: baton::Config,
    work: impl FnOnce() + Send,
) -> (Vec<String>, (u64, u64, u64)) {
    let installed = install_with(config);
    let mut exported = flushed_while_kept(&installed, || {
        let worker = baton::span("worker").enter();
        work();
        worker
    });
    exported.sort_unstable();
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    (exported, (stats.produced, stats.exported, stats.dropped))
}

/// Runs `work` on a thread of its own and keeps what it returns (a guard,
/// say) alive there while a third thread flushes, then drops it. The names
/// the flush exported, in the order exported.
pub fn flushed_while_kept<T>(
    installed: &Installed,
    work: impl FnOnce() -> T + Send,
) -> Vec<String> {
    flushed_while_kept_read(installed, work, |exporter| {
        exporter
            .take()
            .into_iter()
            .map(|s| s.name.into_owned())
            .collect()
    })
}

/// [`flushed_while_kept`], reading the exporter with `read` once the flush
/// returned, while what `work` returned is still kept.
pub fn flushed_while_kept_read<T, R: Send>(
    installed: &Installed,
    work: impl FnOnce() -> T + Send,
    read: impl FnOnce(&InMemoryExporter) -> R,
) -> R {
    use std::sync::mpsc;
    use std::thread;

    let (work_done, done) = mpsc::channel();
    let (to_worker, go_on) = mpsc::channel::<()>();
    thread::scope(|s| {
        s.spawn(move || {
            let kept = work();
            work_done.send(()).unwrap();
            go_on.recv().unwrap();
            drop(kept);
        });
        done.recv().unwrap();
        s.spawn(|| baton::export::force_flush(Duration::MAX).unwrap())
            .join()
            .unwrap();
        let read = read(&installed.exporter);
        to_worker.send(()).unwrap();
        read
    })
}

/// The exported spans by name; each name must come once.
pub fn by_name(spans: Vec<SpanData>) -> HashMap<String, SpanData> {
    let mut out = HashMap::new();
    for span in spans {
        let name = span.name.to_string();
        assert!(
            out.insert(name.clone(), span).is_none(),
            "{name} exported twice"
        );
    }
    out
}

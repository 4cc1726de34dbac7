//! `init`, shutdown and `init` again, over and over, while eight threads
//! keep ending spans of every kind (plain roots, roots with an attribute,
//! children gathered in their thread's batch): every span ended is counted
//! once, by the pipeline it reached (exported, dropped or failed, with the
//! exporter receiving each exported span once) or, ended into a pipeline
//! already shut down, in `dropped_spans`; none is lost uncounted. Installs
//! the global pipeline and reads the process-wide drop counter: one test
//! alone in its file.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStatsHandle, ExportError, SpanExporter};
use baton::{SpanData, SpanId};

/// Records every span id it is given, for every pipeline, and how many
/// came twice.
#[derive(Clone, Default)]
struct Recording {
    ids: Arc<Mutex<HashSet<SpanId>>>,
    twice: Arc<AtomicU64>,
}

impl SpanExporter for Recording {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let mut ids = self.ids.lock().unwrap();
        for span in batch {
            if !ids.insert(span.span_id()) {
                self.twice.fetch_add(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

fn produce(stop: &AtomicBool) -> u64 {
    let mut ended = 0;
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match round % 3 {
            0 => baton::in_span("plain root", || {}),
            1 => drop(
                baton::span("root with an attribute")
                    .attr("round", round as i64)
                    .start(),
            ),
            _ => baton::in_span("parent", || {
                baton::in_span("child", || {});
                baton::in_span("child", || {});
            }),
        }
        ended += if round % 3 == 2 { 3 } else { 1 };
        round += 1;
        if round % 64 == 0 {
            thread::yield_now();
        }
    }
    ended
}

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
        let shut = guard.shutdown(Duration::MAX);
        assert!(
            matches!(
                shut,
                Ok(()) | Err(ExportError::Undelivered { .. } | ExportError::ParentsOpen { .. })
            ),
            "{shut:?}"
        );
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
    for s in &all {
        assert_eq!(
            (s.produced, s.in_flight),
            (s.exported + s.dropped + s.failed, 0),
            "{all:?}"
        );
    }
    let sum = |f: fn(&baton::export::BatchStats) -> u64| all.iter().map(f).sum::<u64>();
    let (produced, exported, lost) = (
        sum(|s| s.produced),
        sum(|s| s.exported),
        sum(|s| s.dropped + s.failed),
    );
    assert_eq!(exporter.twice.load(Ordering::SeqCst), 0, "exported twice");
    assert_eq!(
        exporter.ids.lock().unwrap().len() as u64,
        exported,
        "{all:?}"
    );
    let dropped_by_pipeline = baton::export::dropped_spans() - dropped_before - lost;
    assert_eq!(
        ended,
        produced + dropped_by_pipeline,
        "ended {ended}; dropped after a shutdown {dropped_by_pipeline}; {all:?}"
    );
}

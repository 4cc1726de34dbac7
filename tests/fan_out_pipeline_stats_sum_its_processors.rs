//! A fan-out's counters, which `baton::export::stats()` reads, are the sum
//! of its processors': each counts every span it was handed, so a span
//! handed to two processors is produced and exported twice, and
//! `produced == exported + dropped + failed + in_flight` holds for the
//! sum. When one processor's exporter fails, the sum counts its spans
//! failed and `FanOut::counters_each` shows which processor lost them.
//! Found by an integrator: a service built with
//! `OTEL_TRACES_EXPORTER=otlp,console` (a fan-out) read `None`, so its
//! health check could not see lost spans. Installs the global pipeline,
//! twice in turn: one test alone in its file.

#[path = "common/shared_processor.rs"]
mod shared_processor;

use std::sync::Arc;
use std::time::Duration;

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ExportError, FanOut, SimpleProcessor, SpanExporter,
};
use baton::{Config, InMemoryExporter, SpanData};
use shared_processor::Shared;

/// Spans ended in each pipeline.
const N: u64 = 5;

fn counts(s: BatchStats) -> (u64, u64, u64, u64, u64) {
    (s.produced, s.exported, s.dropped, s.failed, s.in_flight)
}

/// A collector that is down: every export fails.
struct Unavailable;

impl SpanExporter for Unavailable {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        Err(ExportError::Failed("collector unavailable".into()))
    }
}

fn end_spans() {
    for _ in 0..N {
        baton::in_span("work", || {});
    }
}

#[test]
fn a_fan_outs_counters_are_its_processors_summed() {
    let second = Duration::from_secs(5);

    let both = FanOut::new(vec![
        Box::new(SimpleProcessor::new(InMemoryExporter::default())),
        Box::new(BatchProcessor::new(
            InMemoryExporter::default(),
            BatchConfig::default(),
        )),
    ]);
    let pipeline = baton::init(Config::new().processor(both)).unwrap();
    end_spans();
    pipeline.force_flush(second).unwrap();
    let s = baton::export::stats().unwrap();
    assert_eq!(
        counts(s),
        (2 * N, 2 * N, 0, 0, 0),
        "each span counted twice"
    );
    assert_eq!(pipeline.stats(), Some(s));
    pipeline.shutdown(second).unwrap();

    // Kept behind an `Arc` to read each processor's counters once
    // installed.
    let one_failing = Arc::new(FanOut::new(vec![
        Box::new(SimpleProcessor::new(InMemoryExporter::default())),
        Box::new(BatchProcessor::new(Unavailable, BatchConfig::default())),
    ]));
    let pipeline = baton::init(Config::new().processor(Shared(Arc::clone(&one_failing)))).unwrap();
    end_spans();
    let flushed = pipeline.force_flush(second);
    assert!(
        matches!(flushed, Err(ExportError::Undelivered { .. })),
        "{flushed:?}"
    );
    let s = baton::export::stats().unwrap();
    assert_eq!(counts(s), (2 * N, N, 0, N, 0));
    assert_eq!(s.produced, s.exported + s.dropped + s.failed + s.in_flight);
    let each: Vec<_> = one_failing
        .counters_each()
        .into_iter()
        .map(|c| c.map(counts))
        .collect();
    assert_eq!(each, [Some((N, N, 0, 0, 0)), Some((N, 0, 0, N, 0))]);
    pipeline.shutdown(second).unwrap();
}

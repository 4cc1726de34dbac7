//! Both built-in processors settle an exporter call by one rule: a failure
//! that lost spans is counted failed and reported once, as
//! `export-failed`; a failure that lost nothing is not reported (it is the
//! caller's, a flush's or shutdown's result). An export the exporter
//! refuses as shut down lost its spans: failed, not dropped.
//!
//! Bug (export probe, session 21): the batch worker and the simple
//! processor each had a `settle` of their own. The batch processor
//! reported an export that failed but lost nothing; the simple processor
//! counted a span its exporter refused as shut down as dropped
//! (`span-dropped`), where the batch processor counted it failed
//! (`export-failed`). Its own process: it counts diagnostics.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ExportError, SimpleProcessor, SpanExporter,
    SpanProcessor,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// What the exporter does with each export.
#[derive(Clone, Copy, Debug)]
enum Script {
    /// Fails, though it lost nothing (a partial success rejecting none).
    FailsLosingNothing,
    /// Refuses it as shut down.
    ShutDown,
    /// Holds the spans; its next flush fails and loses them.
    HoldsThenFlushLoses,
}

struct Scripted {
    script: Script,
    held: u64,
}

impl SpanExporter for Scripted {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        match self.script {
            Script::FailsLosingNothing => Err(ExportError::Rejected {
                rejected: 0,
                message: "none rejected".into(),
            }),
            Script::ShutDown => Err(ExportError::AlreadyShutDown),
            Script::HoldsThenFlushLoses => {
                self.held += batch.len() as u64;
                Ok(())
            }
        }
    }

    fn held_spans(&self) -> u64 {
        self.held
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        match std::mem::take(&mut self.held) {
            0 => Ok(()),
            _ => Err(ExportError::Failed("flush lost the held spans".into())),
        }
    }
}

/// (`export-failed`, `span-dropped`) diagnostics so far.
fn reports() -> (u64, u64) {
    (
        diagnostic_count(DiagnosticKind::ExportFailed),
        diagnostic_count(DiagnosticKind::SpanDropped),
    )
}

/// Hands `processor` two spans and flushes it; returns the flush's result,
/// the processor's counts and the reports it made.
fn run(
    processor: &dyn SpanProcessor,
    stats: &dyn Fn() -> BatchStats,
) -> (Result<(), ExportError>, BatchStats, (u64, u64)) {
    let before = reports();
    processor.on_end(batch_fixture::span());
    processor.on_end(batch_fixture::span());
    let flushed = processor.force_flush(Instant::now() + Duration::from_secs(60));
    let after = reports();
    (flushed, stats(), (after.0 - before.0, after.1 - before.1))
}

#[test]
fn both_processors_settle_by_the_same_rule() {
    for script in [
        Script::FailsLosingNothing,
        Script::ShutDown,
        Script::HoldsThenFlushLoses,
    ] {
        let exporter = || Scripted { script, held: 0 };
        let simple = SimpleProcessor::new(exporter());
        let simple = run(&simple, &|| simple.stats());
        // One batch of two, so that the batch processor's reports count
        // as the simple one's would for one call.
        let mut config = BatchConfig::default();
        config.max_export_batch_size = 2;
        config.scheduled_delay = Duration::MAX;
        let batch = BatchProcessor::new(exporter(), config);
        let batch = run(&batch, &|| batch.stats());
        for (name, (flushed, stats, reported)) in [("simple", simple), ("batch", batch)] {
            let counts = (stats.exported, stats.dropped, stats.failed, stats.in_flight);
            match script {
                Script::FailsLosingNothing => {
                    assert_eq!(flushed, Ok(()), "{name}");
                    assert_eq!(counts, (2, 0, 0, 0), "{name} {stats:?}");
                    assert_eq!(reported, (0, 0), "{name}: lost nothing, reported nothing");
                }
                Script::ShutDown => {
                    assert!(
                        matches!(flushed, Err(ExportError::Undelivered { .. })),
                        "{name}"
                    );
                    assert_eq!(counts, (0, 0, 2, 0), "{name} {stats:?}");
                    let once = if name == "simple" { (2, 0) } else { (1, 0) };
                    assert_eq!(reported, once, "{name}: one report per call that lost");
                }
                Script::HoldsThenFlushLoses => {
                    assert!(
                        matches!(flushed, Err(ExportError::Undelivered { .. })),
                        "{name}"
                    );
                    assert_eq!(counts, (0, 0, 2, 0), "{name} {stats:?}");
                    assert_eq!(reported, (1, 0), "{name}: the flush's loss, once");
                }
            }
        }
    }
}

//! Each processor (simple, batch with the default and a tiny config, a
//! fan-out of a simple and a batch one), over an exporter that delivers
//! and one that holds its spans until its flush, called again after its
//! shutdown, as an application holding it may: a second shutdown and a
//! flush (with `Duration::ZERO` and with no deadline) are errors, never
//! `Ok`; a span handed to it is dropped, counted in its counters and in
//! `dropped_spans()`, and said: reported as `span-dropped`, or returned
//! as `Undelivered` by the next call.
//!
//! Found (export audit, h-expaudit): a batch processor whose queue had
//! already reported a drop (`span-dropped` is reported once per processor
//! for a full queue, "further drops are counted and returned by flush and
//! shutdown") dropped a span handed to it after its shutdown without a
//! report, and its next call returned `AlreadyShutDown`: the drop was
//! counted in `dropped_spans()` but said nowhere. Through `init`'s
//! pipeline a span ending after the shutdown never reaches the processor
//! (the pipeline reports each), so this took an application calling the
//! processor itself, or a span racing the shutdown. A span refused because
//! the processor is shut down is now reported each time.
//!
//! Uses the global pipeline only to record the span it feeds in; counts
//! diagnostics: the tests serialise.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStats, ExportError, FanOut, SimpleProcessor, SpanExporter,
    SpanProcessor,
};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Delivers each span, or (`holds`) keeps it until its flush or shutdown.
struct Exporter {
    holds: bool,
    held: u64,
}

impl SpanExporter for Exporter {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if self.holds {
            self.held += batch.len() as u64;
        }
        Ok(())
    }
    fn held_spans(&self) -> u64 {
        self.held
    }
    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.held = 0;
        Ok(())
    }
    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.force_flush()
    }
}

fn tiny() -> BatchConfig {
    let mut config = BatchConfig::default();
    config.max_queue_size = 2;
    config.max_export_batch_size = 1;
    config
}

/// A processor of each kind, and how many processors count each span.
fn processor(kind: &str, holds: bool) -> (Box<dyn SpanProcessor>, u64) {
    let exporter = || Exporter { holds, held: 0 };
    match kind {
        "simple" => (Box::new(SimpleProcessor::new(exporter())), 1),
        "batch" => (
            Box::new(BatchProcessor::new(exporter(), BatchConfig::default())),
            1,
        ),
        "tiny batch" => (Box::new(BatchProcessor::new(exporter(), tiny())), 1),
        "fan-out" => (
            Box::new(FanOut::new(vec![
                Box::new(SimpleProcessor::new(exporter())),
                Box::new(BatchProcessor::new(exporter(), BatchConfig::default())),
            ])),
            2,
        ),
        _ => unreachable!("{kind}"),
    }
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(60)
}

fn adds_up(s: &BatchStats) -> bool {
    s.produced == s.exported + s.dropped + s.failed + s.in_flight
}

/// Diagnostics are counted process-wide: one check at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn check(kind: &str) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let span = batch_fixture::span();
    for holds in [false, true] {
        let (processor, copies) = processor(kind, holds);
        let case = format!("{kind}, holds: {holds}");
        for _ in 0..3 {
            processor.on_end(span.clone());
        }
        let shut = processor.shutdown(later());
        let s = processor.counters().unwrap();
        assert!(adds_up(&s), "{case}: {s:?}");
        assert_eq!(s.produced, 3 * copies, "{case}: {s:?}");
        if shut.is_ok() {
            assert_eq!(s.exported, s.produced, "{case}: Ok with spans lost: {s:?}");
        }

        for again in [
            processor.shutdown(later()),
            processor.force_flush(Instant::now()),
            processor.force_flush(later()),
        ] {
            assert!(again.is_err(), "{case}: {again:?}");
        }
        assert_eq!(processor.counters().unwrap(), s, "{case}");

        let dropped = baton::export::dropped_spans();
        let reported = diagnostic_count(DiagnosticKind::SpanDropped);
        processor.on_end(span.clone());
        let late = processor.counters().unwrap();
        assert!(adds_up(&late), "{case}: {late:?}");
        assert_eq!(
            (late.produced - s.produced, late.dropped - s.dropped),
            (copies, copies),
            "{case}: the late span is dropped by each processor: {late:?}"
        );
        assert_eq!(baton::export::dropped_spans() - dropped, copies, "{case}");
        let reported = diagnostic_count(DiagnosticKind::SpanDropped) > reported;
        let after = processor.shutdown(later());
        assert!(after.is_err(), "{case}: {after:?}");
        assert!(
            reported || matches!(after, Err(ExportError::Undelivered { .. })),
            "{case}: the late span's drop was said nowhere (not reported, and the next call \
             returned {after:?})"
        );
    }
}

#[test]
fn simple() {
    check("simple");
}

#[test]
fn batch() {
    check("batch");
}

#[test]
fn fan_out() {
    check("fan-out");
}

#[test]
fn batch_whose_queue_reported_a_drop() {
    check("tiny batch");
}

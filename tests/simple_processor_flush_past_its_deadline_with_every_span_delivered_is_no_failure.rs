//! A simple processor's `force_flush` whose deadline passes while another
//! thread holds the exporter (its flush, or an export that has settled its
//! span) returns `Ok` when every span was delivered, and
//! `ExportError::Undelivered` (with `deadline_passed`) when one is still
//! held: the rule the batch processor follows ("a deadline that passed
//! with every span delivered is no failure").
//!
//! Found (export audit, h-expaudit): it returned `Err(Timeout)` with
//! nothing undelivered, so a health check flushing with a short timeout
//! while other threads exported read a failure that lost nothing; seen
//! first as `force_flush(Duration::ZERO)` failing now and then beside
//! threads ending spans (`simple_and_fan_out_count_spans_ending_during_flush_and_shutdown.rs`).
//!
//! Uses the global pipeline only to record the span it feeds in.

#[path = "common/gate.rs"]
mod gate;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanExporter, SpanProcessor};
use baton::SpanData;
use gate::Gate;

/// Delivers (or, `holds`, keeps until its flush) each span; its flush
/// says it began, then waits for the gate.
struct SlowFlush {
    holds: bool,
    held: u64,
    gate: Arc<Gate>,
    flushing: mpsc::Sender<()>,
}

impl SpanExporter for SlowFlush {
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
        let _ = self.flushing.send(());
        self.gate.wait();
        self.held = 0;
        Ok(())
    }
}

/// A processor that exported (or holds) one span, and whose exporter
/// another thread is flushing; the flushes `f` makes meanwhile.
fn while_another_thread_flushes(holds: bool, f: impl FnOnce(&SimpleProcessor)) {
    let gate = Arc::new(Gate::default());
    let (flushing, began) = mpsc::channel();
    let processor = Arc::new(SimpleProcessor::new(SlowFlush {
        holds,
        held: 0,
        gate: Arc::clone(&gate),
        flushing,
    }));
    processor.on_end(batch_fixture::span());
    let other = {
        let processor = Arc::clone(&processor);
        thread::spawn(move || processor.force_flush(Instant::now() + Duration::from_secs(3600)))
    };
    began.recv().unwrap();
    f(&processor);
    gate.open();
    assert_eq!(other.join().unwrap(), Ok(()));
    let s = processor.stats();
    assert_eq!((s.produced, s.exported, s.in_flight), (1, 1, 0));
}

#[test]
fn every_span_delivered_is_no_failure_at_the_deadline() {
    while_another_thread_flushes(false, |processor| {
        for timeout in [Duration::ZERO, Duration::from_millis(5)] {
            assert_eq!(
                processor.force_flush(Instant::now() + timeout),
                Ok(()),
                "{timeout:?}"
            );
        }
    });
}

#[test]
fn a_span_held_at_the_deadline_is_undelivered() {
    while_another_thread_flushes(true, |processor| {
        for timeout in [Duration::ZERO, Duration::from_millis(5)] {
            let flushed = processor.force_flush(Instant::now() + timeout);
            assert!(
                matches!(
                    flushed,
                    Err(ExportError::Undelivered {
                        deadline_passed: true,
                        stats,
                    }) if stats.in_flight == 1
                ),
                "{timeout:?}: {flushed:?}"
            );
        }
    });
}

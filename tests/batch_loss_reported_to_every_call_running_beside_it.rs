//! A loss is reported by every flush or shutdown that was running when it
//! happened, not only by the first of them to return: a shutdown that
//! returned `Ok` because a flush beside it took the report would tell its
//! caller that nothing was lost. And a deadline that passes with every span
//! delivered is no failure, also a zero one.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

/// Says when its flush begins, then holds it until told to go on.
struct HeldFlush {
    entered: Sender<()>,
    go_on: Mutex<Receiver<()>>,
}

impl SpanExporter for HeldFlush {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        Ok(())
    }
    fn force_flush(&mut self) -> Result<(), ExportError> {
        let _ = self.entered.send(());
        let _ = self.go_on.lock().unwrap().recv();
        Ok(())
    }
}

#[test]
fn a_loss_while_a_flush_and_a_shutdown_run_is_reported_by_both() {
    let (entered, flush_entered) = mpsc::channel();
    let (go_on, held) = mpsc::channel();
    let exporter = HeldFlush {
        entered,
        go_on: Mutex::new(held),
    };
    // Room for every span offered below: the export thread, held in the
    // flush, takes none, and a full queue would be another loss.
    let mut config = BatchConfig::default();
    config.max_queue_size = 65_536;
    let processor = Arc::new(BatchProcessor::new(exporter, config));
    let no_deadline = || Instant::now() + Duration::from_secs(60);

    let flush = {
        let processor = Arc::clone(&processor);
        thread::spawn(move || processor.force_flush(no_deadline()))
    };
    flush_entered.recv().unwrap();
    let shutdown = {
        let processor = Arc::clone(&processor);
        thread::spawn(move || processor.shutdown(no_deadline()))
    };
    // A span ended once the shutdown has begun is dropped: the loss both
    // calls are running beside. Until then, each span is queued, one a
    // millisecond while the shutdown's thread starts.
    let mut offered = 0;
    while processor.stats().dropped == 0 {
        processor.on_end(span());
        offered += 1;
        thread::sleep(Duration::from_millis(1));
    }
    go_on.send(()).unwrap();
    // Later flushes (the shutdown's own, of the exporter) go on at once.
    drop(go_on);

    let (flushed, shut) = (flush.join().unwrap(), shutdown.join().unwrap());
    let stats = processor.stats();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.dropped,
            stats.in_flight
        ),
        (offered, offered - 1, 1, 0)
    );
    for (call, result) in [("flush", flushed), ("shutdown", shut)] {
        match result {
            Err(ExportError::Undelivered {
                stats,
                deadline_passed: false,
            }) => assert_eq!(stats.dropped, 1, "{call}: {stats:?}"),
            other => panic!("{call} did not report the span dropped beside it: {other:?}"),
        }
    }
}

#[test]
fn a_loss_reported_before_a_call_began_is_not_its_failure() {
    let mut config = BatchConfig::default();
    config.max_queue_size = 1;
    config.max_export_batch_size = 1;
    let processor = BatchProcessor::new(batch_fixture::Counting(Default::default()), config);
    // One span more than the queue holds, ended before the worker takes any.
    let before = processor.stats().dropped;
    while processor.stats().dropped == before {
        processor.on_end(span());
    }
    let no_deadline = || Instant::now() + Duration::from_secs(60);
    assert!(matches!(
        processor.force_flush(no_deadline()),
        Err(ExportError::Undelivered { .. })
    ));
    assert_eq!(processor.force_flush(no_deadline()), Ok(()));
    assert_eq!(processor.shutdown(no_deadline()), Ok(()));
}

#[test]
fn a_zero_deadline_with_every_span_delivered_is_no_failure() {
    let processor = BatchProcessor::new(
        batch_fixture::Counting(Default::default()),
        BatchConfig::default(),
    );
    assert_eq!(processor.force_flush(Instant::now()), Ok(()));
    processor.on_end(span());
    assert_eq!(
        processor.force_flush(Instant::now() + Duration::from_secs(60)),
        Ok(())
    );
    assert_eq!(processor.stats().exported, 1);
    assert_eq!(processor.shutdown(Instant::now()), Ok(()));
    assert_eq!(processor.stats().in_flight, 0);
}

/// Holds every export until the test ends.
struct Hanging(Mutex<Receiver<()>>);

impl SpanExporter for Hanging {
    fn export(&mut self, _batch: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.0.lock().unwrap().recv();
        Ok(())
    }
}

#[test]
fn a_zero_deadline_with_a_span_held_says_so() {
    let (_release, hang) = mpsc::channel::<()>();
    let processor = BatchProcessor::new(Hanging(Mutex::new(hang)), BatchConfig::default());
    processor.on_end(span());
    for (call, result) in [
        ("flush", processor.force_flush(Instant::now())),
        ("shutdown", processor.shutdown(Instant::now())),
    ] {
        match result {
            Err(ExportError::Undelivered {
                stats,
                deadline_passed: true,
            }) => assert_eq!(stats.exported, 0, "{call}: {stats:?}"),
            other => panic!("{call}: {other:?}"),
        }
    }
}

//! A `FanOut` hands each span to every processor, and flushes and shuts
//! each down, also past one of the application's that panics: the panic
//! still reaches the caller, once the others were called. Here the second
//! processor's exporter holds its spans until it is shut down, so a
//! shutdown that never reached it would leave them undelivered for good.
//!
//! Found (export audit, h-expaudit): `FanOut` called its processors in a
//! plain loop, so a panic in the first one's `on_end` kept the span from
//! the second (not produced there, not counted anywhere: `stats()` said
//! nothing was lost), and a panic in its `shutdown` left the second never
//! shut down, its held span in flight for ever, though the doc says a
//! flush or shutdown "reaches every one even after one fails".
//!
//! Installs the global pipeline and a quiet panic hook: one test alone in
//! its file.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{
    BatchStats, ExportError, FanOut, SimpleProcessor, SpanExporter, SpanProcessor,
};
use baton::{Config, SpanData};

/// An application's processor with a bug: every call but `counters`
/// panics. Its counters are all zero, so that the fan-out's sum is the
/// other processor's.
struct Panicking;

impl SpanProcessor for Panicking {
    fn on_end(&self, _: SpanData) {
        panic!("processor bug in on_end");
    }

    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        panic!("processor bug in force_flush");
    }

    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        panic!("processor bug in shutdown");
    }

    fn counters(&self) -> Option<BatchStats> {
        Some(BatchStats::default())
    }
}

/// Holds every span it is given until its flush or shutdown delivers it.
#[derive(Clone, Default)]
struct Holding {
    held: Arc<Mutex<Vec<SpanData>>>,
    delivered: Arc<AtomicU64>,
}

impl Holding {
    fn deliver(&self) {
        let spans = std::mem::take(&mut *self.held.lock().unwrap());
        self.delivered
            .fetch_add(spans.len() as u64, Ordering::SeqCst);
    }
}

impl SpanExporter for Holding {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.held.lock().unwrap().extend_from_slice(batch);
        Ok(())
    }

    fn held_spans(&self) -> u64 {
        self.held.lock().unwrap().len() as u64
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        self.deliver();
        Ok(())
    }

    fn shutdown(&mut self) -> Result<(), ExportError> {
        self.deliver();
        Ok(())
    }
}

fn counts(s: BatchStats) -> (u64, u64, u64, u64, u64) {
    (s.produced, s.exported, s.dropped, s.failed, s.in_flight)
}

#[test]
fn every_processor_is_called_past_one_that_panics() {
    std::panic::set_hook(Box::new(|_| {}));
    let holding = Holding::default();
    let fan_out = FanOut::new(vec![
        Box::new(Panicking),
        Box::new(SimpleProcessor::new(holding.clone())),
    ]);
    let pipeline = baton::init(Config::new().processor(fan_out)).unwrap();

    let ended = catch_unwind(|| drop(baton::span("one").start()));
    let flushed = catch_unwind(AssertUnwindSafe(|| {
        pipeline.force_flush(Duration::from_secs(5))
    }));
    let after_flush = baton::export::stats().unwrap();
    let ended_again = catch_unwind(|| drop(baton::span("two").start()));
    let shut = catch_unwind(AssertUnwindSafe(|| {
        pipeline.shutdown(Duration::from_secs(5))
    }));
    let after_shutdown = baton::export::stats().unwrap();
    // The default hook again, so that a failed assertion says why.
    drop(std::panic::take_hook());

    assert!(
        ended.is_err(),
        "the first processor's panic reaches the span's owner"
    );
    assert!(flushed.is_err(), "and the flush's caller");
    assert!(ended_again.is_err());
    assert!(shut.is_err(), "and the shutdown's caller");
    assert_eq!(
        counts(after_flush),
        (1, 1, 0, 0, 0),
        "the second processor took the span, and the flush delivered it"
    );
    assert_eq!(
        counts(after_shutdown),
        (2, 2, 0, 0, 0),
        "the second processor was shut down, delivering what its exporter held"
    );
    assert_eq!(holding.delivered.load(Ordering::SeqCst), 2);
}

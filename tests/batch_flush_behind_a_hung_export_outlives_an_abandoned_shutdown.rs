//! A flush waiting behind a slow export, while a shutdown gives up on the
//! pipeline at its own deadline, is answered by its flush job: once the
//! export returns, the flush says what happened to the spans ended before
//! it (here: exported, so `Ok`), not that the pipeline shut down meanwhile.
//!
//! Since the export thread answers flushes itself (0662608), the answer no
//! longer depends on the worker, which stops when a shutdown is abandoned;
//! before, such a flush got `AlreadyShutDown` as the worker stopped.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

/// Whether the slow export has returned.
static RETURNED: AtomicBool = AtomicBool::new(false);

/// Says when its export starts, takes 600 ms over it, then marks it
/// returned: long past the shutdown's deadline below.
struct Slow(Sender<()>);

impl SpanExporter for Slow {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        let _ = self.0.send(());
        thread::sleep(Duration::from_millis(600));
        RETURNED.store(true, Ordering::SeqCst);
        Ok(())
    }
}

#[test]
fn the_flush_answers_once_the_export_returns() {
    let (started, export_started) = mpsc::channel();
    let processor = Arc::new(BatchProcessor::new(Slow(started), BatchConfig::default()));
    processor.on_end(batch_fixture::span());
    let flushing = processor.clone();
    let flush = thread::spawn(move || {
        let answer = flushing.force_flush(Instant::now() + Duration::from_secs(60));
        (answer, RETURNED.load(Ordering::SeqCst))
    });
    // The flush's export is running when the shutdown gives up on it.
    export_started.recv().unwrap();
    let shut = processor.shutdown(Instant::now() + Duration::from_millis(100));
    assert!(
        matches!(
            shut,
            Err(ExportError::Undelivered {
                deadline_passed: true,
                ..
            })
        ),
        "{shut:?}"
    );
    let (answer, export_returned) = flush.join().unwrap();
    assert_eq!(answer, Ok(()));
    assert!(export_returned, "answered before the export returned");
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.in_flight), (1, 0), "{stats:?}");
}

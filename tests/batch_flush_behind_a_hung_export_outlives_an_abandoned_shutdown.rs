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

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

const EXPORT_TAKES: Duration = Duration::from_millis(600);

/// Takes `EXPORT_TAKES` over each export.
struct Slow;

impl SpanExporter for Slow {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        thread::sleep(EXPORT_TAKES);
        Ok(())
    }
}

#[test]
fn the_flush_answers_once_the_export_returns() {
    let processor = Arc::new(BatchProcessor::new(Slow, BatchConfig::default()));
    processor.on_end(batch_fixture::span());
    let flushing = processor.clone();
    let flush = thread::spawn(move || {
        let asked = Instant::now();
        let answer = flushing.force_flush(Instant::now() + Duration::from_secs(60));
        (answer, asked.elapsed())
    });
    // The flush's export is running when the shutdown gives up on it.
    thread::sleep(Duration::from_millis(100));
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
    let (answer, took) = flush.join().unwrap();
    assert_eq!(answer, Ok(()));
    assert!(
        took >= EXPORT_TAKES,
        "answered after {took:?}, before the export returned"
    );
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.in_flight), (1, 0), "{stats:?}");
}

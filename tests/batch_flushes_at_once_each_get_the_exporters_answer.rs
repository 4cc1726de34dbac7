//! Flushes called at once on an idle batch processor are answered by the
//! export thread once the exporter has flushed: each caller gets the
//! exporter's own answer, its failure included, and none returns before
//! the exporter's flush that covers it has run.
//!
//! The export thread answers the callers itself, several per flush job
//! when they arrive together, without passing the answer back through the
//! worker (0662608).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

/// Exports nothing; counts its flushes, and fails them when asked to.
struct Flushes {
    count: Arc<AtomicUsize>,
    fail: bool,
}

impl SpanExporter for Flushes {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Ok(())
    }

    fn force_flush(&mut self) -> Result<(), ExportError> {
        // Slow, so that flushes called meanwhile wait for the next one.
        thread::sleep(Duration::from_millis(5));
        self.count.fetch_add(1, Ordering::SeqCst);
        if self.fail {
            return Err(ExportError::Failed("flush broke".into()));
        }
        Ok(())
    }
}

/// Each of `callers` threads flushes `processor` once, all released at
/// once; their answers, and how many exporter flushes each saw done when
/// its answer came.
fn flush_at_once(
    processor: &Arc<BatchProcessor>,
    count: &Arc<AtomicUsize>,
    callers: usize,
) -> Vec<(Result<(), ExportError>, usize)> {
    let start = Arc::new(Barrier::new(callers));
    let threads: Vec<_> = (0..callers)
        .map(|_| {
            let (processor, count, start) = (processor.clone(), count.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                let answer = processor.force_flush(Instant::now() + Duration::from_secs(60));
                (answer, count.load(Ordering::SeqCst))
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

#[test]
fn every_caller_gets_the_exporters_answer_after_its_flush() {
    for fail in [false, true] {
        let count = Arc::new(AtomicUsize::new(0));
        let exporter = Flushes {
            count: count.clone(),
            fail,
        };
        let processor = Arc::new(BatchProcessor::new(exporter, BatchConfig::default()));
        let answers = flush_at_once(&processor, &count, 8);
        assert_eq!(answers.len(), 8);
        for (answer, flushed_before) in &answers {
            assert!(*flushed_before >= 1, "answered before the exporter flushed");
            if fail {
                assert_eq!(
                    answer,
                    &Err(ExportError::Failed("flush broke".into())),
                    "fail={fail}"
                );
            } else {
                assert_eq!(answer, &Ok(()), "fail={fail}");
            }
        }
        // Callers that arrived together share a flush: never more flushes
        // than callers.
        assert!(count.load(Ordering::SeqCst) <= 8);
        let stats = processor.stats();
        assert_eq!((stats.produced, stats.in_flight), (0, 0), "{stats:?}");
    }
}

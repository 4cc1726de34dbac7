//! Spans a thread has gathered but not yet handed over (fewer than, exactly,
//! or just past `THREAD_CHUNK_SIZE`) are exported by a flush from another
//! thread while their thread still runs, and after their thread has exited.
//! Installs the global pipeline (to record the spans fed to the processor).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor, THREAD_CHUNK_SIZE,
};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{span, Counting};

/// A processor that exports only on a flush or a full batch, never on its
/// schedule during a test.
fn processor() -> (Arc<BatchProcessor>, Arc<AtomicU64>) {
    let received = Arc::new(AtomicU64::new(0));
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::from_secs(600);
    let processor = BatchProcessor::new(Counting(Arc::clone(&received)), config);
    (Arc::new(processor), received)
}

fn deadline() -> Instant {
    Instant::now() + Duration::from_secs(20)
}

#[test]
fn a_flush_exports_what_a_running_thread_has_gathered() {
    for count in [
        1,
        THREAD_CHUNK_SIZE - 1,
        THREAD_CHUNK_SIZE,
        THREAD_CHUNK_SIZE + 1,
    ] {
        let (processor, received) = processor();
        let (ended, wait_for_flush) = mpsc::channel();
        let (flushed, hold) = mpsc::channel::<()>();
        let producer = {
            let processor = Arc::clone(&processor);
            std::thread::spawn(move || {
                for _ in 0..count {
                    processor.on_end(span());
                }
                ended.send(()).unwrap();
                // Alive until the flush is done.
                let _ = hold.recv();
            })
        };
        wait_for_flush.recv().unwrap();
        processor.force_flush(deadline()).unwrap();
        assert_eq!(
            received.load(Ordering::SeqCst),
            count as u64,
            "{count} spans"
        );
        drop(flushed);
        producer.join().unwrap();
        processor.shutdown(deadline()).unwrap();
        assert_eq!(processor.stats().exported, count as u64);
    }
}

#[test]
fn spans_of_a_thread_that_exited_are_not_lost() {
    let (processor, received) = processor();
    let count = THREAD_CHUNK_SIZE + 1;
    let producer = {
        let processor = Arc::clone(&processor);
        std::thread::spawn(move || {
            for _ in 0..count {
                processor.on_end(span());
            }
        })
    };
    producer.join().unwrap();
    processor.force_flush(deadline()).unwrap();
    assert_eq!(received.load(Ordering::SeqCst), count as u64);
}

#[test]
fn shutdown_exports_every_thread_and_drops_later_spans() {
    let (processor, received) = processor();
    let producers: Vec<_> = (0..3)
        .map(|_| {
            let processor = Arc::clone(&processor);
            std::thread::spawn(move || {
                for _ in 0..THREAD_CHUNK_SIZE + 3 {
                    processor.on_end(span());
                }
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    processor.shutdown(deadline()).unwrap();
    let produced = 3 * (THREAD_CHUNK_SIZE as u64 + 3);
    assert_eq!(received.load(Ordering::SeqCst), produced);
    processor.on_end(span());
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.dropped), (produced, 1));
}

/// Records each batch it is given, as the start times of its spans.
struct Recording(Arc<Mutex<Vec<Vec<u64>>>>);

impl SpanExporter for Recording {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let starts = batch.iter().map(|s| s.start_unix_nanos).collect();
        self.0.lock().unwrap().push(starts);
        Ok(())
    }
}

/// Threads hand spans over in chunks of `THREAD_CHUNK_SIZE`; an export
/// batch of 100 takes whole chunks and part of the next. Every span reaches
/// the exporter once, in the order it ended, in batches of at most 100.
#[test]
fn batches_that_split_thread_chunks_keep_every_span_once_and_in_order() {
    let batches = Arc::new(Mutex::new(Vec::new()));
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::from_secs(600);
    config.max_export_batch_size = 100;
    let processor = BatchProcessor::new(Recording(Arc::clone(&batches)), config);
    let count = 5 * THREAD_CHUNK_SIZE as u64 - 20;
    for i in 0..count {
        let mut s = span();
        s.start_unix_nanos = i;
        processor.on_end(s);
    }
    processor.force_flush(deadline()).unwrap();
    let batches = batches.lock().unwrap();
    assert!(batches.iter().all(|b| b.len() <= 100), "{batches:?}");
    assert_eq!(batches.concat(), (0..count).collect::<Vec<_>>());
}

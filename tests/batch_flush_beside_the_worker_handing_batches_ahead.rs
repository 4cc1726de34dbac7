//! A flush of a batch processor exports every span handed to it before the
//! flush began, also while its worker hands batches to the export thread.
//!
//! Written for a race that `api_matrix_with_a_batch_pipeline` found with 18
//! test threads: a flush looked for the oldest spans held first among the
//! batches handed ahead, then in the queue, each under its own lock. When
//! the worker moved the queue's front into a batch ahead in between, the
//! flush found neither, answered, and the spans were exported just after
//! its caller looked for them. This test keeps the contract end to end;
//! the window is too narrow for it to hit often (it passed 10 runs of the
//! racy code), so the unit test
//! `a_flush_finds_what_is_held_while_the_worker_hands_batches_ahead` in
//! `src/export/batch_queue.rs` is the one that catches that race.
//!
//! Installs the global pipeline (to record the span fed to the processor).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

/// Keeps the names of the spans marked for the test, and counts them all.
struct Marked(Arc<Mutex<HashSet<String>>>, Arc<AtomicU64>);

impl SpanExporter for Marked {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        self.1.fetch_add(batch.len() as u64, Ordering::SeqCst);
        let mut seen = self.0.lock().unwrap();
        seen.extend(
            batch
                .iter()
                .filter(|s| s.name.starts_with("marked"))
                .map(|s| s.name.to_string()),
        );
        Ok(())
    }
}

#[test]
fn each_flush_exports_the_span_handed_over_just_before_it() {
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let mut config = BatchConfig::default();
    // Small batches and a queue that never fills: the worker hands a batch
    // ahead every few spans, and nothing is dropped.
    config.max_export_batch_size = 4;
    config.max_queue_size = 1 << 16;
    let exported = Arc::new(AtomicU64::new(0));
    let exporter = Marked(Arc::clone(&seen), Arc::clone(&exported));
    let processor = Arc::new(BatchProcessor::new(exporter, config));
    let produced = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let busy: Vec<_> = (0..2)
        .map(|_| {
            let (processor, stop) = (Arc::clone(&processor), Arc::clone(&stop));
            let (produced, exported) = (Arc::clone(&produced), Arc::clone(&exported));
            std::thread::spawn(move || {
                let span = span();
                while !stop.load(Ordering::Relaxed) {
                    // A few batches held at most (the marked spans count
                    // as exported, not here): nothing is dropped, each
                    // flush is short, and the worker has batches to hand.
                    let held = produced
                        .load(Ordering::SeqCst)
                        .saturating_sub(exported.load(Ordering::SeqCst));
                    if held > 64 {
                        std::thread::yield_now();
                        continue;
                    }
                    for _ in 0..8 {
                        processor.on_end(span.clone());
                    }
                    produced.fetch_add(8, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let mut missed = Vec::new();
    for round in 0..1000 {
        let mut marked = span();
        marked.name = format!("marked {round}").into();
        processor.on_end(marked);
        processor
            .force_flush(Instant::now() + Duration::from_secs(30))
            .unwrap();
        if !seen.lock().unwrap().contains(&format!("marked {round}")) {
            missed.push(round);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for thread in busy {
        thread.join().unwrap();
    }
    assert!(
        missed.is_empty(),
        "flushes answered before their span: {missed:?}"
    );
    let stats = processor.stats();
    assert_eq!(stats.dropped, 0, "{stats:?}");
}

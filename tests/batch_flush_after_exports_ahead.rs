//! The batch worker hands the export thread several batches and a flush in
//! one message. A flush must still answer only once every span ended before
//! it was exported, also when flushes from several threads wait behind
//! exports at once.
//!
//! Installs the global pipeline (to record the span fed to the processor).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

/// Counts spans per name, slowly enough that exports queue up behind it.
struct SlowByName(Arc<Mutex<HashMap<String, u64>>>);

impl SpanExporter for SlowByName {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        std::thread::sleep(Duration::from_millis(1));
        let mut seen = self.0.lock().unwrap();
        for span in batch {
            *seen.entry(span.name.to_string()).or_default() += 1;
        }
        Ok(())
    }
}

const ROUNDS: u64 = 30;

fn spans_in(round: u64) -> u64 {
    round % 7 + 1
}

#[test]
fn each_flush_answers_after_the_spans_ended_before_it_are_exported() {
    let seen = Arc::new(Mutex::new(HashMap::new()));
    let mut config = BatchConfig::default();
    config.max_queue_size = 4096;
    config.max_export_batch_size = 16;
    let processor = Arc::new(BatchProcessor::new(SlowByName(Arc::clone(&seen)), config));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (processor, seen) = (Arc::clone(&processor), Arc::clone(&seen));
            std::thread::spawn(move || {
                let name = format!("thread {t}");
                let mut ended = 0;
                for round in 1..=ROUNDS {
                    // Fewer than a batch per round: a flush is then often
                    // handed over behind an export while an earlier list,
                    // with another thread's flush, still runs.
                    for _ in 0..spans_in(round) {
                        let mut s = span();
                        s.name = name.clone().into();
                        processor.on_end(s);
                        ended += 1;
                    }
                    let flushed = processor.force_flush(Instant::now() + Duration::from_secs(30));
                    assert_eq!(flushed, Ok(()), "{name}, round {round}");
                    let exported = seen.lock().unwrap().get(&name).copied();
                    assert_eq!(exported, Some(ended), "{name}, round {round}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let shut = processor.shutdown(Instant::now() + Duration::from_secs(30));
    assert_eq!(shut, Ok(()));
    let stats = processor.stats();
    let produced = 4 * (1..=ROUNDS).map(spans_in).sum::<u64>();
    assert_eq!(stats.produced, produced, "{stats:?}");
    assert_eq!(stats.exported, produced, "{stats:?}");
}

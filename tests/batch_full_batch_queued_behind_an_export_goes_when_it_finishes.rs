//! A full batch queued while an export runs is exported as soon as that
//! export finishes, without a flush, a producer's wake-up or the schedule
//! delay: the export thread, which tells the worker nothing when it has no
//! work, wakes it when a full batch waits.
//!
//! Installs the global pipeline once (the fixture records the span fed to
//! the processor).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::span;

const BATCH: usize = 4;

/// Records each batch's size; holds the first export until let go.
struct FirstHeld {
    sizes: Arc<Mutex<Vec<usize>>>,
    started: Sender<()>,
    release: Receiver<()>,
}

impl SpanExporter for FirstHeld {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let first = self.sizes.lock().unwrap().is_empty();
        if first {
            let _ = self.started.send(());
            let _ = self.release.recv();
        }
        self.sizes.lock().unwrap().push(batch.len());
        Ok(())
    }
}

#[test]
fn the_export_thread_wakes_the_worker_for_a_full_batch() {
    let span = span();
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let mut config = BatchConfig::default();
    config.max_export_batch_size = BATCH;
    // Producers wake the worker at 32 queued spans; neither the schedule
    // nor the watch for a late export wakes it within the test.
    config.max_queue_size = 64;
    config.scheduled_delay = Duration::from_secs(3600);
    config.export_timeout = Duration::from_secs(3600);
    let exporter = FirstHeld {
        sizes: Arc::clone(&sizes),
        started: started_tx,
        release: release_rx,
    };
    let processor = Arc::new(BatchProcessor::new(exporter, config));
    for _ in 0..BATCH {
        processor.on_end(span.clone());
    }
    let flushing = {
        let processor = Arc::clone(&processor);
        thread::spawn(move || processor.force_flush(Instant::now() + Duration::from_secs(60)))
    };
    started.recv().unwrap();
    // A full batch, queued while the first export is held: this thread's
    // chunk (a batch here) goes to the queue as it fills.
    for _ in 0..BATCH {
        processor.on_end(span.clone());
    }
    release.send(()).unwrap();
    assert_eq!(flushing.join().unwrap(), Ok(()));
    let by = Instant::now() + Duration::from_secs(30);
    while sizes.lock().unwrap().len() < 2 {
        assert!(
            Instant::now() < by,
            "the second batch waited: {:?}",
            sizes.lock().unwrap()
        );
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(*sizes.lock().unwrap(), [BATCH, BATCH]);
    let stats = processor.stats();
    assert_eq!(
        (stats.produced, stats.exported, stats.dropped),
        (8, 8, 0),
        "{stats:?}"
    );
}

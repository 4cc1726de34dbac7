//! Many threads end spans through the global pipeline (plain roots into
//! their lanes, roots with an attribute through their slot's lock, and
//! children gathered in their thread's batch) while another thread flushes
//! over and over, with no deadline and with one already passed, and a
//! shutdown comes mid-way. Every span ended is then accounted for exactly
//! once: exported (and received once by the exporter), dropped or failed by
//! the processor, or dropped by the pipeline after the shutdown, counted
//! in `dropped_spans`. Installs the global pipeline and reads the
//! process-wide drop counter: one test alone in its file.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter};
use baton::{SpanData, SpanId};

/// Records every span id it is given, and how many came twice.
#[derive(Clone, Default)]
struct Recording {
    ids: Arc<Mutex<HashSet<SpanId>>>,
    twice: Arc<AtomicU64>,
}

impl SpanExporter for Recording {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        let mut ids = self.ids.lock().unwrap();
        for span in batch {
            if !ids.insert(span.span_id()) {
                self.twice.fetch_add(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

/// Ends spans of every kind until `stop`; how many it ended.
fn produce(stop: &AtomicBool) -> u64 {
    let mut ended = 0;
    let mut round = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match round % 3 {
            0 => baton::in_span("plain root", || {}),
            1 => drop(
                baton::span("root with an attribute")
                    .attr("round", round as i64)
                    .start(),
            ),
            _ => baton::in_span("parent", || {
                baton::in_span("child", || {});
                baton::in_span("child", || {});
            }),
        }
        ended += if round % 3 == 2 { 3 } else { 1 };
        round += 1;
        if round % 256 == 0 {
            thread::yield_now();
        }
    }
    ended
}

#[test]
fn spans_ended_on_many_threads_across_flushes_and_a_shutdown_are_each_counted_once() {
    let dropped_before = baton::export::dropped_spans();
    let exporter = Recording::default();
    let mut config = BatchConfig::default();
    config.max_queue_size = 512;
    config.max_export_batch_size = 64;
    config.scheduled_delay = Duration::from_millis(1);
    let processor = BatchProcessor::new(exporter.clone(), config);
    let stats = processor.stats_handle();
    let guard = baton::init(baton::Config::new().processor(processor)).unwrap();

    let producers = 16;
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(producers + 2));
    let threads: Vec<_> = (0..producers)
        .map(|_| {
            let (stop, start) = (Arc::clone(&stop), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                produce(&stop)
            })
        })
        .collect();
    let flusher = {
        let (stop, start) = (Arc::clone(&stop), Arc::clone(&start));
        thread::spawn(move || {
            start.wait();
            let mut flushes = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let timeout = if flushes % 2 == 0 {
                    Duration::ZERO
                } else {
                    Duration::MAX
                };
                match baton::export::force_flush(timeout) {
                    Ok(())
                    | Err(ExportError::Undelivered { .. })
                    | Err(ExportError::Timeout(_))
                    | Err(ExportError::AlreadyShutDown) => {}
                    Err(e) => panic!("flush {flushes}: {e}"),
                }
                flushes += 1;
            }
        })
    };
    start.wait();
    thread::sleep(Duration::from_millis(200));
    let shut = guard.shutdown(Duration::MAX);
    thread::sleep(Duration::from_millis(50));
    stop.store(true, Ordering::Relaxed);
    let ended: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    flusher.join().unwrap();

    let s = stats.get();
    match &shut {
        Ok(()) | Err(ExportError::Undelivered { .. } | ExportError::ParentsOpen { .. }) => {}
        Err(e) => panic!("shutdown: {e}"),
    }
    assert_eq!(
        s.produced,
        s.exported + s.dropped + s.failed + s.in_flight,
        "{s:?}"
    );
    assert_eq!(
        s.in_flight, 0,
        "no deadline passed, yet spans are held: {s:?}"
    );
    let received = exporter.ids.lock().unwrap().len() as u64;
    assert_eq!(exporter.twice.load(Ordering::SeqCst), 0, "exported twice");
    assert_eq!(received, s.exported, "{s:?}");
    let dropped_by_pipeline =
        baton::export::dropped_spans() - dropped_before - s.dropped - s.failed;
    assert_eq!(
        ended,
        s.produced + dropped_by_pipeline,
        "ended {ended}; pipeline dropped {dropped_by_pipeline} after its shutdown; {s:?}; shutdown: {shut:?}"
    );
}

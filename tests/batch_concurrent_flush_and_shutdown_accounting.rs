//! Many threads end spans through the global pipeline (plain roots into
//! their lanes, roots with an attribute through their slot's lock, and
//! children gathered in their thread's batch) while another thread flushes
//! over and over, with no deadline and with one already passed, and a
//! shutdown comes mid-way. Every span ended is then accounted for exactly
//! once: exported (and received once by the exporter), dropped or failed by
//! the processor, or dropped by the pipeline after the shutdown, counted
//! in `dropped_spans`. Installs the global pipeline and reads the
//! process-wide drop counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError};

#[path = "common/span_accounting.rs"]
mod span_accounting;

use span_accounting::{assert_each_counted_once, assert_shut_down, produce, Recording};

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

    assert_shut_down(&shut);
    let received = exporter.received_once();
    assert_each_counted_once(ended, dropped_before, &[stats.get()], received);
}

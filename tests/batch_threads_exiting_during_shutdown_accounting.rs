//! Short-lived threads, each ending a few spans of every kind and exiting
//! with them still unsent in its lane, its slot or its batch, are started
//! in waves while flushes and a shutdown run: every span they ended is
//! counted once, by the processor or, ended after the shutdown, by the
//! pipeline in `dropped_spans`. Installs the global pipeline and reads the
//! process-wide drop counter: one test alone in its file.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::InMemoryExporter;

#[path = "common/span_accounting.rs"]
mod span_accounting;

use span_accounting::{assert_each_counted_once, assert_shut_down};

#[test]
fn spans_of_threads_exiting_across_a_shutdown_are_each_counted_once() {
    let dropped_before = baton::export::dropped_spans();
    let exporter = InMemoryExporter::default();
    let mut config = BatchConfig::default();
    // No scheduled export: only exits, flushes and the shutdown move spans.
    config.scheduled_delay = Duration::MAX;
    let processor = BatchProcessor::new(exporter.clone(), config);
    let stats = processor.stats_handle();
    let guard = baton::init(baton::Config::new().processor(processor)).unwrap();

    let ended = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let spawner = {
        let (ended, stop) = (Arc::clone(&ended), Arc::clone(&stop));
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let wave: Vec<_> = (0..16)
                    .map(|i| {
                        let ended = Arc::clone(&ended);
                        thread::spawn(move || {
                            // Left in the lane and the slot, and in the
                            // batch of a parent whose guard is forgotten: the
                            // thread's exit ends it.
                            baton::in_span("plain root", || {});
                            drop(baton::span("root with an attribute").attr("i", i).start());
                            let parent = baton::span("parent").enter();
                            baton::in_span("child", || {});
                            ended.fetch_add(4, Ordering::SeqCst);
                            std::mem::forget(parent);
                        })
                    })
                    .collect();
                for t in wave {
                    t.join().unwrap();
                }
            }
        })
    };
    let flusher = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = baton::export::force_flush(Duration::ZERO);
                thread::yield_now();
            }
        })
    };
    thread::sleep(Duration::from_millis(150));
    assert_shut_down(&guard.shutdown(Duration::MAX));
    thread::sleep(Duration::from_millis(50));
    stop.store(true, Ordering::Relaxed);
    spawner.join().unwrap();
    flusher.join().unwrap();

    let received = exporter.finished_spans().len() as u64;
    let ended = ended.load(Ordering::SeqCst);
    assert_each_counted_once(ended, dropped_before, &[stats.get()], received);
}

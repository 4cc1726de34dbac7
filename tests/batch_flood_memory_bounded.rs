//! A flood of 10^6 spans from four threads against a slow exporter keeps
//! the process's peak memory under 16 MiB — the queue, the batches handed
//! to the export thread, the one it converts for the exporter and a chunk
//! per thread, whatever is produced — and every span is accounted
//! for: exported, dropped (and counted) or in flight.
//!
//! Installs the global pipeline (to record the span fed to the processor).

use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::SpanData;

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use batch_fixture::{accounted, span};

/// Like a collector far away.
struct Slow;

impl SpanExporter for Slow {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        std::thread::sleep(Duration::from_millis(1));
        Ok(())
    }
}

/// The process's peak resident memory, from `/proc/self/status`.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn a_million_span_flood_against_a_slow_exporter_stays_under_16_mib() {
    const THREADS: u64 = 4;
    const PER_THREAD: u64 = 250_000;
    let template = span();
    let processor = Arc::new(BatchProcessor::new(Slow, BatchConfig::default()));
    let producers: Vec<_> = (0..THREADS)
        .map(|_| {
            let processor = Arc::clone(&processor);
            let template = template.clone();
            std::thread::spawn(move || {
                for _ in 0..PER_THREAD {
                    processor.on_end(template.clone());
                }
            })
        })
        .collect();
    for p in producers {
        p.join().unwrap();
    }
    let peak = peak_rss_kib();
    let result = processor.shutdown(Instant::now() + Duration::from_secs(1));
    let Err(ExportError::Undelivered { stats, .. }) = result else {
        panic!("a slow exporter under a flood loses spans: {result:?}");
    };
    let produced = THREADS * PER_THREAD;
    assert_eq!((stats.produced, accounted(&stats)), (produced, produced));
    assert!(stats.dropped > produced / 2, "{stats:?}");
    assert!(peak <= 16 * 1024, "peak RSS {peak} KiB; {stats:?}");
    eprintln!("flood: peak RSS {peak} KiB; {stats:?}");
}

//! The global pipeline with a batch processor that exports only when
//! flushed (or when a chunk fills half the queue, which no test using it
//! reaches), for tests that install it one at a time.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, BatchStatsHandle};
use baton::{InMemoryExporter, PipelineGuard};

pub struct Installed {
    pub pipeline: PipelineGuard,
    pub exporter: InMemoryExporter,
    pub stats: BatchStatsHandle,
}

pub fn install() -> Installed {
    let exporter = InMemoryExporter::default();
    let mut config = BatchConfig::default();
    config.scheduled_delay = Duration::from_secs(3600);
    let processor = BatchProcessor::new(exporter.clone(), config);
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    Installed {
        pipeline,
        exporter,
        stats,
    }
}

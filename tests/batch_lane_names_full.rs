//! The batch processor numbers the static names of plain spans in a list of
//! at most `MAX_LANE_NAMES`; spans named past it still reach the exporter,
//! through their thread's slot, in the order they ended. Its own process:
//! it fills the list for good.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, MAX_LANE_NAMES};
use baton::InMemoryExporter;

#[test]
fn spans_named_past_the_list_still_reach_the_exporter_in_order() {
    let exporter = InMemoryExporter::default();
    let mut config = BatchConfig::default();
    config.max_queue_size = 2 * MAX_LANE_NAMES + 64;
    let processor = BatchProcessor::new(exporter.clone(), config);
    let stats = processor.stats_handle();
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let names: Vec<&'static str> = (0..MAX_LANE_NAMES + 10)
        .map(|i| &*Box::leak(format!("name {i}").into_boxed_str()))
        .collect();
    for name in &names {
        drop(baton::span(*name).start());
    }
    // Named earlier: in order after the spans the slot took.
    drop(baton::span(names[0]).start());
    pipeline.shutdown(Duration::MAX).unwrap();
    let exported: Vec<String> = exporter
        .finished_spans()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect();
    let mut expected: Vec<&str> = names.clone();
    expected.push(names[0]);
    assert_eq!(exported, expected);
    let stats = stats.get();
    assert_eq!(
        (stats.produced, stats.exported, stats.dropped),
        (names.len() as u64 + 1, names.len() as u64 + 1, 0)
    );
}

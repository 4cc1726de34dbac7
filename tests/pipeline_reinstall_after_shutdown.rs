//! A pipeline can be installed, shut down, and installed again; spans go to
//! whichever is installed when they end, and a live pipeline still refuses
//! a second `init`.
//!
//! Regression: after shutdown, `init` failed with `AlreadyInstalled` forever
//! and every later span was dropped. Installs the global pipeline.

use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor};
use baton::{InMemoryExporter, InitError};

fn names(spans: &InMemoryExporter) -> Vec<String> {
    spans
        .finished_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect()
}

#[test]
fn init_shutdown_init_again_and_again() {
    let first = InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(first.clone())).unwrap();
    assert_eq!(
        baton::init(baton::Config::new()).err(),
        Some(InitError::AlreadyInstalled),
        "one live pipeline at a time"
    );
    baton::in_span("first", || {});
    guard.shutdown(Duration::MAX).unwrap();

    let dropped = baton::export::dropped_spans();
    baton::in_span("between", || {});
    assert_eq!(
        baton::export::dropped_spans(),
        dropped + 1,
        "counted, not lost silently"
    );

    // A batch pipeline this time, on a thread that already used the first.
    let second = InMemoryExporter::default();
    let guard = baton::init(
        baton::Config::new().processor(BatchProcessor::new(second.clone(), BatchConfig::default())),
    )
    .unwrap();
    baton::in_span("second", || {});
    std::thread::spawn(|| baton::in_span("second, other thread", || {}))
        .join()
        .unwrap();
    guard.shutdown(Duration::MAX).unwrap();

    // Dropping the guard shuts down as well.
    let third = InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(third.clone())).unwrap();
    baton::in_span("third", || {});
    drop(guard);
    let fourth = InMemoryExporter::default();
    let _guard = baton::init(baton::Config::new().exporter(fourth.clone())).unwrap();
    baton::in_span("fourth", || {});

    assert_eq!(names(&first), ["first"]);
    let mut second_names = names(&second);
    second_names.sort();
    assert_eq!(second_names, ["second", "second, other thread"]);
    assert_eq!(names(&third), ["third"]);
    assert_eq!(names(&fourth), ["fourth"]);
}

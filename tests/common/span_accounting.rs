//! What the accounting tests share: spans of every kind ended until told
//! to stop, an exporter that says whether it got any span twice, and the
//! check that every span ended was counted once somewhere.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use baton::export::{BatchStats, ExportError, SpanExporter};
use baton::{SpanData, SpanId};

/// Records every span id it is given, for every pipeline it serves, and
/// how many came twice.
#[derive(Clone, Default)]
pub struct Recording {
    pub ids: Arc<Mutex<HashSet<SpanId>>>,
    pub twice: Arc<AtomicU64>,
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

impl Recording {
    /// How many spans it got, each once: none may have come twice.
    pub fn received_once(&self) -> u64 {
        assert_eq!(self.twice.load(Ordering::SeqCst), 0, "exported twice");
        self.ids.lock().unwrap().len() as u64
    }
}

/// Ends spans of every kind the global pipeline takes its own way (plain
/// roots into the thread's lane, roots with an attribute through its
/// slot's lock, children gathered in its batch) until `stop`; how many.
pub fn produce(stop: &AtomicBool) -> u64 {
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
        if round % 64 == 0 {
            thread::yield_now();
        }
    }
    ended
}

/// A shutdown's result when no deadline passed: done, or losses counted.
pub fn assert_shut_down(shut: &Result<(), ExportError>) {
    assert!(
        matches!(
            shut,
            Ok(()) | Err(ExportError::Undelivered { .. } | ExportError::ParentsOpen { .. })
        ),
        "{shut:?}"
    );
}

/// Asserts that each of `pipelines`, shut down with no deadline, holds no
/// span and counted each it took once, that they `exported` what the
/// exporter received, and that each of the `ended` spans was counted once:
/// by a pipeline, or in `dropped_spans` (beyond `dropped_before`), ended
/// into a pipeline already shut down.
pub fn assert_each_counted_once(
    ended: u64,
    dropped_before: u64,
    pipelines: &[BatchStats],
    received: u64,
) {
    for s in pipelines {
        assert_eq!(
            (s.produced, s.in_flight),
            (s.exported + s.dropped + s.failed, 0),
            "{pipelines:?}"
        );
    }
    let sum = |f: fn(&BatchStats) -> u64| pipelines.iter().map(f).sum::<u64>();
    let (produced, exported, lost) = (
        sum(|s| s.produced),
        sum(|s| s.exported),
        sum(|s| s.dropped + s.failed),
    );
    assert_eq!(received, exported, "{pipelines:?}");
    let dropped_by_pipeline = baton::export::dropped_spans() - dropped_before - lost;
    assert_eq!(
        ended,
        produced + dropped_by_pipeline,
        "ended {ended}; dropped after a shutdown {dropped_by_pipeline}; {pipelines:?}"
    );
}

//! The first drop at a full batch queue is reported as `span-dropped`
//! with its count, and counted said (`BatchStats::reported`), so the
//! report a dropped pipeline guard makes of its shutdown's answer does not
//! say those spans again as `export-failed`. It did: the queue's report
//! was left out of the count of losses said.

#[path = "common/gate.rs"]
mod gate;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter};
use baton::{DiagnosticKind, SpanData};
use gate::Gate;

static REPORTS: Mutex<Vec<(DiagnosticKind, String)>> = Mutex::new(Vec::new());

struct Holds(Arc<Gate>);

impl SpanExporter for Holds {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        self.0.wait();
        Ok(())
    }
}

fn count(message: &str, prefix: &str) -> u64 {
    let rest = message
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{message}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("{message}"))
}

#[test]
fn the_first_full_queue_drop_reported_is_not_said_again() {
    baton::set_diagnostic_handler(Box::new(|d| {
        REPORTS
            .lock()
            .unwrap()
            .push((d.kind, d.message.to_string()));
    }))
    .unwrap();
    let gate = Arc::new(Gate::default());
    let mut config = BatchConfig::default();
    config.max_queue_size = 8;
    config.max_export_batch_size = 4;
    config.scheduled_delay = Duration::MAX;
    let processor = BatchProcessor::new(Holds(Arc::clone(&gate)), config);
    let pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let first_drop = || {
        REPORTS.lock().unwrap().iter().find_map(|(kind, message)| {
            (*kind == DiagnosticKind::SpanDropped).then(|| count(message, ""))
        })
    };
    let give_up = Instant::now() + Duration::from_secs(30);
    while first_drop().is_none() {
        assert!(Instant::now() < give_up);
        baton::in_span("plain", || {});
        let _ = pipeline.stats();
    }
    gate.open();
    while pipeline.stats().unwrap().in_flight > 0 {
        assert!(Instant::now() < give_up);
        std::thread::sleep(Duration::from_millis(1));
    }
    let stats = pipeline.stats().unwrap();
    drop(pipeline);
    let first = first_drop().unwrap();
    let reports = REPORTS.lock().unwrap().clone();
    let summary = reports
        .iter()
        .find(|(kind, m)| *kind == DiagnosticKind::ExportFailed && m.starts_with("shutdown: "))
        .map_or(0, |(_, m)| count(m, "shutdown: "));
    assert!(
        summary <= stats.dropped - first,
        "the first drop was said again: {stats:?} {reports:?}"
    );
}

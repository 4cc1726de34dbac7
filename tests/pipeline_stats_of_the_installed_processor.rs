//! `baton::export::stats()` and `PipelineGuard::stats()` give the counters
//! of the installed pipeline's processor, however it was built, so a
//! service can report its drops as a metric: a batch processor's
//! (`Config::batch_exporter`, `OTEL_TRACES_EXPORTER=otlp`), a simple
//! one's (`Config::exporter`, `OTEL_TRACES_EXPORTER=console`) and a
//! fan-out's of both (`OTEL_TRACES_EXPORTER=otlp,console`); none for a
//! processor of the application's that keeps none. Found by an integrator
//! walking the API: only a `BatchProcessor` built by hand could be read.
//! Installs the global pipeline: one test alone in its file.

use std::time::{Duration, Instant};

use baton::export::{BatchStats, ExportError, SpanProcessor};
use baton::{Config, InMemoryExporter, SpanData};

fn counts(s: BatchStats) -> (u64, u64, u64, u64) {
    (s.produced, s.exported, s.dropped, s.in_flight)
}

struct Own;

impl SpanProcessor for Own {
    fn on_end(&self, _span: SpanData) {}
    fn force_flush(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }
    fn shutdown(&self, _deadline: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[test]
fn the_installed_processors_counters_are_read_however_it_was_built() {
    assert_eq!(baton::export::stats(), None, "no pipeline");
    let second = Duration::from_secs(5);

    let batch = InMemoryExporter::default();
    let pipeline = baton::init(Config::new().batch_exporter(batch.clone())).unwrap();
    for _ in 0..3 {
        baton::in_span("work", || {});
    }
    pipeline.force_flush(second).unwrap();
    assert_eq!(pipeline.stats().map(counts), Some((3, 3, 0, 0)));
    assert_eq!(baton::export::stats(), pipeline.stats());
    pipeline.shutdown(second).unwrap();
    // The last counters stay readable until another pipeline is installed.
    assert_eq!(baton::export::stats().map(counts), Some((3, 3, 0, 0)));

    let simple = InMemoryExporter::default();
    let pipeline = baton::init(Config::new().exporter(simple.clone())).unwrap();
    baton::in_span("work", || {});
    assert_eq!(pipeline.stats().map(counts), Some((1, 1, 0, 0)));
    pipeline.shutdown(second).unwrap();

    let console = Config::from_lookup(env(&[("OTEL_TRACES_EXPORTER", "console")])).unwrap();
    let pipeline = baton::init(console).unwrap();
    assert_eq!(pipeline.stats().map(counts), Some((0, 0, 0, 0)));
    pipeline.shutdown(second).unwrap();

    let otlp = Config::from_lookup(env(&[
        ("OTEL_TRACES_EXPORTER", "otlp"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
    ]))
    .unwrap();
    let pipeline = baton::init(otlp).unwrap();
    assert_eq!(pipeline.stats().map(counts), Some((0, 0, 0, 0)));
    pipeline.shutdown(second).unwrap();

    let fan_out = Config::from_lookup(env(&[
        ("OTEL_TRACES_EXPORTER", "otlp,console"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
    ]))
    .unwrap();
    let pipeline = baton::init(fan_out).unwrap();
    assert_eq!(pipeline.stats().map(counts), Some((0, 0, 0, 0)));
    drop(pipeline);

    let pipeline = baton::init(Config::new().processor(Own)).unwrap();
    assert_eq!(pipeline.stats(), None);
    assert_eq!(baton::export::stats(), None);
    pipeline.shutdown(second).unwrap();
}

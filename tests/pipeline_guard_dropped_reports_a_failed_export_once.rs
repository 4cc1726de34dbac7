//! A pipeline guard dropped without `shutdown` reports a failed export
//! once, as `export-failed`, as an explicit `shutdown` does: the export
//! reported it, and the summary the guard's drop reports says only what
//! was not reported before (nothing here).
//!
//! Bug (tally audit, session 38): the drop's summary said every loss the
//! processor had counted, so the span of one failed export was reported
//! twice, at the export and again at the drop. Its own process: it
//! installs the global pipeline and a diagnostic handler.

use std::sync::Mutex;
use std::time::Duration;

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter};
use baton::{Config, DiagnosticKind, SpanData};

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Loses every export.
struct Refusing;

impl SpanExporter for Refusing {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        Err(ExportError::Failed("collector refused".into()))
    }
}

/// The `export-failed` reports made by `f`.
fn reported(f: impl FnOnce()) -> Vec<String> {
    let before = REPORTS.lock().unwrap().len();
    f();
    REPORTS.lock().unwrap()[before..].to_vec()
}

/// A pipeline exporting through `Refusing` by the processor `name`.
fn config(name: &str) -> Config {
    match name {
        "simple" => Config::new().exporter(Refusing),
        _ => {
            let mut batch = BatchConfig::default();
            batch.scheduled_delay = Duration::MAX;
            Config::new().processor(BatchProcessor::new(Refusing, batch))
        }
    }
}

/// Installs `config`, ends one span and lets the pipeline go by `finish`.
fn one_failed_export(config: Config, finish: impl FnOnce(baton::PipelineGuard)) -> Vec<String> {
    reported(|| {
        let pipeline = baton::init(config).unwrap();
        baton::in_span("work", || {});
        finish(pipeline);
    })
}

#[test]
fn a_failed_export_is_reported_once_whichever_way_the_pipeline_ends() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::ExportFailed {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    for name in ["simple", "batch"] {
        let shut = one_failed_export(config(name), |pipeline| {
            let shut = pipeline.shutdown(Duration::from_secs(60));
            assert!(
                matches!(shut, Err(ExportError::Undelivered { .. })),
                "{name}: {shut:?}"
            );
        });
        assert_eq!(shut.len(), 1, "{name}, shut down: {shut:?}");
        assert!(shut[0].contains("collector refused"), "{name}: {shut:?}");

        let dropped = one_failed_export(config(name), drop);
        assert_eq!(dropped, shut, "{name}, guard dropped");
    }
}

//! The state-matrix audit of the public API (see
//! `tests/common/api_matrix.rs`) across changes of the global pipeline:
//! every cell sets its state up under one pipeline state, the pipeline
//! changes while all are set up (installed, shut down, installed again,
//! disabled, enabled), and the operation runs under the next. A span goes
//! to whichever pipeline is in force when it ends (`baton::init`); one
//! begun before `init` stays a no-op, and one started inside it afterwards
//! is a root, or the child of the received context it carries (README,
//! "Errors, panics and samplers"). One test: it installs the global
//! pipeline again and again.

#[path = "common/api_matrix.rs"]
mod api_matrix;

use std::time::Duration;

use api_matrix::{run_across, Sink};
use baton::{Config, InMemoryExporter, PipelineGuard};

/// Shuts the pipeline in force down.
fn shut_down(guard: &mut Option<PipelineGuard>) {
    let pipeline = guard.take().expect("a pipeline in force");
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
}

fn disabled() -> Config {
    Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into())).unwrap()
}

#[test]
fn every_cell_across_every_change_of_pipeline() {
    let first = InMemoryExporter::default();
    let mut guard = None;
    run_across("none, then live", Sink::NONE, || {
        guard = Some(baton::init(Config::new().exporter(first.clone())).unwrap());
        Sink::live(&first)
    });
    run_across("live, then shut down", Sink::live(&first), || {
        shut_down(&mut guard);
        Sink::live(&first).shut_down()
    });
    let second = InMemoryExporter::default();
    run_across(
        "shut down, then a batch pipeline",
        Sink::live(&first).shut_down(),
        || {
            guard = Some(baton::init(Config::new().batch_exporter(second.clone())).unwrap());
            Sink::live(&second)
        },
    );
    // Spans ending under the disabled SDK are not exported, and are
    // counted as dropped: their pipeline is shut down.
    run_across("live, then disabled", Sink::live(&second), || {
        shut_down(&mut guard);
        guard = Some(baton::init(disabled()).unwrap());
        Sink::DISABLED
    });
    let third = InMemoryExporter::default();
    run_across("disabled, then live", Sink::DISABLED, || {
        shut_down(&mut guard);
        guard = Some(baton::init(Config::new().exporter(third.clone())).unwrap());
        Sink::live(&third)
    });
}

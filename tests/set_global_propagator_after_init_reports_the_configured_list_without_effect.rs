//! `set_global_propagator` after `init` was given a configuration whose
//! `OTEL_PROPAGATORS` names other formats: the propagator set in code
//! wins (as documented), and the configured list is reported as without
//! effect, as `init` reports it in the other order
//! (`tests/config_from_lookup_propagators_installed_by_init.rs`). Found:
//! in this order the configured list was dropped without a word, so an
//! operator's `OTEL_PROPAGATORS=b3multi` silently gave W3C headers.
//! Process-wide state: one test alone in its file.

use std::sync::Mutex;
use std::time::Duration;

use baton::propagation::{global_propagator, set_global_propagator, Composite, Propagator};
use baton::{Config, DiagnosticKind};

#[test]
fn a_propagator_set_after_init_wins_and_the_configured_list_is_reported() {
    static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidConfig {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let config = Config::from_lookup(|k| match k {
        "OTEL_PROPAGATORS" => Some("b3multi".to_owned()),
        "OTEL_TRACES_EXPORTER" => Some("none".to_owned()),
        _ => None,
    })
    .unwrap();
    let pipeline = baton::init(config).unwrap();
    assert_eq!(*REPORTS.lock().unwrap(), Vec::<String>::new());

    set_global_propagator(Composite::from_list("tracecontext").unwrap()).unwrap();
    assert_eq!(global_propagator().fields(), ["traceparent", "tracestate"]);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    let reports = REPORTS.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].starts_with("OTEL_PROPAGATORS=\"b3multi\" has no effect")
            && reports[0].contains("traceparent"),
        "{reports:?}"
    );
}

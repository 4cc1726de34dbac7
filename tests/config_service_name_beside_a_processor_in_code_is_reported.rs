//! `Config::service_name` names the resource of the exporter the
//! environment chooses; a processor or exporter set in code keeps its own
//! resource, so beside one the name reaches nothing. Found: it was dropped
//! without a word, and the spans went out as `unknown_service:<executable>`
//! (`Config::from_env()?.service_name("checkout").batch_exporter(e)` reads
//! as if it named the service). Now it is reported as `invalid-argument`,
//! with the caller's line, whichever of the two is set first.

use std::sync::Mutex;

use baton::{Config, DiagnosticKind, InMemoryExporter};

static REPORTS: Mutex<Vec<(String, u32)>> = Mutex::new(Vec::new());

fn reports() -> Vec<(String, u32)> {
    std::mem::take(&mut *REPORTS.lock().unwrap())
}

#[test]
fn a_service_name_a_processor_in_code_cannot_take_is_reported() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidArgument {
            let line = d.location.map_or(0, |l| l.line());
            REPORTS.lock().unwrap().push((d.message.to_string(), line));
        }
    }))
    .unwrap();

    let line = line!() + 3;
    let _name_first = Config::new()
        .service_name("checkout")
        .exporter(InMemoryExporter::default());
    let seen = reports();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].0.contains("\"checkout\""), "{seen:?}");
    assert!(seen[0].0.contains("OtlpConfig::service_name"), "{seen:?}");
    assert_eq!(seen[0].1, line, "{seen:?}");

    let line = line!() + 3;
    let _exporter_first = Config::new()
        .batch_exporter(InMemoryExporter::default())
        .service_name("checkout");
    let seen = reports();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].1, line, "{seen:?}");

    // Alone, or with the exporter the environment chooses, it is taken.
    let env = |k: &str| (k == "OTEL_TRACES_EXPORTER").then(|| "otlp".to_owned());
    let _from_env = Config::from_lookup(env).unwrap().service_name("checkout");
    let _alone = Config::new().service_name("checkout");
    assert_eq!(reports(), []);
}

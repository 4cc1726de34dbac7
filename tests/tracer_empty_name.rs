//! A tracer asked for with an empty name is a working tracer that keeps
//! the empty name, as the OpenTelemetry trace API says ("a working Tracer
//! MUST be returned ... its name property SHOULD keep the original
//! invalid value, and a message reporting that the specified value is
//! invalid SHOULD be logged"): reported as `invalid-argument`, with the
//! caller's line. Installs the global pipeline.

use std::sync::{Arc, Mutex};

use baton::{DiagnosticKind, InMemoryExporter};

#[test]
fn an_empty_name_is_kept_and_reported_with_the_caller_s_line() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let into = seen.clone();
    baton::set_diagnostic_handler(Box::new(move |d| {
        if d.kind == DiagnosticKind::InvalidArgument {
            into.lock().unwrap().push(d.to_string());
        }
    }))
    .unwrap();
    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();

    let line = line!() + 1;
    let tracer = baton::tracer("").version("1").build();
    assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidArgument), 1);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].contains("empty name"), "{seen:?}");
    assert!(
        seen[0].contains(&format!("tracer_empty_name.rs:{line}")),
        "{seen:?}"
    );

    tracer.in_span("works", || {});
    let finished = spans.finished_spans();
    assert_eq!(finished.len(), 1);
    assert_eq!(finished[0].scope().name(), "");
    assert_eq!(finished[0].scope().version(), Some("1"));

    // A name that is not empty is not reported.
    let _named = baton::tracer("named").build();
    assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidArgument), 1);
}

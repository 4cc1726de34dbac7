//! `Resource::set` with an empty key sets nothing and reports it, as the
//! OpenTelemetry common spec forbids empty attribute keys and
//! `OTEL_RESOURCE_ATTRIBUTES` refuses one. Found: the empty key was kept
//! and exported.

use std::sync::Mutex;

use baton::export::Resource;
use baton::{DiagnosticKind, Value};

#[test]
fn an_empty_key_sets_nothing_and_is_reported_with_the_callers_line() {
    static REPORTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidArgument {
            let at = d.location.map(|l| l.file().to_owned()).unwrap_or_default();
            REPORTS.lock().unwrap().push((d.message.to_string(), at));
        }
    }))
    .unwrap();
    let mut resource = Resource::new("cart");
    let before = resource.attributes().len();
    resource.set("", "v");
    assert_eq!(resource.attributes().len(), before);
    assert_eq!(resource.get(""), None);
    resource.set("k", "v");
    assert_eq!(resource.get("k"), Some(&Value::from("v")));
    let reports = REPORTS.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].0.contains("empty key"), "{reports:?}");
    assert!(reports[0]
        .1
        .ends_with("resource_empty_key_ignored_and_reported.rs"));
}

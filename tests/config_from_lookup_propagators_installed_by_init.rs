//! `OTEL_PROPAGATORS` read by `Config::from_lookup` is the list `init`
//! installs as the global propagator, its `session` entry writing the
//! header `BATON_SESSION_HEADER` names in the same lookup. Once the global
//! propagator is fixed, a later configuration's list cannot change it, and
//! `init` says so when it differs. Found: the lookup's list was checked and
//! then did nothing; `inject_context` wrote W3C headers without a word.
//! Process-wide state: one test alone in its file.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use baton::{Config, DiagnosticKind};

fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn injected() -> HashMap<String, String> {
    let mut headers = HashMap::new();
    baton::in_span("call", || {
        let _s = baton::session("chat-42");
        baton::inject_context(&mut headers);
    });
    headers
}

#[test]
fn the_lookups_propagators_are_installed_and_a_later_different_list_is_reported() {
    static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidConfig {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();

    let config = Config::from_lookup(lookup(&[
        ("OTEL_PROPAGATORS", "b3multi,session"),
        ("BATON_SESSION_HEADER", "Mirascope-Session-Id"),
        ("OTEL_TRACES_EXPORTER", "none"),
    ]))
    .unwrap();
    assert!(config.ignored().is_empty(), "{:?}", config.ignored());
    let pipeline = baton::init(config).unwrap();
    let headers = injected();
    let mut names: Vec<&str> = headers.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "mirascope-session-id",
            "x-b3-sampled",
            "x-b3-spanid",
            "x-b3-traceid"
        ]
    );
    assert_eq!(headers["mirascope-session-id"], "chat-42");
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    assert_eq!(*REPORTS.lock().unwrap(), Vec::<String>::new());

    // The same list again: nothing to say.
    let same = Config::from_lookup(lookup(&[
        ("OTEL_PROPAGATORS", " B3multi , session"),
        ("BATON_SESSION_HEADER", "mirascope-session-id"),
        ("OTEL_TRACES_EXPORTER", "none"),
    ]))
    .unwrap();
    baton::init(same)
        .unwrap()
        .shutdown(Duration::from_secs(5))
        .unwrap();
    assert_eq!(*REPORTS.lock().unwrap(), Vec::<String>::new());

    // Another list: the global propagator stays, and the list is reported.
    let other = Config::from_lookup(lookup(&[
        ("OTEL_PROPAGATORS", "jaeger"),
        ("OTEL_TRACES_EXPORTER", "none"),
    ]))
    .unwrap();
    let pipeline = baton::init(other).unwrap();
    assert!(injected().contains_key("x-b3-traceid"));
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let reports = REPORTS.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].starts_with("OTEL_PROPAGATORS=\"jaeger\" has no effect")
            && reports[0].contains("x-b3-traceid"),
        "{reports:?}"
    );
}

//! A diagnostic handler that injects (one that sends each diagnostic to a
//! log service with the current trace's headers, say) while the global
//! propagator's first read reports an invalid `OTEL_PROPAGATORS` or
//! `BATON_SESSION_HEADER`: the reports come once the propagator is set, so
//! the handler's inject runs with it. Found: they came from inside the
//! first read, whose end the handler's inject waited for: the process hung.
//! Sets the process environment: one test alone in its file.

mod common;

use std::collections::HashMap;
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use baton::DiagnosticKind;

#[test]
fn a_handler_injecting_while_the_first_read_reports_runs_with_the_propagator() {
    common::exporter();
    std::env::set_var("OTEL_PROPAGATORS", "b3,session,xray");
    std::env::set_var("BATON_SESSION_HEADER", "traceparent");
    static SEEN: Mutex<Vec<(String, Vec<String>)>> = Mutex::new(Vec::new());
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::InvalidConfig {
            let mut headers = HashMap::new();
            baton::in_span("diagnostic", || baton::inject_context(&mut headers));
            let mut names: Vec<String> = headers.into_keys().collect();
            names.sort_unstable();
            SEEN.lock().unwrap().push((d.message.to_string(), names));
        }
    }))
    .unwrap();

    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let mut headers = HashMap::new();
        baton::in_span("request", || {
            let _s = baton::session("chat-42");
            baton::inject_context(&mut headers);
        });
        done.send(headers).unwrap();
    });
    let headers = finished
        .recv_timeout(Duration::from_secs(30))
        .expect("the first inject hung");
    assert!(headers.contains_key("b3"), "{headers:?}");
    assert_eq!(headers["baton-session-id"], "chat-42");

    let seen = SEEN.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().any(|(m, _)| m.contains("\"xray\"")), "{seen:?}");
    assert!(
        seen.iter()
            .any(|(m, _)| m.starts_with("BATON_SESSION_HEADER")),
        "{seen:?}"
    );
    // The handler ran inside the first inject, in its span and session.
    for (_, names) in seen.iter() {
        assert_eq!(names, &["b3", "baton-session-id"]);
    }
}

//! The operator's path across a process boundary: a traced parent starts a
//! worker with `std::process::Command`, putting its context into the
//! worker's environment with `inject_into_command`; the worker (this test
//! binary run again, configured by its own `OTEL_*` variables) takes it
//! with `propagated_from_env` and ships its spans over OTLP to a collector.
//! Its spans must be children of the parent's, with the baggage and the
//! session (`OTEL_PROPAGATORS=tracecontext,baggage,session` on both sides);
//! hostile or broken variables must never crash the worker, only start a
//! new trace (or keep what is valid), and be reported.

#[path = "common/child_process.rs"]
mod child_process;
#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::ffi::OsString;
use std::io::Write;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use baton::InMemoryExporter;
use loopback_collector::{collector, lookup};

const PROPAGATORS: &str = "tracecontext,baggage,session";

/// The parent's pipeline, installed once: the propagators a deployment
/// sets, from its variables.
fn parent_pipeline() -> &'static InMemoryExporter {
    static MEMORY: OnceLock<InMemoryExporter> = OnceLock::new();
    MEMORY.get_or_init(|| {
        let memory = InMemoryExporter::default();
        let config = baton::Config::from_lookup(lookup(&[
            ("OTEL_PROPAGATORS", PROPAGATORS),
            ("OTEL_SERVICE_NAME", "api"),
        ]))
        .unwrap();
        assert!(config.ignored().is_empty(), "{:?}", config.ignored());
        std::mem::forget(baton::init(config.exporter(memory.clone())).unwrap());
        memory
    })
}

/// The worker: configured by its environment, inside the context its
/// parent gave it; prints what it found, then records one span.
#[test]
#[ignore = "run in a child process by the tests below"]
fn worker() {
    let pipeline = baton::init(baton::Config::from_env().unwrap()).unwrap();
    let _cx = baton::propagation::propagated_from_env();
    let cx = baton::Context::current();
    let sc = cx.span_context();
    let baggage: Vec<String> = cx
        .baggage()
        .iter()
        .map(|(k, v, _)| format!("{k}={v}"))
        .collect();
    // Written to the stderr itself: the test harness captures `eprintln!`.
    let mut err = std::io::stderr();
    writeln!(
        err,
        "WORKER trace={} parent={} sampled={} session={} baggage={}",
        sc.map_or("-".into(), |sc| sc.trace_id().to_string()),
        sc.map_or("-".into(), |sc| sc.span_id().to_string()),
        sc.is_some_and(|sc| sc.flags().is_sampled()),
        baton::current_session().map_or("-".into(), |s| s.id().to_owned()),
        baggage.join(","),
    )
    .unwrap();
    {
        let job = baton::span("resize image").enter();
        job.set_attribute("tenant", baton::baggage("tenant").unwrap_or_default());
        writeln!(
            err,
            "WORKER span trace={}",
            baton::current_trace_id().unwrap()
        )
        .unwrap();
    }
    drop(pipeline);
}

/// The `WORKER ...` line of a worker's stderr, as fields.
fn seen(stderr: &str) -> Vec<(String, String)> {
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("WORKER trace="))
        .unwrap_or_else(|| panic!("{stderr}"));
    format!("trace={line}")
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn field<'a>(seen: &'a [(String, String)], key: &str) -> &'a str {
    &seen.iter().find(|(k, _)| k == key).unwrap().1
}

/// A worker's environment: only what a deployment gives it, plus what
/// `inject_into_command` put on `command`.
fn worker_env(command: &Command, extra: &[(&str, &str)]) -> Vec<(String, OsString)> {
    let mut env: Vec<(String, OsString)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    for (k, v) in command.get_envs() {
        if let Some(v) = v {
            env.push((k.to_str().unwrap().to_owned(), v.to_owned()));
        }
    }
    env
}

fn run_worker(env: &[(String, OsString)]) -> String {
    let env: Vec<(&str, &OsString)> = env.iter().map(|(k, v)| (k.as_str(), v)).collect();
    child_process::run_alone("worker", &env)
}

/// README: a context is carried along "child processes"; the session row
/// of the table: `session` in `OTEL_PROPAGATORS` → `BATON_SESSION_ID`,
/// `baggage` → `BAGGAGE`. The worker's exported span is a child of the
/// parent's span, in its trace, with the session and baggage.
#[test]
fn the_workers_spans_are_children_of_the_parents_with_baggage_and_session() {
    parent_pipeline();
    let (endpoint, requests) = collector(4);
    let mut command = Command::new("worker");
    let parent = {
        let _session = baton::session("chat-42");
        let _tenant = baton::set_baggage("tenant", "acme");
        let spawn = baton::span("spawn worker").enter();
        baton::propagation::inject_into_command(&mut command);
        spawn.span_context().clone()
    };
    let vars: Vec<_> = command.get_envs().map(|(k, _)| k.to_owned()).collect();
    assert!(vars.contains(&"TRACEPARENT".into()), "{vars:?}");
    assert!(vars.contains(&"BATON_SESSION_ID".into()), "{vars:?}");

    let env = worker_env(
        &command,
        &[
            ("OTEL_SERVICE_NAME", "worker"),
            ("OTEL_PROPAGATORS", PROPAGATORS),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ],
    );
    let stderr = run_worker(&env);
    let seen = seen(&stderr);
    assert_eq!(
        field(&seen, "trace"),
        parent.trace_id().to_string(),
        "{stderr}"
    );
    assert_eq!(field(&seen, "parent"), parent.span_id().to_string());
    assert_eq!(field(&seen, "sampled"), "true");
    assert_eq!(field(&seen, "session"), "chat-42");
    assert!(
        field(&seen, "baggage")
            .split(',')
            .any(|m| m == "tenant=acme"),
        "{stderr}"
    );

    let request = requests.recv_timeout(Duration::from_secs(20)).unwrap();
    let body = json::parse(request.text()).unwrap();
    let rs = body.get("resourceSpans").at(0);
    let service = rs
        .get("resource")
        .get("attributes")
        .attribute("service.name");
    assert_eq!(service.unwrap().get("stringValue").str(), "worker");
    let span = rs.get("scopeSpans").at(0).get("spans").at(0);
    assert_eq!(span.get("name").str(), "resize image");
    assert_eq!(span.get("traceId").str(), parent.trace_id().to_string());
    assert_eq!(span.get("parentSpanId").str(), parent.span_id().to_string());
    let attrs = span.get("attributes");
    assert_eq!(
        attrs
            .attribute("session.id")
            .unwrap()
            .get("stringValue")
            .str(),
        "chat-42"
    );
    assert_eq!(
        attrs.attribute("tenant").unwrap().get("stringValue").str(),
        "acme"
    );
}

/// A parent that was itself started by a traced process has
/// `TRACEPARENT` and `BAGGAGE` in its own environment; a worker it starts
/// outside any span must not inherit them as if they were current
/// (`inject_into_command`: "the child never inherits a stale context from
/// this process's own environment").
#[test]
fn a_worker_started_outside_any_span_inherits_no_stale_context() {
    parent_pipeline();
    let mut command = Command::new("worker");
    command
        .env(
            "TRACEPARENT",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .env("BAGGAGE", "tenant=stale")
        .env("BATON_SESSION_ID", "old-session");
    {
        let _fresh = baton::new_trace_context();
        baton::propagation::inject_into_command(&mut command);
    }
    let envs: Vec<_> = command.get_envs().collect();
    for name in ["TRACEPARENT", "BAGGAGE", "BATON_SESSION_ID"] {
        assert!(
            envs.contains(&(name.as_ref(), None)),
            "{name} is removed, not inherited: {envs:?}"
        );
    }
}

/// What a worker does with one environment of hostile or broken values:
/// it runs (no panic), and its stderr is returned with what it saw.
fn worker_given(vars: &[(&str, OsString)]) -> (Vec<(String, String)>, String) {
    let mut env: Vec<(String, OsString)> = vec![
        ("OTEL_PROPAGATORS".into(), PROPAGATORS.into()),
        ("OTEL_TRACES_EXPORTER".into(), "none".into()),
    ];
    env.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let stderr = run_worker(&env);
    (seen(&stderr), stderr)
}

/// A broken `TRACEPARENT` (hand-edited, uppercase hex, cut short, not
/// UTF-8) starts a new trace and is reported on stderr; the valid baggage
/// and session beside it are kept.
#[test]
fn a_broken_traceparent_starts_a_new_trace_and_is_reported() {
    use std::os::unix::ffi::OsStringExt;
    let broken = [
        OsString::from("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
        OsString::from("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"),
        OsString::from("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        OsString::from_vec(b"00-4bf92f3577b34da6a3ce929d0e0e47\xff6-00f067aa0ba902b7-01".to_vec()),
    ];
    for traceparent in broken {
        let (seen, stderr) = worker_given(&[
            ("TRACEPARENT", traceparent.clone()),
            ("BAGGAGE", "tenant=acme".into()),
            ("BATON_SESSION_ID", "chat-42".into()),
        ]);
        assert_eq!(field(&seen, "trace"), "-", "{traceparent:?}: {stderr}");
        assert!(
            stderr.contains("traceparent"),
            "{traceparent:?} reported: {stderr}"
        );
        assert_eq!(field(&seen, "session"), "chat-42", "{stderr}");
        assert!(field(&seen, "baggage").contains("tenant=acme"), "{stderr}");
        // The worker's own span is a root of a new, valid trace.
        let line = stderr
            .lines()
            .find_map(|l| l.strip_prefix("WORKER span trace="))
            .unwrap();
        assert_eq!(line.len(), 32, "{stderr}");
    }
}

/// Hostile values beside a valid `TRACEPARENT`: a `BAGGAGE` of 200
/// members, a session id past `MAX_SESSION_ID_LEN` or with a control
/// character. The trace goes on; the baggage keeps the W3C limit of 64
/// members; the bad session is dropped and reported.
#[test]
fn hostile_baggage_and_session_beside_a_valid_traceparent_keep_the_trace() {
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let big: String = (0..200)
        .map(|i| format!("k{i}=v{i}"))
        .collect::<Vec<_>>()
        .join(",");
    for session in ["x".repeat(300), "chat\u{1b}[31m".to_owned()] {
        let (seen, stderr) = worker_given(&[
            ("TRACEPARENT", traceparent.into()),
            ("BAGGAGE", big.clone().into()),
            ("BATON_SESSION_ID", session.clone().into()),
        ]);
        assert_eq!(
            field(&seen, "trace"),
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "{stderr}"
        );
        assert_eq!(field(&seen, "parent"), "00f067aa0ba902b7");
        assert_eq!(field(&seen, "session"), "-", "{stderr}");
        let members = field(&seen, "baggage").split(',').count();
        assert_eq!(members, 64, "{stderr}");
        assert!(stderr.contains("baton:"), "reported: {stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "no escape reaches the terminal: {stderr:?}"
        );
    }
}

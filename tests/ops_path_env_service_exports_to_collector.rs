//! The operator's path: a service configured by its environment alone
//! (`Config::from_env()` in a child process given real `OTEL_*`
//! variables, as a deployment sets them), exporting over OTLP/HTTP to a
//! loopback collector. What arrives (request line, headers, resource,
//! scopes, spans, parent links, kinds, status, events) is checked field by
//! field, for http/protobuf (read by `common/protobuf.rs`, not baton's
//! encoder) and http/json with gzip (inflated by `common/inflate.rs`).

#[path = "common/child_process.rs"]
mod child_process;
#[path = "common/inflate.rs"]
mod inflate;
#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;
#[path = "common/protobuf.rs"]
mod protobuf;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use baton::{KeyValue, SpanKind};
use loopback_collector::{collector, Request};
use protobuf::Span;

/// A payment error, as a service would record it.
#[derive(Debug)]
struct Declined;

impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("card declined")
    }
}

impl std::error::Error for Declined {}

/// The service's request handler: a server span of the `checkout.http`
/// library's tracer (version 2.1.0), and under it a database query with an
/// event, a payment call that fails, and a cache lookup.
fn handle_one_request() {
    let tracer = baton::tracer("checkout.http").version("2.1.0").build();
    let server = tracer
        .span("GET /orders/{id}")
        .kind(SpanKind::Server)
        .attr("http.route", "/orders/{id}")
        .attr("http.response.status_code", 200i64)
        .enter();
    baton::in_span("SELECT orders", || {
        baton::current_span()
            .unwrap()
            .add_event("rows fetched", vec![KeyValue::new("rows", 3i64)]);
    });
    {
        let payment = baton::span("POST /charge").kind(SpanKind::Client).enter();
        payment.record_error(&Declined);
    }
    baton::in_span("cache get", || {});
    drop(server);
}

/// The service: configured by `Config::from_env()` alone, one request,
/// then the pipeline guard dropped (which flushes and shuts down).
#[test]
#[ignore = "run in a child process by the tests below"]
fn service_configured_by_env() {
    let config = baton::Config::from_env().unwrap();
    assert!(config.ignored().is_empty(), "{:?}", config.ignored());
    let pipeline = baton::init(config).unwrap();
    handle_one_request();
    drop(pipeline);
}

/// The same service, but it stays up after its request (its main thread
/// blocked, as a server waiting for the next connection): only
/// `OTEL_BSP_SCHEDULE_DELAY` can send the spans.
#[test]
#[ignore = "run in a child process by the tests below"]
fn service_that_stays_up() {
    let pipeline = baton::init(baton::Config::from_env().unwrap()).unwrap();
    handle_one_request();
    std::thread::sleep(Duration::from_secs(60));
    drop(pipeline);
}

/// `OTEL_*` variables of a deployment, with the collector at `endpoint`.
fn deployment_env(extra: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("OTEL_SERVICE_NAME", "checkout".to_owned()),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment=prod,service.version=1.4.2,team=core%2Cpayments,service.name=ignored"
                .to_owned(),
        ),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            "api-key=s3cr%3Dt,X-Tenant=acme corp".to_owned(),
        ),
        ("OTEL_BSP_SCHEDULE_DELAY", "200".to_owned()),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2".to_owned()),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "64".to_owned()),
        ("OTEL_BSP_EXPORT_TIMEOUT", "10000".to_owned()),
    ];
    env.extend(extra.iter().cloned());
    env
}

/// Requests until `want` spans arrived (or 20 s passed).
fn receive(
    requests: &std::sync::mpsc::Receiver<Request>,
    want: usize,
    read: impl Fn(&Request) -> Vec<Span>,
) -> (Vec<Request>, Vec<Span>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut got, mut spans) = (Vec::new(), Vec::new());
    while spans.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(request) = requests.recv_timeout(left) else {
            panic!("{} of {want} spans arrived: {spans:#?}", spans.len());
        };
        spans.extend(read(&request));
        got.push(request);
    }
    (got, spans)
}

/// OTLP/JSON spans, flattened as `protobuf::spans` flattens protobuf.
fn json_spans(text: &str) -> Vec<Span> {
    let body = json::parse(text).unwrap();
    let attrs = |list: &json::Json| -> Vec<(String, String)> {
        (0..list.len())
            .map(|i| {
                let kv = list.at(i);
                let value = kv.get("value");
                let text = if value.has("stringValue") {
                    value.get("stringValue").str().to_owned()
                } else if value.has("intValue") {
                    value.get("intValue").str().to_owned()
                } else {
                    format!("{value:?}")
                };
                (kv.get("key").str().to_owned(), text)
            })
            .collect()
    };
    let opt = |v: &json::Json, k: &str| {
        if v.has(k) {
            v.get(k).str().to_owned()
        } else {
            String::new()
        }
    };
    let mut out = Vec::new();
    let resource_spans = body.get("resourceSpans");
    for r in 0..resource_spans.len() {
        let rs = resource_spans.at(r);
        let resource = attrs(rs.get("resource").get("attributes"));
        let scope_spans = rs.get("scopeSpans");
        for s in 0..scope_spans.len() {
            let ss = scope_spans.at(s);
            let scope = ss.get("scope");
            let spans = ss.get("spans");
            for i in 0..spans.len() {
                let span = spans.at(i);
                out.push(Span {
                    resource: resource.clone(),
                    scope_name: opt(scope, "name"),
                    scope_version: opt(scope, "version"),
                    trace_id: span.get("traceId").str().to_owned(),
                    span_id: span.get("spanId").str().to_owned(),
                    trace_state: opt(span, "traceState"),
                    parent_span_id: opt(span, "parentSpanId"),
                    name: span.get("name").str().to_owned(),
                    kind: span.get("kind").num() as u64,
                    start: span.get("startTimeUnixNano").str().parse().unwrap(),
                    end: span.get("endTimeUnixNano").str().parse().unwrap(),
                    attributes: if span.has("attributes") {
                        attrs(span.get("attributes"))
                    } else {
                        Vec::new()
                    },
                    events: if span.has("events") {
                        (0..span.get("events").len())
                            .map(|e| span.get("events").at(e).get("name").str().to_owned())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    status: if span.has("status") {
                        let st = span.get("status");
                        (
                            if st.has("code") {
                                st.get("code").num() as u64
                            } else {
                                0
                            },
                            opt(st, "message"),
                        )
                    } else {
                        (0, String::new())
                    },
                });
            }
        }
    }
    out
}

fn find<'a>(spans: &'a [Span], name: &str) -> &'a Span {
    let found: Vec<_> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "{name}: {spans:#?}");
    found[0]
}

/// The request's four spans arrived as the README says.
fn check_spans(spans: &[Span]) {
    assert_eq!(spans.len(), 4, "{spans:#?}");
    let server = find(spans, "GET /orders/{id}");
    let db = find(spans, "SELECT orders");
    let payment = find(spans, "POST /charge");
    let cache = find(spans, "cache get");
    for span in spans {
        // Resource: OTEL_SERVICE_NAME wins over the attribute of the same
        // name; values percent-decoded; telemetry.sdk.* added.
        let resource = |k: &str| {
            span.resource
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(resource("service.name"), Some("checkout"), "{span:#?}");
        assert_eq!(resource("deployment.environment"), Some("prod"));
        assert_eq!(resource("service.version"), Some("1.4.2"));
        assert_eq!(resource("team"), Some("core,payments"));
        assert!(resource("telemetry.sdk.name").is_some(), "{span:#?}");
        assert_eq!(span.trace_id, server.trace_id, "one trace: {spans:#?}");
        assert_eq!(span.trace_id.len(), 32);
        assert_eq!(span.span_id.len(), 16);
        assert!(
            span.start > 1_600_000_000_000_000_000 && span.end >= span.start,
            "{span:#?}"
        );
    }
    // Parent links.
    assert_eq!(server.parent_span_id, "", "the server span is a root");
    for child in [db, payment, cache] {
        assert_eq!(child.parent_span_id, server.span_id, "{child:#?}");
    }
    // Scopes: the library's tracer, and baton's own for baton::span.
    assert_eq!(
        (server.scope_name.as_str(), server.scope_version.as_str()),
        ("checkout.http", "2.1.0")
    );
    assert_eq!(db.scope_name, "baton");
    // Kinds (OTLP: 2 server, 3 client, 1 internal).
    assert_eq!((server.kind, payment.kind, db.kind), (2, 3, 1));
    assert_eq!(server.attribute("http.route"), Some("/orders/{id}"));
    assert_eq!(server.attribute("http.response.status_code"), Some("200"));
    // Events and status.
    assert_eq!(db.events, ["rows fetched"]);
    assert_eq!(payment.events, ["exception"]);
    assert_eq!(payment.status, (2, "card declined".to_owned()));
    assert_eq!(server.status.0, 0);
}

fn check_request_head(request: &Request, path: &str, content_type: &str) {
    assert_eq!(request.request_line, format!("POST {path} HTTP/1.1"));
    assert_eq!(request.header("content-type"), Some(content_type));
    assert_eq!(request.header("api-key"), Some("s3cr=t"));
    assert_eq!(request.header("x-tenant"), Some("acme corp"));
}

/// http/protobuf to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (a full URL, used
/// as is), batches of 2 (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`), the guard's
/// drop flushing what is left.
#[test]
fn protobuf_to_a_traces_endpoint_arrives_whole() {
    let (base, requests) = collector(10);
    let env = deployment_env(&[
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            format!("{base}/otlp/ingest"),
        ),
        // The general endpoint names a port nothing listens on: the traces
        // one wins.
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://127.0.0.1:9".to_owned(),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
    ]);
    child_process::run_alone("service_configured_by_env", &env);
    let (got, spans) = receive(&requests, 4, |r| protobuf::spans(&r.body));
    for request in &got {
        check_request_head(request, "/otlp/ingest", "application/x-protobuf");
        assert_eq!(request.header("content-encoding"), None);
        assert!(
            protobuf::spans(&request.body).len() <= 2,
            "batches of at most 2"
        );
    }
    check_spans(&spans);
    assert!(
        requests.recv_timeout(Duration::from_millis(500)).is_err(),
        "each span once"
    );
}

/// http/json with gzip to `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL:
/// `/v1/traces` appended), every variable set through `_TRACES_` twins
/// where they exist, as a Helm chart might.
#[test]
fn gzipped_json_to_a_base_endpoint_arrives_whole() {
    let (base, requests) = collector(10);
    let env = deployment_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", format!("{base}/collector")),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json".to_owned()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
        ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip".to_owned()),
    ]);
    child_process::run_alone("service_configured_by_env", &env);
    let (got, spans) = receive(&requests, 4, |r| {
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        let text = inflate::gunzip(&r.body, &mut inflate::Stats::default()).unwrap();
        json_spans(std::str::from_utf8(&text).unwrap())
    });
    for request in &got {
        check_request_head(request, "/collector/v1/traces", "application/json");
    }
    check_spans(&spans);
}

/// README: "`OTEL_BSP_SCHEDULE_DELAY` bounds how long a span waits", and
/// the worker "each schedule delay ... also collects what idle threads
/// gathered": a server whose main thread blocks after a request still
/// sends its spans, long before it exits.
#[test]
fn a_service_that_stays_up_sends_within_its_schedule_delay() {
    let (base, requests) = collector(10);
    let env = deployment_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", base.clone()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
    ]);
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "service_that_stays_up", "--ignored"])
        .env_clear()
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut spans = Vec::new();
    while spans.len() < 4 {
        let left = deadline.saturating_duration_since(Instant::now());
        match requests.recv_timeout(left) {
            Ok(request) => spans.extend(protobuf::spans(&request.body)),
            Err(_) => break,
        }
    }
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(still_running, "the service exited early");
    check_spans(&spans);
}

/// A service whose collector is not there when it exits: the guard's
/// drop cannot deliver, and must not pass that off quietly. README: spans
/// a failure lost "count as failed and are reported once, as
/// `export-failed`", and "Without a diagnostic handler" reports reach
/// stderr: the operator's log names the collector and the loss.
#[test]
fn a_service_exiting_with_its_collector_down_says_what_it_lost() {
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", refused.local_addr().unwrap());
    drop(refused);
    let env = deployment_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.clone()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "2000".to_owned()),
    ]);
    let stderr = child_process::run_alone("service_configured_by_env", &env);
    let report = stderr
        .lines()
        .find(|l| l.contains("export-failed"))
        .unwrap_or_else(|| panic!("no export-failed report: {stderr}"));
    assert!(report.contains(&endpoint), "names the collector: {report}");
    assert!(report.contains("lost"), "says spans were lost: {report}");
}

//! Spans of several instrumentation scopes go out in one `ScopeSpans` per
//! scope, in the order of each scope's first span, each scope's spans in
//! their order, with the scope's name, version, attributes, dropped count
//! and schema URL; baton's own scope is sent as it always was. Checked in
//! the OTLP/JSON payload here, and in every payload (protobuf, JSON, each
//! also gzip-compressed) by the OpenTelemetry project's own proto packages
//! through `tests/otlp_decode_check.py` when `BATON_OTLP_PYTHON` names a
//! Python that has them. Installs the global pipeline (to make the spans).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use baton::export::{Compression, OtlpConfig, OtlpExporter, Protocol, Resource, SpanExporter};
use baton::{InstrumentationScope, SpanData, Value};
use loopback_collector::{collector, Request};

#[path = "common/json.rs"]
mod json;
#[path = "common/loopback_collector.rs"]
mod loopback_collector;

/// Spans of four scopes, interleaved: baton's, `db.driver` (two tracers
/// of one identity, whose spans share a `ScopeSpans`), `http.client` (no
/// version, no schema URL) and `limited` (past the attribute limit).
fn spans() -> Vec<SpanData> {
    let memory = baton::InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    let db = || {
        baton::tracer("db.driver")
            .version("2.1.0")
            .schema_url("https://opentelemetry.io/schemas/1.26.0")
            .attr("db.system", "postgresql")
            .attr("pool", 4)
            .build()
    };
    let (db, db_again) = (db(), db());
    let http = baton::tracer("http.client").build();
    let limited = (0..130)
        .fold(baton::tracer("limited").version("0"), |t, i| {
            t.attr(format!("a{i}"), i)
        })
        .build();
    baton::in_span("app 1", || {
        db.in_span("query 1", || {});
        baton::in_span("app 2", || {});
        http.in_span("fetch", || db_again.in_span("query 2", || {}));
        limited.in_span("limited", || {});
    });
    drop(guard);
    let spans = memory.take();
    assert_eq!(spans.len(), 6);
    spans
}

/// The scopes of `spans` as the decoder must find them: one entry per
/// distinct scope, in the order of its first span, with its spans' ids and
/// names in order. Worked out from the records, not by baton's encoders.
fn expected_scopes(spans: &[SpanData]) -> Vec<(&InstrumentationScope, Vec<&SpanData>)> {
    let mut scopes: Vec<(&InstrumentationScope, Vec<&SpanData>)> = Vec::new();
    for span in spans {
        match scopes.iter_mut().find(|(scope, _)| *scope == span.scope()) {
            Some((_, members)) => members.push(span),
            None => scopes.push((span.scope(), vec![span])),
        }
    }
    scopes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The attributes the decoder must find (this test's are strings and
/// integers), as `[key, {"type", "value"}]` pairs.
fn expected_attributes(out: &mut String, attributes: &[baton::KeyValue]) {
    out.push('[');
    for (i, kv) in attributes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let value = match &kv.value {
            Value::String(s) => format!("{{\"type\":\"string\",\"value\":\"{s}\"}}"),
            Value::I64(n) => format!("{{\"type\":\"int\",\"value\":\"{n}\"}}"),
            other => panic!("a value this test does not use: {other:?}"),
        };
        let _ = write!(out, "[\"{}\",{value}]", kv.key);
    }
    out.push(']');
}

fn expected(resource: &Resource, spans: &[SpanData]) -> String {
    let mut out = String::from("{\"resource\":");
    expected_attributes(&mut out, resource.attributes());
    out.push_str(",\"scopes\":[");
    for (i, (scope, members)) in expected_scopes(spans).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"name\":\"{}\",\"version\":\"{}\",\"schema_url\":\"{}\",\"dropped_attributes\":{},\"attributes\":",
            scope.name(),
            scope.version().unwrap_or_default(),
            scope.schema_url().unwrap_or_default(),
            scope.dropped_attributes_count(),
        );
        expected_attributes(&mut out, scope.attributes());
        out.push_str(",\"spans\":[");
        for (j, span) in members.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "[\"{}\",\"{}\"]",
                hex(&span.span_id().to_bytes()),
                span.name
            );
        }
        out.push_str("]}");
    }
    out.push_str("]}");
    out
}

/// Posts `spans` with `configure` applied; returns the captured request.
fn post(configure: impl FnOnce(OtlpConfig) -> OtlpConfig, spans: &[SpanData]) -> Request {
    let (base, requests) = collector(1);
    let config = configure(
        OtlpConfig::new(&format!("{base}/v1/traces"))
            .unwrap()
            .timeout(Duration::from_secs(10)),
    );
    OtlpExporter::new(config).export(spans).unwrap();
    requests.recv_timeout(Duration::from_secs(10)).unwrap()
}

#[test]
fn one_scope_spans_per_scope_decodes_with_the_opentelemetry_proto_packages() {
    let spans = spans();
    let scopes = expected_scopes(&spans);
    let names: Vec<(&str, Vec<&str>)> = scopes
        .iter()
        .map(|(scope, members)| {
            (
                scope.name(),
                members.iter().map(|s| s.name.as_ref()).collect(),
            )
        })
        .collect();
    // End order: the first span of each scope decides the scope's place.
    assert_eq!(
        names,
        [
            ("db.driver", vec!["query 1", "query 2"]),
            ("baton", vec!["app 2", "app 1"]),
            ("http.client", vec!["fetch"]),
            ("limited", vec!["limited"]),
        ]
    );
    assert_eq!(scopes[3].0.attributes().len(), 128);
    assert_eq!(scopes[3].0.dropped_attributes_count(), 2);

    check_payloads("several", &spans);
    // A batch of one tracer's spans: its one scope is written ahead of
    // them, as baton's own is.
    let db_only: Vec<SpanData> = spans
        .iter()
        .filter(|s| s.scope().name() == "db.driver")
        .cloned()
        .collect();
    check_payloads("one", &db_only);
}

/// Posts `spans` in each encoding, checks the JSON one here, and has the
/// OpenTelemetry decoder check them all when `BATON_OTLP_PYTHON` is set.
fn check_payloads(what: &str, spans: &[SpanData]) {
    let resource = Resource::new("checkout");
    let dir = std::env::temp_dir().join(format!("baton-otlp-scopes-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut payloads: Vec<(String, PathBuf)> = Vec::new();
    for (format, protocol, compression) in [
        ("protobuf", Protocol::HttpProtobuf, Compression::None),
        ("json", Protocol::HttpJson, Compression::None),
        ("protobuf+gzip", Protocol::HttpProtobuf, Compression::Gzip),
        ("json+gzip", Protocol::HttpJson, Compression::Gzip),
    ] {
        let request = post(
            |c| {
                c.resource(resource.clone())
                    .protocol(protocol)
                    .compression(compression)
            },
            spans,
        );
        if format == "json" {
            check_json(request.text(), spans);
        }
        let path = dir.join(format!("payload.{format}"));
        std::fs::write(&path, &request.body).unwrap();
        payloads.push((format.to_owned(), path));
    }
    let expected_path = dir.join("expected.json");
    std::fs::write(&expected_path, expected(&resource, spans)).unwrap();

    let Some(python) = std::env::var_os("BATON_OTLP_PYTHON") else {
        eprintln!("skipped: the decode by opentelemetry-proto (BATON_OTLP_PYTHON is not set)");
        let _ = std::fs::remove_dir_all(&dir);
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/otlp_decode_check.py");
    let output = Command::new(python)
        .arg(script)
        .arg(&expected_path)
        .args(
            payloads
                .iter()
                .map(|(format, path)| format!("{format}:{}", path.display())),
        )
        .output()
        .expect("the Python named by BATON_OTLP_PYTHON runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the OpenTelemetry decoder disagrees ({what}):\n{stderr}{stdout}"
    );
    for (format, _) in &payloads {
        let line = format!(
            "{format}: {} spans decoded, every field as expected",
            spans.len()
        );
        assert!(stdout.contains(&line), "{stdout}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The OTLP/JSON payload, read here: each `ScopeSpans` holds its scope's
/// spans, and baton's scope has its name and version and nothing else.
fn check_json(text: &str, spans: &[SpanData]) {
    let request = json::parse(text).unwrap();
    let scope_spans = request.get("resourceSpans").at(0).get("scopeSpans");
    let scopes = expected_scopes(spans);
    assert_eq!(scope_spans.len(), scopes.len());
    for (i, (scope, members)) in scopes.iter().enumerate() {
        let got = scope_spans.at(i);
        let names: Vec<&str> = (0..got.get("spans").len())
            .map(|j| got.get("spans").at(j).get("name").str())
            .collect();
        let want: Vec<&str> = members.iter().map(|s| s.name.as_ref()).collect();
        assert_eq!(names, want, "scope {i}");
        assert_eq!(got.get("scope").get("name").str(), scope.name());
        assert_eq!(got.has("schemaUrl"), scope.schema_url().is_some());
        if scope.name() == "baton" {
            // As it always was: the name and version, nothing else.
            assert_eq!(
                got.get("scope"),
                &json::parse(&format!(
                    r#"{{"name":"baton","version":"{}"}}"#,
                    env!("CARGO_PKG_VERSION")
                ))
                .unwrap()
            );
        }
        if scope.name() == "db.driver" {
            assert_eq!(
                got.get("schemaUrl").str(),
                "https://opentelemetry.io/schemas/1.26.0"
            );
            assert_eq!(got.get("scope").get("version").str(), "2.1.0");
            assert_eq!(got.get("scope").get("attributes").len(), 2);
        }
        if scope.name() == "limited" {
            let dropped = got.get("scope").get("droppedAttributesCount");
            assert_eq!(dropped.num(), 2.0);
        }
    }
}

//! Each span records the instrumentation scope of the tracer that made it
//! (the OpenTelemetry trace API's `Tracer`): its name, version, schema URL
//! and attributes. A span of `baton::span` has baton's own scope. The scope
//! belongs to the creating tracer, not to the parent, and stays with the
//! span across threads, wrapped jobs and futures. Installs the global
//! pipeline (the in-memory exporter of `common`).

mod common;

use std::sync::OnceLock;

use baton::export::{JsonLinesExporter, SpanExporter};
use baton::{FutureExt, InstrumentationScope, KeyValue, SpanData, TraceId, Tracer};

#[path = "common/json.rs"]
mod json;

fn db() -> &'static Tracer {
    static TRACER: OnceLock<Tracer> = OnceLock::new();
    TRACER.get_or_init(|| {
        baton::tracer("db.driver")
            .version("2.1.0")
            .schema_url("https://opentelemetry.io/schemas/1.26.0")
            .attr("db.system", "postgresql")
            .attr("pool", 4)
            .build()
    })
}

fn http() -> Tracer {
    baton::tracer("http.client").build()
}

/// `name [scope@version]` for each span of the trace, in end order.
fn scopes_of(trace_id: TraceId) -> Vec<String> {
    common::spans_of(trace_id)
        .iter()
        .map(|s| {
            let scope = s.scope();
            match scope.version() {
                Some(v) => format!("{} [{}@{v}]", s.name, scope.name()),
                None => format!("{} [{}]", s.name, scope.name()),
            }
        })
        .collect()
}

fn baton_scope() -> String {
    format!("baton@{}", env!("CARGO_PKG_VERSION"))
}

#[test]
fn spans_record_the_scope_of_their_tracer_not_their_parent() {
    common::exporter();
    let root = baton::span("request").root().start();
    let trace_id = root.trace_id();
    {
        let _request = baton::span("handler").parent(&root.context()).enter();
        db().in_span("query", || {
            // A child of the db tracer's span, made by another tracer, and
            // one made by `baton::span`: each keeps its own scope.
            http().in_span("fetch", || {});
            baton::in_span("parse", || {});
        });
    }
    drop(root);
    let b = baton_scope();
    assert_eq!(
        scopes_of(trace_id),
        [
            "fetch [http.client]".to_owned(),
            format!("parse [{b}]"),
            "query [db.driver@2.1.0]".to_owned(),
            format!("handler [{b}]"),
            format!("request [{b}]"),
        ]
    );
    let spans = common::spans_of(trace_id);
    let query = spans.iter().find(|s| s.name == "query").unwrap();
    let scope = query.scope();
    assert_eq!(
        scope.schema_url(),
        Some("https://opentelemetry.io/schemas/1.26.0")
    );
    assert_eq!(
        scope.attributes(),
        [
            KeyValue::new("db.system", "postgresql"),
            KeyValue::new("pool", 4)
        ]
    );
    assert_eq!(scope, db().scope());
    // The span's own parent is still the span current when it started.
    let handler = spans.iter().find(|s| s.name == "handler").unwrap();
    assert_eq!(query.parent_span_id, Some(handler.span_id()));
    let parse = spans.iter().find(|s| s.name == "parse").unwrap();
    assert_eq!(parse.scope(), InstrumentationScope::baton());
    assert_eq!(parse.parent_span_id, Some(query.span_id()));
}

#[test]
fn the_scope_crosses_threads_wrapped_jobs_and_futures() {
    common::exporter();
    let root = db().span("batch").root().start();
    let trace_id = root.trace_id();
    let cx = root.context();
    let _g = cx.attach();
    // A wrapped job: spans made inside it by each tracer.
    let job = baton::copy_context_to_thread(|| {
        http().in_span("upload", || baton::in_span("chunk", || {}));
    });
    std::thread::spawn(job).join().unwrap();
    // A span started here and ended on another thread.
    let moved = http().span("moved").start();
    std::thread::spawn(move || drop(moved)).join().unwrap();
    // Futures, polled on this thread and on another.
    common::block_on(async {}.in_span(db().span("future here")));
    let fut = async { baton::in_span("inside future", || {}) }.in_span(http().span("future there"));
    std::thread::spawn(move || common::block_on(fut))
        .join()
        .unwrap();
    drop(_g);
    drop(root);
    let b = baton_scope();
    assert_eq!(
        scopes_of(trace_id),
        [
            format!("chunk [{b}]"),
            "upload [http.client]".to_owned(),
            "moved [http.client]".to_owned(),
            "future here [db.driver@2.1.0]".to_owned(),
            format!("inside future [{b}]"),
            "future there [http.client]".to_owned(),
            "batch [db.driver@2.1.0]".to_owned(),
        ]
    );
}

#[test]
fn processors_see_the_scope_before_conversion() {
    // `EndedSpan::scope` of a span made by baton's span path, and of one
    // converted from a `SpanData`.
    common::exporter();
    let span = db().span("seen").root().start();
    let trace_id = span.trace_id();
    drop(span);
    let data: SpanData = common::spans_of(trace_id).remove(0);
    let ended = baton::EndedSpan::from(data.clone());
    assert_eq!(ended.scope(), db().scope());
    assert_eq!(ended.into_data().scope(), db().scope());
}

#[test]
fn json_lines_name_the_scope_and_its_schema_url_on_every_line() {
    common::exporter();
    let root = baton::span("root").root().start();
    let trace_id = root.trace_id();
    let _g = root.context().attach();
    db().in_span("query", || {});
    http().in_span("fetch", || {});
    drop(_g);
    drop(root);
    let mut out = JsonLinesExporter::new(Vec::new());
    out.export(&common::spans_of(trace_id)).unwrap();
    let text = String::from_utf8(out.into_inner()).unwrap();
    // The schema URL, a field of OTLP's `ScopeSpans` beside `scope`, is one
    // of the line too: a line stands alone, so it is lost otherwise.
    let optional =
        |object: &json::Json, key: &str| object.has(key).then(|| object.get(key).str().to_owned());
    let scopes: Vec<(String, Option<String>, usize, Option<String>)> = text
        .lines()
        .map(|line| {
            let span = json::parse(line).unwrap();
            let scope = span.get("scope");
            let attributes = if scope.has("attributes") {
                scope.get("attributes").len()
            } else {
                0
            };
            (
                scope.get("name").str().to_owned(),
                optional(scope, "version"),
                attributes,
                optional(&span, "schemaUrl"),
            )
        })
        .collect();
    let url = "https://opentelemetry.io/schemas/1.26.0".to_owned();
    assert_eq!(
        scopes,
        [
            (
                "db.driver".to_owned(),
                Some("2.1.0".to_owned()),
                2,
                Some(url)
            ),
            ("http.client".to_owned(), None, 0, None),
            (
                "baton".to_owned(),
                Some(env!("CARGO_PKG_VERSION").to_owned()),
                0,
                None
            ),
        ]
    );
}

#[test]
fn tracer_handles_are_cheap_and_shared() {
    fn assert_send_sync_copy<T: Send + Sync + Copy>() {}
    assert_send_sync_copy::<Tracer>();
    assert_eq!(std::mem::size_of::<Tracer>(), std::mem::size_of::<usize>());
    // Two tracers built alike share one scope.
    assert!(std::ptr::eq(http().scope(), http().scope()));
}

#[test]
fn the_console_names_a_tracer_s_scope() {
    use baton::export::ConsoleExporter;
    common::exporter();
    let root = baton::span("root").root().start();
    let trace_id = root.trace_id();
    let _g = root.context().attach();
    db().in_span("query", || {});
    drop(_g);
    drop(root);
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&common::spans_of(trace_id)).unwrap();
    let text = String::from_utf8(console.into_inner()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("  root  internal  "), "{text}");
    assert!(!lines[1].contains("scope="), "{text}");
    assert!(
        lines[2].starts_with("    query  internal  scope=db.driver  "),
        "{text}"
    );
}

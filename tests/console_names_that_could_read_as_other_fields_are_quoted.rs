//! A span name, a custom span type or a scope name that could read as
//! more than one field of the console's line (two spaces, which separate
//! the fields, a `"`, a space at either end), or as none (empty), is
//! quoted, as attribute keys and error descriptions are. Found: the child
//! named `  forged` printed as `      forged`, a grandchild by its
//! indentation; `GET  server` as a span `GET` of kind `server`; an empty
//! name as a span named `internal`; the custom type `llm  ok` and the
//! scope `db  error: timeout` as an ok and an error status. Installs the
//! global pipeline.

mod common;
#[path = "common/span_in_one_trace.rs"]
mod span_in_one_trace;

use span_in_one_trace::span;

use baton::export::{ConsoleExporter, SpanExporter};
use baton::{SpanData, SpanType};

fn print(spans: &[SpanData]) -> String {
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(spans).unwrap();
    String::from_utf8(console.into_inner()).unwrap()
}

#[test]
fn span_names_and_types_that_could_read_as_other_fields_are_quoted() {
    let template = common::record(|| baton::in_span("t", || {})).remove(0);
    let mut typed = span(&template, "typed", 7, Some(1));
    typed.span_type = Some(SpanType::Custom("llm  ok".into()));
    let mut spaced_type = span(&template, "spaced type", 8, Some(1));
    spaced_type.span_type = Some(SpanType::Custom(" tool".into()));
    let spans = [
        span(&template, "root", 1, None),
        span(&template, "  forged", 2, Some(1)),
        span(&template, "GET  server", 3, Some(1)),
        span(&template, "", 4, Some(1)),
        span(&template, "say \"hi\"", 5, Some(1)),
        span(&template, "plain name: ok=1", 6, Some(1)),
        typed,
        spaced_type,
    ];
    let lines: Vec<String> = print(&spans).lines().skip(1).map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "  root  internal  0.0µs",
            "    \"  forged\"  internal  0.0µs",
            "    \"GET  server\"  internal  0.0µs",
            "    \"\"  internal  0.0µs",
            "    \"say \\\"hi\\\"\"  internal  0.0µs",
            "    plain name: ok=1  internal  0.0µs",
            "    typed  internal/\"llm  ok\"  0.0µs",
            "    spaced type  internal/\" tool\"  0.0µs",
        ]
    );
}

#[test]
fn a_scope_name_that_could_read_as_other_fields_is_quoted() {
    let spans = common::record(|| {
        baton::tracer("db  error: timeout")
            .build()
            .in_span("query", || {})
    });
    let text = print(&spans);
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.starts_with("  query  internal  scope=\"db  error: timeout\"  "),
        "{text}"
    );
}

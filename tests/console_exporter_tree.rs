//! The console exporter prints each finished trace as an indented tree,
//! children under parents in start order, with kind, type, status and the
//! first attributes; it holds at most MAX_PENDING_SPANS spans waiting for a
//! root. Installs the global pipeline.

use baton::export::{ConsoleExporter, SpanExporter, MAX_PENDING_SPANS, MAX_SHOWN_ATTRIBUTES};
use baton::{SpanData, SpanKind, SpanType, Status};

mod common;

use common::record;

fn print(spans: &[SpanData]) -> String {
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(spans).unwrap();
    String::from_utf8(console.into_inner()).unwrap()
}

/// The output with each span's duration (its third field) replaced by `D`.
fn without_durations(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut fields: Vec<&str> = line.split("  ").collect();
            let indent = fields.iter().take_while(|f| f.is_empty()).count();
            if fields.len() > indent + 2 {
                fields[indent + 2] = "D";
            }
            fields.join("  ") + "\n"
        })
        .collect()
}

#[test]
fn a_trace_prints_as_an_indented_tree() {
    let spans = record(|| {
        baton::in_span("request", || {
            let _s = baton::session("s-1");
            let _a = baton::span("fetch")
                .kind(SpanKind::Client)
                .attr("url", "/x")
                .enter();
            baton::in_span("parse", || {});
            drop(_a);
            let llm = baton::span("answer").span_type(SpanType::Llm).start();
            llm.set_status(Status::Error {
                description: "rate limited".into(),
            });
        });
    });
    let text = print(&spans);
    let trace = spans[0].trace_id();
    let expected = format!(
        "trace {trace}\n\
         \x20 request  internal  D\n\
         \x20   fetch  client  D  session.id=\"s-1\"  url=\"/x\"\n\
         \x20     parse  internal  D  session.id=\"s-1\"\n\
         \x20   answer  internal/llm  D  error: rate limited  session.id=\"s-1\"\n"
    );
    assert_eq!(without_durations(&text), expected, "{text}");
}

#[test]
fn attributes_past_the_shown_limit_are_counted() {
    let at_limit = record(|| {
        let mut b = baton::span("s");
        for i in 0..MAX_SHOWN_ATTRIBUTES {
            b = b.attr(format!("k{i}"), i as i64);
        }
        drop(b.start());
    });
    assert!(!print(&at_limit).contains("more)"));
    let past = record(|| {
        let mut b = baton::span("s");
        for i in 0..=MAX_SHOWN_ATTRIBUTES {
            b = b.attr(format!("k{i}"), i as i64);
        }
        drop(b.start());
    });
    let text = print(&past);
    assert!(text.contains("k7=7  (+1 more)"), "{text}");
    assert!(!text.contains("k8"));
}

#[test]
fn spans_waiting_for_their_root_are_held_up_to_the_limit_then_printed() {
    let mut spans = record(|| {
        baton::in_span("root", || {
            for _ in 0..=MAX_PENDING_SPANS {
                baton::in_span("child", || {});
            }
        })
    });
    let root = spans.pop().unwrap();
    assert_eq!(root.name, "root");
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&spans[..MAX_PENDING_SPANS]).unwrap();
    console.export(&[]).unwrap();
    let mut console_past = ConsoleExporter::new(Vec::new());
    console_past.export(&spans).unwrap();
    assert_eq!(
        console.pending_spans(),
        MAX_PENDING_SPANS,
        "at the limit, spans wait for their root"
    );
    let printed = String::from_utf8(console_past.into_inner()).unwrap();
    assert_eq!(
        printed.lines().filter(|l| l.contains("child")).count(),
        MAX_PENDING_SPANS + 1
    );
}

/// Regression: a batch holding a local root before its children (the batch
/// processor merges threads' chunks, so a child ended on another thread can
/// follow its root) printed the root alone and held the children back as a
/// second, orphaned tree until the next flush.
#[test]
fn a_root_before_its_children_in_one_batch_prints_one_tree() {
    let mut spans = record(|| baton::in_span("root", || baton::in_span("child", || {})));
    spans.reverse();
    assert_eq!(spans[0].name, "root");
    let trace = spans[0].trace_id();
    let expected = format!(
        "trace {trace}\n\
         \x20 root  internal  D\n\
         \x20   child  internal  D\n"
    );
    assert_eq!(without_durations(&print(&spans)), expected);
}

/// A key or error description that could read as another field of the
/// line is quoted (found: an error description `x  k="v"` printed as an
/// error `x` and an attribute `k`, and a key `a=b` as a key `a`).
#[test]
fn a_key_or_description_that_reads_as_another_field_is_quoted() {
    let spans = record(|| {
        let s = baton::span("s")
            .attr("a=b", 1i64)
            .attr("plain", 2i64)
            .start();
        s.set_status(Status::Error {
            description: "x  k=\"v\"".into(),
        });
    });
    let text = print(&spans);
    assert!(
        text.contains("  error: \"x  k=\\\"v\\\"\"  \"a=b\"=1  plain=2\n"),
        "{text}"
    );
}

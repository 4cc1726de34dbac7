//! Hostile span names and attribute values (control characters, quotes,
//! backslashes, ANSI escapes, U+2028, bidi overrides, non-ASCII) through the
//! console and JSON-lines exporters: JSON stays valid and round-trips the
//! text, the console keeps one span per line with nothing raw that a
//! terminal would act on. Installs the global pipeline.

#[path = "common/json.rs"]
mod json;

use std::sync::{Mutex, OnceLock};

use baton::export::{ConsoleExporter, JsonLinesExporter, SpanExporter};
use baton::SpanData;
use proptest::prelude::*;

fn memory() -> &'static baton::InMemoryExporter {
    static MEMORY: OnceLock<baton::InMemoryExporter> = OnceLock::new();
    MEMORY.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        std::mem::forget(baton::init(baton::Config::new().exporter(memory.clone())).unwrap());
        memory
    })
}

static SERIAL: Mutex<()> = Mutex::new(());

/// The attribute key holding `value`: the value itself after a letter, as
/// an attribute key is never empty (an empty one is discarded).
fn key_of(value: &str) -> String {
    format!("k{value}")
}

/// A root span and a child named `name`, the child with `value` as an
/// attribute (keyed [`key_of`] it).
fn record(name: &str, value: &str) -> Vec<SpanData> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let memory = memory();
    memory.take();
    baton::in_span("root", || {
        let child = baton::span(name.to_owned())
            .attr(key_of(value), value.to_owned())
            .start();
        child.set_status(baton::Status::Error {
            description: value.to_owned().into(),
        });
    });
    memory.take()
}

fn jsonl(spans: &[SpanData]) -> String {
    let mut out = JsonLinesExporter::new(Vec::new());
    out.export(spans).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

fn console(spans: &[SpanData]) -> String {
    let mut out = ConsoleExporter::new(Vec::new());
    out.export(spans).unwrap();
    String::from_utf8(out.into_inner()).unwrap()
}

fn check(name: &str, value: &str) {
    let spans = record(name, value);
    assert_eq!(spans.len(), 2);

    let text = jsonl(&spans);
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), 3, "two lines and a final newline: {text:?}");
    assert_eq!(lines[2], "");
    let child = json::parse(lines[0]).unwrap_or_else(|e| panic!("{e}: {:?}", lines[0]));
    assert_eq!(child.get("name").str(), name);
    let attr = child.get("attributes").attribute(&key_of(value)).unwrap();
    assert_eq!(attr.get("stringValue").str(), value);
    assert_eq!(child.get("status").get("message").str(), value);
    for line in &lines[..2] {
        assert!(
            !line.contains(['\u{2028}', '\u{2029}']),
            "JavaScript line separators escaped"
        );
    }

    let tree = console(&spans);
    assert_eq!(tree.lines().count(), 3, "header, root, child: {tree:?}");
    let terminal_active = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    assert!(
        !tree.chars().any(terminal_active),
        "raw control in {tree:?}"
    );
    assert!(
        tree.lines().nth(2).unwrap().starts_with("    "),
        "the child is indented under the root"
    );
}

macro_rules! hostile {
    ($($test:ident: $name:expr, $value:expr;)*) => {$(
        #[test]
        fn $test() {
            check($name, $value);
        }
    )*};
}

hostile! {
    quotes_and_backslashes: "say \"hi\" \\ bye", "C:\\path\\\"x\"";
    newlines_and_tabs: "line1\nline2\r\n\tend", "a\nb";
    nul_and_c0_controls: "\u{0}\u{1}\u{1f}", "\u{7}\u{8}\u{b}\u{c}";
    ansi_escape: "\u{1b}[31mred\u{1b}[0m", "\u{1b}]0;title\u{7}";
    del_and_c1: "\u{7f}\u{80}\u{9b}31m", "\u{85}next line";
    javascript_line_separators: "a\u{2028}b\u{2029}c", "\u{2028}";
    bidi_overrides: "admin\u{202e}txt.exe", "\u{2066}x\u{2069}";
    unicode_text: "日本語 🚀 é", "ß∑💥";
    empty_strings: "", "";
    json_lookalike: "\"},{\"name\":\"evil", "\"]}";
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_name_and_value_survive(name in any::<String>(), value in any::<String>()) {
        check(&name, &value);
    }
}

#[test]
fn extreme_numbers_follow_the_proto3_json_mapping() {
    let spans = {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let memory = memory();
        memory.take();
        drop(
            baton::span("numbers")
                .attr("nan", f64::NAN)
                .attr("inf", f64::INFINITY)
                .attr("-inf", f64::NEG_INFINITY)
                .attr("tiny", 5e-324)
                .attr("huge", 1e300)
                .attr("min", i64::MIN)
                .attr("max", i64::MAX)
                .start(),
        );
        memory.take()
    };
    let text = jsonl(&spans);
    let span = json::parse(text.trim_end()).unwrap();
    let attrs = span.get("attributes");
    let double = |k: &str| attrs.attribute(k).unwrap().get("doubleValue").clone();
    assert_eq!(double("nan"), json::Json::String("NaN".into()));
    assert_eq!(double("inf"), json::Json::String("Infinity".into()));
    assert_eq!(double("-inf"), json::Json::String("-Infinity".into()));
    assert_eq!(double("tiny").num(), 5e-324);
    assert_eq!(double("huge").num(), 1e300);
    let int = |k: &str| attrs.attribute(k).unwrap().get("intValue").str().to_owned();
    assert_eq!(int("min"), i64::MIN.to_string());
    assert_eq!(int("max"), i64::MAX.to_string());
}

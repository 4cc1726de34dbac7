//! An attribute value cut to the value length limit or replaced with the
//! empty value past the depth limit (on the span, an event or a link) is
//! reported with what the span discarded: one `LimitExceeded` report per
//! span, counting the values cut; a value at the limit loses nothing and is
//! not reported, while an empty array past the depth is replaced like any
//! other (`[]` becomes null) and reported. Found: the cuts were silent, so a
//! value arrived shortened with nothing saying so. Installs the global
//! pipeline and the diagnostic handler.

use std::sync::Mutex;

use baton::{DiagnosticKind, InMemoryExporter, KeyValue, SpanLimits, Value};

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn limit_reports() -> Vec<String> {
    std::mem::take(&mut *REPORTS.lock().unwrap())
}

#[test]
fn values_cut_by_the_limits_are_reported_once_per_span() {
    baton::set_diagnostic_handler(Box::new(|d| {
        if d.kind == DiagnosticKind::LimitExceeded {
            REPORTS.lock().unwrap().push(d.message.to_string());
        }
    }))
    .unwrap();
    let memory = InMemoryExporter::default();
    let limits = SpanLimits {
        max_attribute_value_length: Some(3),
        max_attribute_value_depth: 1,
        ..SpanLimits::default()
    };
    let config = baton::Config::new()
        .span_limits(limits)
        .exporter(memory.clone());
    std::mem::forget(baton::init(config).unwrap());
    let target = baton::span("target").start();
    let nested = |inner: Vec<i64>| Value::from(vec![KeyValue::new("inner", inner)]);

    // At the limits: nothing lost, nothing reported.
    baton::span("within")
        .attr("s", "abc")
        .attr("utf8", "日本語")
        .attr("bytes", &b"abc"[..])
        .attr("strings", vec!["abc", "de"])
        .attr("at the depth", vec![KeyValue::new("inner", 1)])
        .start()
        .end();
    assert_eq!(limit_reports(), Vec::<String>::new());

    // Each cut on its own is reported.
    let cases: [(&str, &dyn Fn() -> baton::Span); 7] = [
        ("string", &|| baton::span("s").attr("s", "abcd").start()),
        ("bytes", &|| {
            baton::span("b").attr("b", &b"abcd"[..]).start()
        }),
        ("string array", &|| {
            baton::span("a").attr("a", vec!["ab", "abcd"]).start()
        }),
        ("past the depth", &|| {
            baton::span("d").attr("d", nested(vec![1])).start()
        }),
        ("empty past the depth", &|| {
            baton::span("d").attr("d", nested(Vec::new())).start()
        }),
        ("event attribute", &|| {
            let s = baton::span("e").start();
            s.add_event("e", vec![KeyValue::new("k", "abcd")]);
            s
        }),
        ("link attribute", &|| {
            baton::span("l")
                .link(
                    target.span_context().clone(),
                    vec![KeyValue::new("k", "abcd")],
                )
                .start()
        }),
    ];
    for (what, start) in cases {
        start().end();
        let reports = limit_reports();
        assert_eq!(reports.len(), 1, "{what}: {reports:?}");
        assert!(
            reports[0].contains("cut 1 attribute value(s)"),
            "{what}: {reports:?}"
        );
    }

    // Everything at once: one report, every cut counted.
    let busy = baton::span("busy")
        .attr("s", "abcdef")
        .attr("a", vec!["abcd", "efgh"])
        .attr("d", nested(vec![1, 2]))
        .start();
    busy.add_event("e", vec![KeyValue::new("k", "abcd")]);
    busy.end();
    let reports = limit_reports();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].contains("cut 4 attribute value(s)"),
        "{reports:?}"
    );
    let exported = memory.take();
    let busy = exported.iter().find(|s| s.name == "busy").unwrap();
    assert_eq!(busy.attribute("s"), Some(&Value::from("abc")));
    assert_eq!(busy.attribute("a"), Some(&Value::from(vec!["abc", "efg"])));
    assert_eq!(
        busy.attribute("d"),
        Some(&Value::from(vec![KeyValue::new("inner", Value::Empty)]))
    );
}

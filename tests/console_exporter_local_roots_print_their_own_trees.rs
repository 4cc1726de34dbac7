//! Two local roots of one trace in one process (two requests of the same
//! trace to one service, or a queue consumer in its producer's trace) are
//! printed by the console exporter as two trees, each with its own spans.
//! Found: the first to end took every held span of the trace, the other
//! request's children included (printed as orphans under the wrong
//! request), and the second printed alone. Installs the global pipeline.

use std::collections::HashMap;

use baton::export::{ConsoleExporter, SpanExporter};
use baton::SpanKind;

#[test]
fn each_local_root_prints_with_its_own_children() {
    let spans = baton::InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    let incoming = HashMap::from([(
        "traceparent".to_string(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
    )]);
    let remote = baton::extract_context(&incoming);
    let first = baton::span("GET /a")
        .kind(SpanKind::Server)
        .parent(&remote)
        .start();
    let second = baton::span("GET /b")
        .kind(SpanKind::Server)
        .parent(&remote)
        .start();
    drop(baton::span("a child").parent(&first.context()).start());
    drop(baton::span("b child").parent(&second.context()).start());
    drop(first);
    drop(second);
    let ended = spans.take();
    let names: Vec<&str> = ended.iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["a child", "b child", "GET /a", "GET /b"]);

    let mut console = ConsoleExporter::new(Vec::new());
    for span in &ended[..3] {
        console.export(std::slice::from_ref(span)).unwrap();
    }
    assert_eq!(console.pending_spans(), 1, "b child waits for GET /b");
    console.export(&ended[3..]).unwrap();
    assert_eq!(console.pending_spans(), 0);
    let text = String::from_utf8(console.into_inner()).unwrap();
    let shape: Vec<String> = text
        .lines()
        .map(|l| match l.strip_prefix("trace ") {
            Some(header) => format!("trace {}", &header[..4]),
            None => {
                let name = l.trim_start();
                let indent = l.len() - name.len();
                format!("{:indent$}{}", "", name.split("  ").next().unwrap())
            }
        })
        .collect();
    assert_eq!(
        shape,
        [
            "trace 4bf9",
            "  GET /a",
            "    a child",
            "trace 4bf9",
            "  GET /b",
            "    b child",
        ],
        "{text}"
    );
}

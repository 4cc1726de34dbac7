//! A span that ends after its trace's local root was printed (a span
//! started with `start()` that outlives its parent) is printed by the
//! console exporter at once, headed `AFTER_ROOT`, for the last
//! `MAX_REMEMBERED_TRACES` traces printed. Found: it was held until the
//! next flush (or until `MAX_PENDING_SPANS` piled up) and then printed under
//! `ROOT_NOT_ENDED`, though its root had ended and been printed. Installs
//! the global pipeline.

use baton::export::{
    ConsoleExporter, SpanExporter, AFTER_ROOT, MAX_REMEMBERED_TRACES, ROOT_NOT_ENDED,
};
use baton::{SpanContext, SpanData, SpanId, TraceId};

fn record(f: impl FnOnce()) -> Vec<SpanData> {
    static MEMORY: std::sync::OnceLock<baton::InMemoryExporter> = std::sync::OnceLock::new();
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let memory = MEMORY.get_or_init(|| {
        let memory = baton::InMemoryExporter::default();
        std::mem::forget(baton::init(baton::Config::new().exporter(memory.clone())).unwrap());
        memory
    });
    memory.take();
    f();
    memory.take()
}

/// A root, and its child ended after it, each alone in its batch.
fn root_then_late_child() -> (SpanData, SpanData) {
    let mut child = None;
    let root = record(|| {
        let root = baton::span("root").start();
        child = Some(baton::span("late").parent(&root.context()).start());
    });
    let late = record(|| drop(child));
    assert_eq!((root.len(), late.len()), (1, 1));
    (
        root.into_iter().next().unwrap(),
        late.into_iter().next().unwrap(),
    )
}

/// `n` roots of traces of their own, copies of `root` with new ids.
fn other_roots(root: &SpanData, n: usize) -> Vec<SpanData> {
    (0..n)
        .map(|_| {
            let mut other = root.clone();
            other.span_context = SpanContext::new(
                TraceId::random(),
                SpanId::random(),
                root.span_context.flags(),
            );
            other
        })
        .collect()
}

#[test]
fn a_span_ending_after_its_printed_root_is_printed_at_once() {
    let (root, late) = root_then_late_child();
    let trace = root.trace_id();
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&[root]).unwrap();
    console.export(&[late]).unwrap();
    assert_eq!(console.pending_spans(), 0, "nothing waits for a flush");
    let text = String::from_utf8(console.into_inner()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], format!("trace {trace}"));
    assert!(lines[1].starts_with("  root  internal  "), "{text}");
    assert_eq!(lines[2], format!("trace {trace}{AFTER_ROOT}"));
    assert!(lines[3].starts_with("  late  internal  "), "{text}");
    assert!(!text.contains(ROOT_NOT_ENDED), "{text}");
}

#[test]
fn the_last_max_remembered_traces_are_remembered() {
    let (root, late) = root_then_late_child();
    // The root's trace is the oldest of MAX_REMEMBERED_TRACES printed: kept.
    let mut console = ConsoleExporter::new(std::io::sink());
    console.export(std::slice::from_ref(&root)).unwrap();
    console
        .export(&other_roots(&root, MAX_REMEMBERED_TRACES - 1))
        .unwrap();
    console.export(std::slice::from_ref(&late)).unwrap();
    assert_eq!(console.pending_spans(), 0);

    // One more trace printed since: forgotten, the span waits for a root.
    let mut console = ConsoleExporter::new(Vec::new());
    console.export(std::slice::from_ref(&root)).unwrap();
    console
        .export(&other_roots(&root, MAX_REMEMBERED_TRACES))
        .unwrap();
    console.export(std::slice::from_ref(&late)).unwrap();
    assert_eq!(console.pending_spans(), 1);
    let text = String::from_utf8(console.into_inner()).unwrap();
    assert!(
        text.contains(&format!(
            "trace {}{ROOT_NOT_ENDED}\n  late  ",
            late.trace_id()
        )),
        "printed when the exporter is taken apart"
    );
}

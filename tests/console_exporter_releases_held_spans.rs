//! Spans the console exporter holds while their local root has not ended
//! are printed, headed `ROOT_NOT_ENDED`, when the exporter is taken apart
//! (`into_inner`) or dropped; those the writer fails to take are counted as
//! `SpanDropped`. Regression: `into_inner` and drop discarded them, counted
//! nowhere. Installs the global pipeline; reads a diagnostic counter.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use baton::export::{ConsoleExporter, SpanExporter, ROOT_NOT_ENDED};
use baton::{diagnostic_count, DiagnosticKind, SpanData};

/// Two children of a root that has not ended (and a root trace apart).
fn children_of_an_open_root() -> Vec<SpanData> {
    let memory = baton::InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    let root = baton::span("open root").start();
    for name in ["first", "second"] {
        drop(baton::span(name).parent(&root.context()).start());
    }
    let spans = memory.take();
    std::mem::forget(root);
    spans
}

/// A writer whose bytes the test can read after the exporter is gone, or
/// one that fails every write.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>, bool);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.1 {
            return Err(io::Error::other("disk full"));
        }
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn assert_printed_as_orphans(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("trace "), "{text}");
    assert!(lines[0].ends_with(ROOT_NOT_ENDED), "{text}");
    assert!(lines[1].starts_with("  first  internal  "), "{text}");
    assert!(lines[2].starts_with("  second  internal  "), "{text}");
}

#[test]
fn held_spans_survive_into_inner_drop_and_failing_writers() {
    let spans = children_of_an_open_root();
    assert_eq!(spans.len(), 2);

    let mut console = ConsoleExporter::new(Vec::new());
    console.export(&spans).unwrap();
    assert_eq!(console.pending_spans(), 2);
    assert_printed_as_orphans(&String::from_utf8(console.into_inner()).unwrap());

    let out = Shared::default();
    let mut console = ConsoleExporter::new(out.clone());
    console.export(&spans).unwrap();
    assert!(
        out.0.lock().unwrap().is_empty(),
        "held until their root ends"
    );
    drop(console);
    assert_printed_as_orphans(&String::from_utf8(out.0.lock().unwrap().clone()).unwrap());

    let dropped = diagnostic_count(DiagnosticKind::SpanDropped);
    let mut console = ConsoleExporter::new(Shared(Arc::default(), true));
    console.export(&spans).unwrap();
    drop(console);
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), dropped + 1);
    let mut console = ConsoleExporter::new(Shared(Arc::default(), true));
    console.export(&spans).unwrap();
    drop(console.into_inner());
    assert_eq!(diagnostic_count(DiagnosticKind::SpanDropped), dropped + 2);
}

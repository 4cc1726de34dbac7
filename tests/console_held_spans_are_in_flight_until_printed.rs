//! The console exporter holds a span until its local root ends, then prints
//! the tree. A processor counts a held span in flight, not exported; a tree
//! whose write failed as failed, whichever batch its spans came in; and a
//! flush accounts for what it prints or loses of the held spans.
//!
//! Bug: a held span counted as exported before it was printed, and a failed
//! write counted the batch that ended the tree as failed, not the spans the
//! tree lost (a child held from an earlier batch stayed "exported").
//! Installs the global pipeline (to record spans), so it runs in a process
//! of its own.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ConsoleExporter, ExportError, SimpleProcessor, SpanProcessor,
};
use baton::SpanData;

/// A writer that fails every write while `failing` is set.
#[derive(Clone, Default)]
struct Switch(Arc<AtomicBool>);

impl Write for Switch {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.load(Ordering::SeqCst) {
            true => Err(io::Error::new(io::ErrorKind::BrokenPipe, "console gone")),
            false => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A child, then its root, as they end. Recorded once, through one
/// pipeline installed for the process: the tests run in parallel, and a
/// second install while one is in place fails.
fn child_and_root() -> (SpanData, SpanData) {
    static ENDED: OnceLock<(SpanData, SpanData)> = OnceLock::new();
    ENDED
        .get_or_init(|| {
            let spans = baton::InMemoryExporter::default();
            let guard = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
            let root = baton::span("request").start();
            drop(baton::span("db").parent(&root.context()).start());
            drop(root);
            drop(guard);
            let mut ended = spans.take();
            assert_eq!(ended.len(), 2);
            let root = ended.pop().unwrap();
            (ended.pop().unwrap(), root)
        })
        .clone()
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(60)
}

#[test]
fn a_held_span_is_in_flight_until_its_tree_is_printed() {
    let (child, root) = child_and_root();
    let processor = SimpleProcessor::new(ConsoleExporter::new(Switch::default()));
    processor.on_end(child);
    let s = processor.stats();
    assert_eq!((s.exported, s.in_flight), (0, 1), "{s:?}");
    processor.on_end(root);
    let s = processor.stats();
    assert_eq!((s.exported, s.failed, s.in_flight), (2, 0, 0), "{s:?}");
}

#[test]
fn a_failed_write_loses_the_tree_held_spans_included() {
    let (child, root) = child_and_root();
    let failing = Switch::default();
    let processor = SimpleProcessor::new(ConsoleExporter::new(failing.clone()));
    processor.on_end(child);
    failing.0.store(true, Ordering::SeqCst);
    processor.on_end(root);
    let s = processor.stats();
    assert_eq!((s.exported, s.failed, s.in_flight), (0, 2, 0), "{s:?}");
    assert!(matches!(
        processor.force_flush(later()),
        Err(ExportError::Undelivered { .. })
    ));
}

#[test]
fn a_flush_counts_the_held_spans_it_prints_or_loses() {
    let (child, _) = child_and_root();
    for fails in [false, true] {
        let failing = Switch(Arc::new(AtomicBool::new(fails)));
        let processor = SimpleProcessor::new(ConsoleExporter::new(failing));
        processor.on_end(child.clone());
        let flushed = processor.force_flush(later());
        let s = processor.stats();
        assert_eq!(
            (s.exported, s.failed, s.in_flight),
            (u64::from(!fails), u64::from(fails), 0),
            "{s:?}"
        );
        assert_eq!(flushed.is_err(), fails, "{flushed:?}");
    }
    // The batch processor too: the child, held by its export, lost by the
    // flush's write.
    let processor = BatchProcessor::new(
        ConsoleExporter::new(Switch(Arc::new(AtomicBool::new(true)))),
        BatchConfig::default(),
    );
    processor.on_end(child);
    let flushed = processor.force_flush(later());
    let s = processor.stats();
    assert_eq!((s.exported, s.failed, s.in_flight), (0, 1, 0), "{s:?}");
    assert!(
        matches!(flushed, Err(ExportError::Undelivered { .. })),
        "{flushed:?}"
    );
}

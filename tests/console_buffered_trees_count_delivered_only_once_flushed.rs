//! The console exporter over a writer that buffers (`BufWriter`) counts a
//! printed tree's spans as delivered only once the writer is flushed: each
//! export flushes what it printed, and a flush that fails reports those
//! spans lost, never exported.
//!
//! Bug (found with the JSON-lines one, export probe of session 21): a tree
//! in the writer's buffer counted as delivered, so when the buffer's final
//! write failed its spans were reported exported. Installs the global
//! pipeline (to record the fixture's span), so it runs in a process of its
//! own.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::io::{self, BufWriter, Write};

use baton::export::{ConsoleExporter, SimpleProcessor, SpanExporter, SpanProcessor};

/// Fails every write, as a closed pipe does.
struct Refusing;

impl Write for Refusing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::BrokenPipe, "pipe closed"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_root_whose_flush_fails_is_lost() {
    // The fixture's span is a root: printed by the export that takes it.
    let mut exporter = ConsoleExporter::new(BufWriter::new(Refusing));
    let error = exporter.export(&[batch_fixture::span()]).unwrap_err();
    assert_eq!(error.spans_lost(1), 1, "{error}");
    assert!(error.to_string().contains("pipe closed"), "{error}");

    let processor = SimpleProcessor::new(ConsoleExporter::new(BufWriter::new(Refusing)));
    processor.on_end(batch_fixture::span());
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.failed), (0, 1), "{stats:?}");
}

#[test]
fn each_export_reaches_the_writer_under_the_buffer() {
    let mut exporter = ConsoleExporter::new(BufWriter::new(Vec::new()));
    exporter.export(&[batch_fixture::span()]).unwrap();
    let out = exporter.into_inner();
    assert!(out.buffer().is_empty(), "nothing left in the buffer");
    let text = String::from_utf8_lossy(out.get_ref());
    assert!(text.contains("work"), "{text}");
}

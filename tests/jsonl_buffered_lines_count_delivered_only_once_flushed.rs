//! The JSON-lines exporter over a writer that buffers (`BufWriter`, or any
//! `Write` that keeps what it is given until flushed) counts a line as
//! delivered only once it is flushed: each export flushes, and a flush
//! that fails reports the lines it held lost, never exported.
//!
//! Bug (export probe, session 21): a line in the writer's buffer counted
//! as delivered, so when the buffer's final write failed those spans were
//! reported exported. Installs the global pipeline (to record the
//! fixture's span), so it runs in a process of its own.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, JsonLinesExporter, SimpleProcessor, SpanExporter,
    SpanProcessor,
};

/// Fails every write, as a full disk or a closed pipe does.
struct Refusing;

impl Write for Refusing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Takes what it is given into a buffer, and fails when flushed.
fn buffered() -> BufWriter<Refusing> {
    BufWriter::new(Refusing)
}

#[test]
fn an_export_whose_flush_fails_loses_its_lines() {
    let mut exporter = JsonLinesExporter::new(buffered());
    let batch = vec![batch_fixture::span(); 3];
    let error = exporter.export(&batch).unwrap_err();
    assert_eq!(error.spans_lost(3), 3, "{error}");
    assert!(error.to_string().contains("disk full"), "{error}");
}

#[test]
fn each_export_reaches_the_writer_under_the_buffer() {
    let mut exporter = JsonLinesExporter::new(BufWriter::new(Vec::new()));
    exporter.export(&[batch_fixture::span()]).unwrap();
    let out = exporter.into_inner();
    assert_eq!(out.get_ref().iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(out.buffer().is_empty(), "nothing left in the buffer");
}

#[test]
fn both_processors_count_the_lines_a_failed_flush_held_as_failed() {
    let simple = SimpleProcessor::new(JsonLinesExporter::new(buffered()));
    simple.on_end(batch_fixture::span());
    let stats = simple.stats();
    assert_eq!((stats.exported, stats.failed), (0, 1), "{stats:?}");

    let batch = BatchProcessor::new(JsonLinesExporter::new(buffered()), BatchConfig::default());
    for _ in 0..2 {
        batch.on_end(batch_fixture::span());
    }
    let flushed = batch.force_flush(Instant::now() + Duration::from_secs(60));
    let stats = batch.stats();
    assert_eq!((stats.exported, stats.failed), (0, 2), "{stats:?}");
    assert!(
        matches!(flushed, Err(ExportError::Undelivered { .. })),
        "{flushed:?}"
    );
}

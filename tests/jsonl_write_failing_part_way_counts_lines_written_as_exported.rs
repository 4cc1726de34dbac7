//! A JSON-lines write that fails part-way delivered the lines written in
//! full before the failure: those count as exported, only the rest (the
//! cut line and those after it) as failed, and the error says how many of
//! the batch were delivered.
//!
//! Bug: the whole batch counted as failed, though the lines written in
//! full had been delivered. Installs the global pipeline (to record the
//! fixture's span), so it runs in a process of its own.

#[path = "common/batch_fixture.rs"]
mod batch_fixture;

use std::io::{self, Write};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, ExportError, JsonLinesExporter, SpanExporter, SpanProcessor,
};

/// Takes `budget` bytes, then fails every write.
struct Budget(usize);

impl Write for Budget {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 == 0 {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        let n = buf.len().min(self.0);
        self.0 -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The length of the line the fixture's span is written as, its LF included.
fn line_len() -> usize {
    let mut exporter = JsonLinesExporter::new(Vec::new());
    exporter.export(&[batch_fixture::span()]).unwrap();
    exporter.into_inner().len()
}

#[test]
fn the_lines_written_in_full_are_delivered_and_the_rest_lost() {
    let line = line_len();
    let batch = vec![batch_fixture::span(); 3];
    // Cut inside the third line, just before its LF, and inside the first.
    for (budget, delivered) in [(2 * line + 10, 2), (3 * line - 1, 2), (10, 0)] {
        let mut exporter = JsonLinesExporter::new(Budget(budget));
        let error = exporter.export(&batch).unwrap_err();
        assert_eq!(error.spans_lost(3), 3 - delivered, "{budget}: {error}");
        assert!(error.to_string().contains("disk full"), "{error}");
        if delivered > 0 {
            assert_eq!(
                error,
                ExportError::PartlyDelivered {
                    delivered,
                    reason: "writing JSON lines: disk full".into()
                }
            );
        }
    }
}

#[test]
fn a_batch_processor_counts_the_delivered_lines_as_exported() {
    let line = line_len();
    let processor = BatchProcessor::new(
        JsonLinesExporter::new(Budget(2 * line + 10)),
        BatchConfig::default(),
    );
    for _ in 0..3 {
        processor.on_end(batch_fixture::span());
    }
    let flushed = processor.force_flush(Instant::now() + Duration::from_secs(60));
    let stats = processor.stats();
    assert_eq!((stats.exported, stats.failed), (2, 1), "{stats:?}");
    // The loss is reported, never taken for success.
    assert!(
        matches!(flushed, Err(ExportError::Undelivered { .. })),
        "{flushed:?}"
    );
}

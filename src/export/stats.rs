//! `BatchStats`: what a processor did with the spans it was given.

/// What a processor did with the spans it was given so far.
///
/// Whenever it is read, `produced == exported + dropped + failed +
/// in_flight`: a span is either delivered, lost for a reason that is
/// counted, or still held (queued, or inside an export that has not
/// returned — also one abandoned at a deadline).
///
/// ```
/// use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};
/// let processor = BatchProcessor::new(baton::InMemoryExporter::default(), BatchConfig::default());
/// let s = processor.stats();
/// assert_eq!(s.produced, s.exported + s.dropped + s.failed + s.in_flight);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchStats {
    /// Spans handed to the processor.
    pub produced: u64,
    /// Spans the exporter accepted.
    pub exported: u64,
    /// Spans never offered to the exporter: the queue was full, the
    /// processor was shut down, or a shutdown deadline passed first. A
    /// span that ends after the pipeline [`init`](crate::init) installed
    /// shut down never reaches the processor, and is not here: the
    /// pipeline drops it, reports it as `span-dropped` and counts it in
    /// [`dropped_spans`](crate::export::dropped_spans).
    pub dropped: u64,
    /// Spans in exports that failed, panicked or were refused.
    pub failed: u64,
    /// Spans still held: queued, or in an export that has not returned.
    pub in_flight: u64,
}

impl BatchStats {
    /// Spans not (yet) delivered: `produced - exported`.
    pub fn undelivered(&self) -> u64 {
        self.produced.saturating_sub(self.exported)
    }
}

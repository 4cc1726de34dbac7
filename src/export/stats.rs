//! `BatchStats`: what a processor did with the spans it was given.

/// What a processor did with the spans it was given so far.
///
/// Whenever it is read, `produced == exported + dropped + failed +
/// in_flight`: a span is either delivered, lost for a reason that is
/// counted, or still held (queued, or inside an export that has not
/// returned — also one abandoned at a deadline); and `reported <= dropped +
/// failed`.
///
/// ```
/// use baton::export::{BatchConfig, BatchProcessor, SpanProcessor};
/// let processor = BatchProcessor::new(baton::InMemoryExporter::default(), BatchConfig::default());
/// let s = processor.stats();
/// assert_eq!(s.produced, s.exported + s.dropped + s.failed + s.in_flight);
/// assert!(s.reported <= s.dropped + s.failed);
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
    /// Of `dropped + failed`, the spans reported as a diagnostic when they
    /// were lost: an export that lost them (`export-failed`), spans an
    /// exporter still held when shut down (`export-failed`), spans handed
    /// to a processor shut down (`span-dropped`), those a simple processor
    /// could not hand to its exporter (`span-dropped`), and the first drop
    /// at a full batch queue (`span-dropped`). The others (later drops at
    /// a full queue; spans a shutdown's deadline dropped or failed) only a
    /// flush's or shutdown's answer says, or the report a dropped
    /// [`PipelineGuard`](crate::PipelineGuard) makes of its shutdown's
    /// answer, which says only those.
    pub reported: u64,
}

impl BatchStats {
    /// Spans not (yet) delivered: `produced - exported`.
    pub fn undelivered(&self) -> u64 {
        self.produced.saturating_sub(self.exported)
    }

    /// The counters of two processors as one, field by field, as a
    /// [`FanOut`](crate::export::FanOut) reports its processors': the
    /// identity holds for the sum since it holds for each. Saturating, so
    /// that a sum never wraps round to a small count; not `impl Add`, which
    /// would promise the ordinary (overflowing) `+`.
    pub(crate) fn saturating_add(self, other: BatchStats) -> BatchStats {
        BatchStats {
            produced: self.produced.saturating_add(other.produced),
            exported: self.exported.saturating_add(other.exported),
            dropped: self.dropped.saturating_add(other.dropped),
            failed: self.failed.saturating_add(other.failed),
            in_flight: self.in_flight.saturating_add(other.in_flight),
            reported: self.reported.saturating_add(other.reported),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BatchStats;

    #[test]
    fn a_sum_adds_field_by_field_and_saturates() {
        let one = BatchStats {
            produced: 7,
            exported: 3,
            dropped: 2,
            failed: 1,
            in_flight: 1,
            reported: 2,
        };
        let full = BatchStats {
            produced: u64::MAX,
            ..one
        };
        let two = BatchStats {
            produced: 14,
            exported: 6,
            dropped: 4,
            failed: 2,
            in_flight: 2,
            reported: 4,
        };
        assert_eq!(one.saturating_add(one), two);
        assert_eq!(full.saturating_add(one).produced, u64::MAX);
    }
}

//! The spans of one export, on their way from the batch worker to the
//! export thread and, emptied, back.

use crate::ended_span::EndedSpan;

/// Spans taken from the queue for one export, in the chunks threads handed
/// them over in: whole chunks move between threads, not their spans. The
/// export thread empties the chunks; the queue takes them back for reuse.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) chunks: Vec<Vec<EndedSpan>>,
}

impl Batch {
    /// Spans in the batch.
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }
}

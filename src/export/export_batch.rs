//! The spans of one export, on their way from the batch worker to the
//! export thread and, emptied, back.

use crate::ended_span::EndedSpan;
use crate::export::span_lane::PackedSpan;
use crate::export::span_names::names;
use crate::export::span_slots::SpanSlots;

/// Spans one thread handed over together: as they ended, or as the words
/// of its lane.
pub(crate) enum Chunk {
    Spans(Vec<EndedSpan>),
    Packed(Vec<PackedSpan>),
}

impl Chunk {
    /// Spans in the chunk.
    pub(crate) fn len(&self) -> usize {
        match self {
            Chunk::Spans(spans) => spans.len(),
            Chunk::Packed(spans) => spans.len(),
        }
    }
}

/// Spans taken from the queue for one export, in the chunks threads handed
/// them over in: whole chunks move between threads, not their spans. The
/// export thread empties the chunks; the queue takes them back for reuse.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) chunks: Vec<Chunk>,
}

impl Batch {
    /// Spans in the batch.
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Chunk::len).sum()
    }

    /// Converts every span into the next of `slots`, in order, emptying
    /// the chunks.
    pub(crate) fn drain_into(&mut self, slots: &mut SpanSlots) {
        for chunk in &mut self.chunks {
            match chunk {
                Chunk::Spans(spans) => spans
                    .drain(..)
                    .for_each(|span| span.write_into(slots.next())),
                Chunk::Packed(spans) => {
                    let names = names();
                    spans
                        .drain(..)
                        .for_each(|span| span.write_into(&names, slots.next()));
                }
            }
        }
    }
}

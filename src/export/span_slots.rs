//! The spans of one export as the exporter takes them, written into slots
//! that the export thread keeps from one export to the next.

use crate::span_data::SpanData;

/// Spans converted for one export. A slot outlives its span: after the
/// export the span is [released](SpanData::release), which drops only what
/// it owns, and the next span is written over it. Dropped and built anew
/// for every span, each cost the export thread four calls into drop glue
/// and a full write of every field.
///
/// Holds at most as many slots as the largest export.
#[derive(Default)]
pub(crate) struct SpanSlots {
    slots: Vec<SpanData>,
    /// Slots holding this export's spans, from the first.
    filled: usize,
}

impl SpanSlots {
    /// The next slot, released, for a span to be written over.
    #[inline(always)]
    pub(crate) fn next(&mut self) -> &mut SpanData {
        if self.filled == self.slots.len() {
            self.slots.push(SpanData::BLANK);
        }
        let slot = &mut self.slots[self.filled];
        self.filled += 1;
        slot
    }

    /// This export's spans, in the order they were written.
    pub(crate) fn spans(&self) -> &[SpanData] {
        &self.slots[..self.filled]
    }

    /// Lets go of what this export's spans own; their slots stay.
    pub(crate) fn release(&mut self) {
        self.slots[..self.filled]
            .iter_mut()
            .for_each(SpanData::release);
        self.filled = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span_data::{Status, KEPT_ATTRIBUTE_ROOM};
    use crate::value::KeyValue;

    #[test]
    fn a_slot_written_again_shows_only_its_new_span() {
        let mut slots = SpanSlots::default();
        let mut full = SpanData::minimal();
        full.name = "owned".to_owned().into();
        full.attributes.push(KeyValue::new("k", 1));
        full.status = Status::Error {
            description: "bad".into(),
        };
        *slots.next() = full.clone();
        assert_eq!(slots.spans(), [full]);
        slots.release();
        assert!(slots.spans().is_empty());

        let bare = SpanData::minimal();
        let slot = slots.next();
        slot.set_bare(
            bare.name.clone(),
            bare.span_context.clone(),
            bare.parent_is_remote,
            bare.kind,
            bare.start_unix_nanos,
            bare.end_unix_nanos,
        );
        assert_eq!(slots.spans(), [bare]);
        assert_eq!(slots.slots.len(), 1, "the slot was reused");
    }

    #[test]
    fn a_released_slot_keeps_the_room_of_a_short_attribute_list_only() {
        for (len, kept) in [
            (KEPT_ATTRIBUTE_ROOM, true),
            (KEPT_ATTRIBUTE_ROOM + 1, false),
        ] {
            let mut slots = SpanSlots::default();
            let mut span = SpanData::minimal();
            span.attributes = (0..len).map(|i| KeyValue::new("k", i as i64)).collect();
            span.attributes.shrink_to_fit();
            *slots.next() = span;
            slots.release();
            let slot = &slots.slots[0];
            assert!(slot.attributes.is_empty());
            assert_eq!(slot.attributes.capacity(), if kept { len } else { 0 });
        }
    }
}

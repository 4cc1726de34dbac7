//! One thread's plain spans on their way to a batch processor's queue: a
//! ring of atomic words that the thread fills without a lock, read out as
//! words and turned into [`SpanData`] only on the export thread.
//!
//! A slot's lock made each span visible to a flush called on any thread,
//! and cost two locked instructions per span, each waiting for the span's
//! stores to drain: perf put the lock at three fifths of the batch
//! processor's share of a root span, and a tenth of the span. Safe code can
//! share a value without a lock only as atomic words, so a span that is
//! nothing but words (see [`PlainParts`]) is written as [`WORDS`] of them
//! with plain stores, and one release store publishes it. Whoever holds
//! the slot's lock reads the lane, so that readers never race each other;
//! the thread itself does when a chunk is due.

use std::array;
use std::borrow::Cow;
use std::num::{NonZeroU128, NonZeroU64};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::{span_since_anchor, unix_nanos_after_anchor};
use crate::ended_span::PlainParts;
use crate::export::span_names::{NameCache, Names};
use crate::id::{SpanId, TraceId};
use crate::local_batch::{Linger, THREAD_CHUNK_SIZE};
use crate::span_context::{SpanContext, TraceFlags};
use crate::span_data::{SpanData, SpanKind};

/// Spans a lane holds: a chunk, which is when its thread hands them over.
const LANE_SPANS: usize = THREAD_CHUNK_SIZE;

/// Words per span: trace id (2), span id, parent span id, end, duration,
/// and one for the flags, kind and name.
const WORDS: usize = 7;

pub(crate) struct Lane {
    /// A span's words at a time: indexed by span, with the span's place
    /// taken modulo the array's length, a read or a write of one takes no
    /// bounds check (taking a full lane cost its thread 46 instructions a
    /// span as a flat slice of words, callgrind). The index is written out
    /// in `push` and `take`: through a shared helper the root span ran one
    /// instruction more (callgrind, both profiles).
    spans: Box<[[AtomicU64; WORDS]; LANE_SPANS]>,
    /// Spans written; stored only by the owning thread.
    tail: AtomicU64,
    /// Spans read; stored only under the slot's lock.
    head: AtomicU64,
}

impl Default for Lane {
    fn default() -> Self {
        Lane {
            spans: Box::new(array::from_fn(|_| array::from_fn(|_| AtomicU64::new(0)))),
            tail: AtomicU64::new(0),
            head: AtomicU64::new(0),
        }
    }
}

/// A span read out of a lane, as the words its thread wrote.
pub(crate) struct PackedSpan([u64; WORDS]);

/// What became of a span offered to a lane.
pub(crate) enum Pushed {
    /// Written; nothing else to do.
    Kept,
    /// Written, and the lane holds a chunk or has lingered: hand it over.
    Due,
    /// Not written (the lane is full, or the span's end or name does not
    /// fit the words): it takes the slot's lock.
    Refused,
}

/// The owning thread's side of a lane.
#[derive(Default)]
pub(crate) struct LaneWriter {
    linger: Linger,
    names: NameCache,
}

fn kind_code(kind: SpanKind) -> u64 {
    match kind {
        SpanKind::Internal => 0,
        SpanKind::Server => 1,
        SpanKind::Client => 2,
        SpanKind::Producer => 3,
        SpanKind::Consumer => 4,
    }
}

fn kind_of(code: u64) -> SpanKind {
    match code {
        1 => SpanKind::Server,
        2 => SpanKind::Client,
        3 => SpanKind::Producer,
        4 => SpanKind::Consumer,
        _ => SpanKind::Internal,
    }
}

const PARENT_IS_REMOTE: u64 = 1 << 11;
const REMOTE: u64 = 1 << 12;
const DEBUG: u64 = 1 << 13;
const DEFERRED: u64 = 1 << 14;

fn bit(set: bool, bit: u64) -> u64 {
    if set {
        bit
    } else {
        0
    }
}

impl LaneWriter {
    /// Writes `span` into `lane`; `chunk`: spans that make the lane due.
    #[inline]
    pub(crate) fn push(&mut self, lane: &Lane, span: &PlainParts<'_>, chunk: usize) -> Pushed {
        // Only this thread stores the tail; readers move the head up to it.
        let tail = lane.tail.load(Ordering::Relaxed);
        let held = tail - lane.head.load(Ordering::Acquire);
        if held >= LANE_SPANS as u64 {
            return Pushed::Refused;
        }
        let Some(words) = self.encode(span) else {
            return Pushed::Refused;
        };
        let slots = &lane.spans[(tail % LANE_SPANS as u64) as usize];
        for i in 0..WORDS {
            slots[i].store(words[i], Ordering::Relaxed);
        }
        lane.tail.store(tail + 1, Ordering::Release);
        let lingered = self.linger.passed(held == 0, span.end, span.end);
        if lingered || held + 1 >= chunk as u64 {
            Pushed::Due
        } else {
            Pushed::Kept
        }
    }

    #[inline]
    fn encode(&mut self, span: &PlainParts<'_>) -> Option<[u64; WORDS]> {
        let ids = span.span_context;
        // Ids are never zero: stored less one, they read back without a
        // check (see `write_into`).
        let trace = ids.trace_id().to_u128() - 1;
        let (end, duration) = span_since_anchor(span.start, span.end)?;
        let name = self.names.place(span.name)?;
        let misc = u64::from(ids.flags().bits())
            | kind_code(span.kind) << 8
            | bit(span.parent_is_remote, PARENT_IS_REMOTE)
            | bit(ids.is_remote(), REMOTE)
            | bit(ids.is_debug(), DEBUG)
            | bit(ids.is_deferred(), DEFERRED)
            | u64::from(name) << 32;
        Some([
            (trace >> 64) as u64,
            trace as u64,
            ids.span_id().to_u64() - 1,
            ids.parent_span_id().map_or(0, SpanId::to_u64),
            end,
            duration,
            misc,
        ])
    }
}

impl Lane {
    /// Spans waiting in it.
    pub(crate) fn len(&self) -> usize {
        (self.tail.load(Ordering::Acquire) - self.head.load(Ordering::Relaxed)) as usize
    }

    /// Empties it, for a thread that takes the slot next.
    pub(crate) fn reset(&self) {
        self.tail.store(0, Ordering::Relaxed);
        self.head.store(0, Ordering::Relaxed);
    }

    /// Takes the `count` oldest spans (at most [`len`](Lane::len)), copying
    /// the first `keep` of them into `into`. Called only under the slot's
    /// lock.
    pub(crate) fn take(&self, count: usize, keep: usize, into: &mut Vec<PackedSpan>) {
        let head = self.head.load(Ordering::Relaxed);
        into.extend((head..head + keep.min(count) as u64).map(|n| {
            let words = &self.spans[(n % LANE_SPANS as u64) as usize];
            PackedSpan(array::from_fn(|i| words[i].load(Ordering::Relaxed)))
        }));
        self.head.store(head + count as u64, Ordering::Release);
    }
}

impl PackedSpan {
    /// The span as exporters take it, written over `slot`, a
    /// [released](SpanData::release) span. `names`: the list the lane's
    /// writer took its name's place from.
    // Inlined, so that the export thread writes each span straight into
    // its slot (see `EndedSpan::write_into`).
    #[inline(always)]
    pub(crate) fn write_into(self, names: &Names, slot: &mut SpanData) {
        let [hi, lo, span, parent, end, duration, misc] = self.0;
        let trace = NonZeroU128::MIN.saturating_add(u128::from(hi) << 64 | u128::from(lo));
        let span_id = SpanId::from_nonzero(NonZeroU64::MIN.saturating_add(span));
        let span_context = SpanContext::new(
            TraceId::from_nonzero(trace),
            span_id,
            TraceFlags::from_bits(misc as u8),
        )
        .with_parent_span_id(SpanId::from_u64(parent))
        .with_remote(misc & REMOTE != 0)
        .with_debug(misc & DEBUG != 0)
        .with_deferred(misc & DEFERRED != 0);
        let end_unix_nanos = unix_nanos_after_anchor(end);
        slot.set_bare(
            Cow::Borrowed(names.get((misc >> 32) as u32)),
            span_context,
            misc & PARENT_IS_REMOTE != 0,
            kind_of(misc >> 8 & 0b111),
            end_unix_nanos.saturating_sub(duration),
            end_unix_nanos,
        );
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::clock::{fix_anchor, nanos_since_anchor, unix_nanos_at};
    use crate::export::span_names::names;
    use crate::local_batch::THREAD_CHUNK_LINGER;

    fn ids(trace: u128, span: u64, flags: u8) -> SpanContext {
        SpanContext::new(
            TraceId::from_u128(trace).unwrap(),
            SpanId::from_u64(span).unwrap(),
            TraceFlags::from_bits(flags),
        )
    }

    fn parts<'a>(span_context: &'a SpanContext, start: Instant, end: Instant) -> PlainParts<'a> {
        PlainParts {
            span_context,
            name: "lane test",
            start,
            end,
            kind: SpanKind::Internal,
            parent_is_remote: false,
        }
    }

    /// Everything written, read back as `SpanData`.
    fn read_all(lane: &Lane) -> Vec<SpanData> {
        let mut packed = Vec::new();
        lane.take(lane.len(), lane.len(), &mut packed);
        let names = names();
        let read = |p: PackedSpan| {
            let mut data = SpanData::BLANK;
            p.write_into(&names, &mut data);
            data
        };
        packed.into_iter().map(read).collect()
    }

    #[test]
    fn every_field_reads_back_as_the_span_ended() {
        fix_anchor();
        let start = Instant::now();
        let end = start + Duration::new(2, 345_678_901);
        let kinds = [
            SpanKind::Internal,
            SpanKind::Server,
            SpanKind::Client,
            SpanKind::Producer,
            SpanKind::Consumer,
        ];
        let contexts: Vec<SpanContext> = (0..kinds.len())
            .map(|i| {
                let odd = i % 2 == 1;
                // The extreme ids, and flags with a bit no spec defines.
                let (trace, span) = if odd { (u128::MAX, 1) } else { (1, u64::MAX) };
                ids(trace, span, if odd { 0x09 } else { 0x02 })
                    .with_parent_span_id(SpanId::from_u64(i as u64))
                    .with_remote(odd)
                    .with_debug(!odd)
                    .with_deferred(odd)
            })
            .collect();
        let lane = Lane::default();
        let mut writer = LaneWriter::default();
        for (i, (span_context, kind)) in contexts.iter().zip(kinds).enumerate() {
            let span = PlainParts {
                kind,
                parent_is_remote: i % 2 == 0,
                name: ["a", "b", "c", "d", "e"][i],
                ..parts(span_context, start, end)
            };
            assert!(matches!(writer.push(&lane, &span, 64), Pushed::Kept));
        }
        let read = read_all(&lane);
        assert_eq!(read.len(), kinds.len());
        for (i, data) in read.iter().enumerate() {
            assert_eq!(data.span_context, contexts[i], "span {i}");
            assert_eq!(data.parent_span_id, contexts[i].parent_span_id());
            assert_eq!(data.kind, kinds[i]);
            assert_eq!(data.parent_is_remote, i % 2 == 0);
            assert_eq!(data.name, ["a", "b", "c", "d", "e"][i]);
            assert_eq!(data.start_unix_nanos, unix_nanos_at(start));
            assert_eq!(data.end_unix_nanos, unix_nanos_at(end));
            assert!(data.attributes.is_empty() && data.events.is_empty() && data.links.is_empty());
        }
    }

    #[test]
    fn a_lane_is_due_at_a_chunk_and_refuses_what_it_has_no_room_for() {
        fix_anchor();
        let now = Instant::now();
        let span_context = ids(7, 7, 1);
        let span = parts(&span_context, now, now);
        let lane = Lane::default();
        let mut writer = LaneWriter::default();
        let pushed: Vec<bool> = (0..4)
            .map(|_| matches!(writer.push(&lane, &span, 4), Pushed::Due))
            .collect();
        assert_eq!(pushed, [false, false, false, true]);
        // Not handed over, it fills up, and then refuses.
        for _ in 4..LANE_SPANS {
            assert!(matches!(writer.push(&lane, &span, 4), Pushed::Due));
        }
        assert!(matches!(writer.push(&lane, &span, 4), Pushed::Refused));
        assert_eq!(lane.len(), LANE_SPANS);
        // Emptied, it takes spans again, where it left off in the ring.
        assert_eq!(read_all(&lane).len(), LANE_SPANS);
        assert!(matches!(writer.push(&lane, &span, 4), Pushed::Kept));
        assert_eq!(read_all(&lane).len(), 1);
    }

    #[test]
    fn a_lane_whose_first_span_lingered_is_due() {
        fix_anchor();
        let first = Instant::now();
        let later = first + THREAD_CHUNK_LINGER;
        let span_context = ids(7, 7, 1);
        let lane = Lane::default();
        let mut writer = LaneWriter::default();
        assert!(matches!(
            writer.push(&lane, &parts(&span_context, first, first), 64),
            Pushed::Kept
        ));
        assert!(matches!(
            writer.push(&lane, &parts(&span_context, first, later), 64),
            Pushed::Due
        ));
    }

    #[test]
    fn an_end_before_the_anchor_is_refused_and_take_lets_go_of_what_it_does_not_keep() {
        fix_anchor();
        let now = Instant::now();
        let before = now
            .checked_sub(
                Duration::from_nanos(nanos_since_anchor(now).unwrap()) + Duration::from_secs(1),
            )
            .unwrap();
        let span_context = ids(7, 7, 1);
        let lane = Lane::default();
        let mut writer = LaneWriter::default();
        assert!(matches!(
            writer.push(&lane, &parts(&span_context, before, before), 64),
            Pushed::Refused
        ));
        assert_eq!(lane.len(), 0);
        for _ in 0..3 {
            let _ = writer.push(&lane, &parts(&span_context, now, now), 64);
        }
        let mut kept = Vec::new();
        lane.take(3, 1, &mut kept);
        assert_eq!((kept.len(), lane.len()), (1, 0));
    }
}

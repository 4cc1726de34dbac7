//! A span as the pipeline receives it when it ends: small, and with its
//! times still raw.
//!
//! Building the 256-byte [`SpanData`] (two clock conversions, every field
//! written out) on the thread that ends the span cost it about a fifth of
//! its span path, and moving the result through the pipeline several
//! copies. An `EndedSpan` is the span's ids, name and record with the end
//! `Instant`, about half that size; whoever needs the `SpanData` converts
//! it, which the batch processor does on its export thread.

use std::borrow::Cow;
use std::time::Instant;

use crate::clock::instant_at;
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_context::SpanContext;
use crate::span_data::{SpanData, SpanKind};
use crate::span_record::Record;
use crate::value::Str;

/// A span that has ended, on its way to a
/// [`SpanProcessor`](crate::export::SpanProcessor).
///
/// Convert it with [`into_data`](EndedSpan::into_data); a [`SpanData`] made
/// elsewhere converts into one with `From`.
///
/// ```
/// use std::time::Duration;
/// use baton::{EndedSpan, InMemoryExporter};
///
/// let memory = InMemoryExporter::default();
/// let pipeline = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
/// baton::in_span("job", || {});
/// pipeline.shutdown(Duration::from_secs(1)).unwrap();
/// let data = memory.take().remove(0);
///
/// let ended = EndedSpan::from(data.clone());
/// assert_eq!(ended.name(), "job");
/// assert_eq!(ended.into_data(), data);
/// ```
pub struct EndedSpan(Ended);

enum Ended {
    /// Ended by baton's span path: converted on demand.
    Recorded(Recorded),
    /// Made by other code; boxed, so that the usual variant stays small.
    Data(Box<SpanData>),
}

/// In the order written, so that every field starts on an 8-byte boundary
/// as the span's parts do where it is built. Laid out by the compiler, the
/// span context followed the end time's 4-byte nanoseconds, and moving the
/// record read it in 16-byte pieces 4 bytes off the 16-byte pieces just
/// written: a store-forwarding stall that perf put at a tenth of a child
/// span's end.
#[repr(C)]
struct Recorded {
    span_context: SpanContext,
    name: Str,
    record: Record,
    end: Instant,
}

/// The parts of a recorded span that a lane of atomic words can carry: it
/// has a static name, an empty tracestate and nothing out of line (no
/// attributes, events, links, status, type, explicit start or tracer's
/// scope).
pub(crate) struct PlainParts<'a> {
    pub(crate) span_context: &'a SpanContext,
    pub(crate) name: &'static str,
    pub(crate) start: Instant,
    pub(crate) end: Instant,
    pub(crate) kind: SpanKind,
    pub(crate) parent_is_remote: bool,
}

impl<'a> PlainParts<'a> {
    /// The parts of the span `span_context` and `name` name, whose `record`
    /// ends at `end`; `None` unless it is plain.
    #[inline(always)]
    pub(crate) fn of(
        span_context: &'a SpanContext,
        name: &'a Str,
        record: &Record,
        end: Instant,
    ) -> Option<PlainParts<'a>> {
        let (Cow::Borrowed(name), true) = (name, span_context.trace_state().is_empty()) else {
            return None;
        };
        let (start, kind, parent_is_remote) = record.plain_parts()?;
        Some(PlainParts {
            span_context,
            name,
            start,
            end,
            kind,
            parent_is_remote,
        })
    }
}

impl EndedSpan {
    /// `record`, ended at `end`. Its attributes, events and links must
    /// already be cut to the limits ([`Record::cut`]).
    pub(crate) fn new(span_context: SpanContext, name: Str, record: Record, end: Instant) -> Self {
        EndedSpan(Ended::Recorded(Recorded {
            span_context,
            name,
            record,
            end,
        }))
    }

    /// The span's ids, flags and tracestate.
    pub fn span_context(&self) -> &SpanContext {
        match &self.0 {
            Ended::Recorded(r) => &r.span_context,
            Ended::Data(data) => &data.span_context,
        }
    }

    /// The span name: the last given to `update_name`, if any.
    pub fn name(&self) -> &str {
        match &self.0 {
            // A new name stays in the record, off the span's end path.
            Ended::Recorded(r) => r.record.renamed().unwrap_or(&r.name),
            Ended::Data(data) => &data.name,
        }
    }

    /// The instrumentation scope the span was recorded in (see
    /// [`SpanData::scope`]).
    ///
    /// ```
    /// use baton::{EndedSpan, InMemoryExporter};
    /// let memory = InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(memory.clone())).unwrap();
    /// baton::tracer("my.library").build().in_span("job", || {});
    /// let ended = EndedSpan::from(memory.take().remove(0));
    /// assert_eq!(ended.scope().name(), "my.library");
    /// ```
    pub fn scope(&self) -> &InstrumentationScope {
        match &self.0 {
            Ended::Recorded(r) => r.record.scope(),
            Ended::Data(data) => data.scope(),
        }
    }

    /// When the span ended, on the monotonic clock.
    // Inline: where the crate was split into units apart from its caller
    // (the thread's batch), it was a call (callgrind: 6 instructions of a
    // child span, default profile).
    #[inline]
    pub(crate) fn end_instant(&self) -> Instant {
        match &self.0 {
            Ended::Recorded(r) => r.end,
            Ended::Data(data) => instant_at(data.end_unix_nanos),
        }
    }

    /// The finished span, with unix-nanosecond times, as exporters take it.
    #[inline]
    pub fn into_data(self) -> SpanData {
        let mut data = SpanData::BLANK;
        self.write_into(&mut data);
        data
    }

    /// [`into_data`](Self::into_data), written over `slot`, a
    /// [released](SpanData::release) span.
    // Inlined, with `Record::finish_into`, so that the export thread writes
    // each span straight into its slot: called, it was built on the stack
    // and copied there with `memcpy` (about 40 instructions per span).
    #[inline(always)]
    pub(crate) fn write_into(self, slot: &mut SpanData) {
        match self.0 {
            Ended::Recorded(Recorded {
                span_context,
                name,
                record,
                end,
            }) => record.finish_into(span_context, name, end, slot),
            Ended::Data(data) => *slot = *data,
        }
    }
}

impl From<SpanData> for EndedSpan {
    fn from(data: SpanData) -> Self {
        EndedSpan(Ended::Data(Box::new(data)))
    }
}

impl std::fmt::Debug for EndedSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndedSpan")
            .field("name", &self.name())
            .field("span_context", self.span_context())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{SpanId, TraceId};
    use crate::span_context::TraceFlags;
    use crate::span_limits::SpanLimits;

    /// An ended span moves twice on its way into a batch slot. At 128 bytes
    /// or less each move is copied inline rather than by a `memcpy` call;
    /// the span context's 56 bytes (see `TraceId`) are what keep it there.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn an_ended_span_moves_inline() {
        assert_eq!(std::mem::size_of::<SpanContext>(), 56);
        assert!(std::mem::size_of::<EndedSpan>() <= 128);
    }

    #[test]
    fn a_renamed_span_ends_with_its_new_name() {
        let limits = SpanLimits::default();
        let mut record = Record::start(
            SpanKind::Internal,
            false,
            &limits,
            None,
            &crate::baggage::Baggage::EMPTY,
            Vec::new(),
            false,
        );
        record.rename("second".into());
        let ids = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
        let ended = EndedSpan::new(ids, "first".into(), record, Instant::now());
        assert_eq!(ended.name(), "second");
        assert_eq!(ended.into_data().name, "second");
    }
}

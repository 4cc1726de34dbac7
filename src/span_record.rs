//! The record of a recording span, filled in place from start to end.
//!
//! A record is small: the start `Instant`, the kind and one pointer. What a
//! span holds only sometimes (attributes, events, links, a status, a type,
//! an explicit start time, a tracer's scope) lives out of line and is allocated the first
//! time it is needed, so a plain span allocates nothing; a span started in
//! a session and given nothing else points to the session's baggage, and
//! allocates nothing either. Times stay raw
//! `Instant`s until the record becomes a [`SpanData`].

use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::attribute_limits::{limit_record, limit_span_type, report_discarded, KeyPlaces};
use crate::baggage::{Baggage, SESSION_KEY};
use crate::clock::{unix_nanos_at, unix_nanos_span};
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_context::SpanContext;
use crate::span_data::{
    drop_parts, Event, Link, SpanData, SpanKind, SpanType, Status, KEPT_ATTRIBUTE_ROOM,
};
use crate::span_limits::SpanLimits;
use crate::spare_boxes::{Own, SpareBoxes};
use crate::value::{drop_list, Array, KeyValue, Str, Value};

// In this order: laid out by the compiler, the part that says what is out
// of line came first, and the start's 8- and 4-byte stores were read back
// in one 16-byte load as the record was copied into the span, and stalled
// (perf; the peer benchmark's root span took about 3 ns longer).
#[repr(C)]
pub(crate) struct Record {
    start: Instant,
    out: Out,
}

/// A record's kind, whether its parent is remote, and what it holds out of
/// line. One enum with the two small fields in each variant, not four
/// fields: it takes 16 bytes, as the kind, the flag and an extras pointer
/// did. With the session's baggage as a fourth field the record took 40,
/// an ended span and a [`Span`](crate::Span) 136 bytes, past the 128 that a
/// move copies inline, and a child span ran 142 instructions more, in
/// `memcpy` calls (callgrind, LTO).
///
/// A span started in a session with nothing else to record keeps the
/// session's baggage (a reference count) rather than a copy of the id in
/// an attribute list: that was three allocations on the span's thread (the
/// extras, the list, the id), freed on the export thread, and made a root
/// span in a session about three times as long as one in no session.
enum Out {
    /// Nothing: the usual record.
    Plain {
        kind: SpanKind,
        parent_is_remote: bool,
    },
    /// The baggage of a span started in a session, whose `session.id`
    /// attribute is still to be made: made when the record needs its
    /// extras, or else where it becomes a [`SpanData`]. Only a record
    /// with nothing else out of line keeps it (see [`Record::start`]).
    Session {
        kind: SpanKind,
        parent_is_remote: bool,
        baggage: Baggage,
    },
    /// Anything else out of line (see [`Extras`]).
    Extras {
        kind: SpanKind,
        parent_is_remote: bool,
        extras: Box<Extras>,
    },
}

/// What only some spans have; a span builder fills the same box.
#[derive(Default)]
pub(crate) struct Extras {
    /// The name given by the last `update_name`, which the span ends with.
    name: Option<Str>,
    pub(crate) span_type: Option<SpanType>,
    pub(crate) start_unix_nanos: Option<u64>,
    end_unix_nanos: Option<u64>,
    pub(crate) attributes: Vec<KeyValue>,
    dropped_attributes_count: u32,
    attribute_places: KeyPlaces,
    events: Vec<Event>,
    dropped_events_count: u32,
    pub(crate) links: Vec<Link>,
    dropped_links_count: u32,
    status: Status,
    /// Attribute values the limits cut (see [`Record::cut`]), reported
    /// with what they dropped.
    cut_values: u64,
    /// A tracer's scope; `None` is baton's own. Kept here, out of line,
    /// a span of baton's scope pays nothing for it.
    pub(crate) scope: Option<&'static InstrumentationScope>,
    /// The span started while its thread unwound a panic (cleanup code in
    /// a `Drop` recording its work): that panic did not pass through it.
    /// Out of line, as it is rare.
    started_unwinding: bool,
}

thread_local! {
    static OWN_SPARE_EXTRAS: Own<Extras> = const { RefCell::new(Vec::new()) };
}

/// Extras the export thread is done with, for spans to fill again (see
/// [`spare_boxes`](crate::spare_boxes)). Each keeps the room of an
/// attribute list, up to [`KEPT_ATTRIBUTE_ROOM`] attributes (about 0.5 KiB
/// in all, so 1 MiB for all the shared ones): a builder given a few
/// attributes then allocates nothing.
static SPARE_EXTRAS: SpareBoxes<Extras> = SpareBoxes::new(&OWN_SPARE_EXTRAS);

impl Extras {
    /// Empty extras: a spare, or new.
    pub(crate) fn new_box() -> Box<Extras> {
        SPARE_EXTRAS.take()
    }

    /// Hands extras whose lists were taken out back for a later span: as
    /// `Extras::default()` leaves them, but for the room of the attribute
    /// list if it is empty, within [`KEPT_ATTRIBUTE_ROOM`].
    fn give_back(mut self: Box<Extras>) {
        let mut attributes = std::mem::take(&mut self.attributes);
        // Empty as a released slot leaves it; anything else is no room.
        if attributes.capacity() > KEPT_ATTRIBUTE_ROOM || !attributes.is_empty() {
            drop_list(std::mem::take(&mut attributes));
        }
        // The lists are empty: dropping what is left drops no values.
        *self = Extras::default();
        self.attributes = attributes;
        SPARE_EXTRAS.give(self);
    }

    /// [`Record::cut`] for a record with extras.
    fn cut(&mut self, limits: impl FnOnce() -> SpanLimits) {
        // A span out of line only for its start or tracer's scope has
        // nothing to cut: the limits are not read.
        if self.span_type.is_none()
            && self.attributes.is_empty()
            && self.events.is_empty()
            && self.links.is_empty()
        {
            return;
        }
        let limits = limits();
        self.cut_values = limit_record(
            &mut self.attributes,
            &mut self.events,
            &mut self.links,
            &limits,
        ) + limit_span_type(
            &mut self.span_type,
            &self.attributes,
            &mut self.dropped_attributes_count,
            &limits,
        );
    }
}

/// Whatever holds them (a builder dropped unstarted, a span that records
/// nothing or ended, a record the pipeline never took), the values go
/// one level at a time (see [`drop_list`]): dropped whole, a value nested
/// deeper than the stack could follow overflowed it and aborted the
/// process. Only a span with something out of line pays for this.
impl Drop for Extras {
    fn drop(&mut self) {
        drop_parts(
            std::mem::take(&mut self.attributes),
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.links),
        );
    }
}

/// Pushes `item` unless `items` holds `max`; past it, `item` is counted in
/// `dropped` and goes to `discard`, which drops its attribute values
/// without recursion (see [`drop_list`]): nothing cuts them to the depth
/// limit.
fn push_bounded<T>(
    items: &mut Vec<T>,
    dropped: &mut u32,
    max: usize,
    item: T,
    discard: impl FnOnce(T),
) {
    if items.len() < max {
        items.push(item);
    } else {
        *dropped = dropped.saturating_add(1);
        discard(item);
    }
}

impl Record {
    /// A record started now in `baggage`, taking over a builder's
    /// `extras`, while its thread unwinds a panic or not (see
    /// `panic_hook::span_starts_unwinding`). Attributes are set in this
    /// order, each within the limits: the session's (`session.id`, when
    /// `baggage` carries a session), the sampler's, the builder's.
    ///
    /// A span with nothing else to take in, whose session id the limits
    /// keep whole, keeps `baggage` (see [`Out::Session`]).
    // Always: `begin`, which calls it, is a large function inlined into
    // its callers, and past a size the inliner left this a call (peer
    // benchmark: 3 % of a child span's samples in the call itself).
    #[inline(always)]
    pub(crate) fn start(
        kind: SpanKind,
        parent_is_remote: bool,
        limits: &SpanLimits,
        extras: Option<Box<Extras>>,
        baggage: &Baggage,
        from_sampler: Vec<KeyValue>,
        unwinding: bool,
    ) -> Record {
        let start = Instant::now();
        // Most spans have no baggage: asked first, that is a load, not a
        // call.
        let session = if baggage.is_empty() {
            None
        } else {
            baggage.session_id()
        };
        let plain = extras.is_none() && from_sampler.is_empty() && !unwinding;
        if plain && session.is_none() {
            // Forgotten, not dropped: they own nothing, and their drop was
            // a call each that checked them again (perf, the peer
            // benchmark's child span).
            std::mem::forget(extras);
            drop_list(from_sampler);
            // Its own value, not the one below that `take_in` borrows: that
            // one lives in memory, where the caller read it back right after
            // it was written in pieces, and stalled (perf).
            return Record {
                start,
                out: Out::Plain {
                    kind,
                    parent_is_remote,
                },
            };
        }
        // A return of its own, not one record for both with its part out
        // of line chosen first: that record was built on the stack and
        // copied into the span, and stalled (perf: a plain root span 2 to
        // 3 ns longer in the peer benchmark).
        if plain && session.is_some_and(|id| keeps_whole(limits, id)) {
            std::mem::forget(extras);
            drop_list(from_sampler);
            return Record {
                start,
                out: Out::Session {
                    kind,
                    parent_is_remote,
                    baggage: baggage.clone(),
                },
            };
        }
        let out = match extras {
            Some(extras) => Out::Extras {
                kind,
                parent_is_remote,
                extras,
            },
            None => Out::Plain {
                kind,
                parent_is_remote,
            },
        };
        let mut record = Record { start, out };
        record.take_in(limits, session, from_sampler);
        if unwinding {
            record.extras().started_unwinding = true;
        }
        record
    }

    fn take_in(&mut self, limits: &SpanLimits, session: Option<&str>, from_sampler: Vec<KeyValue>) {
        let extras = self.extras();
        let from_builder = std::mem::take(&mut extras.attributes);
        if extras.links.len() > limits.max_links {
            let dropped = extras.links.len() - limits.max_links;
            extras.dropped_links_count = u32::try_from(dropped).unwrap_or(u32::MAX);
            for link in extras.links.drain(limits.max_links..) {
                drop_list(link.attributes);
            }
        }
        if let Some(id) = session {
            self.set_attribute(limits, session_attribute(id));
        }
        for given in [from_sampler, from_builder] {
            // Most spans have none from one side or the other: asked first,
            // an empty list costs a load (callgrind: 65 instructions of a
            // tracer's root span).
            if given.is_empty() {
                drop_list(given);
                continue;
            }
            let extras = self.extras();
            extras.attribute_places.set_all(
                &mut extras.attributes,
                &mut extras.dropped_attributes_count,
                limits.max_attributes,
                given,
            );
        }
    }

    /// When the span started (its clock reading).
    pub(crate) fn started_at(&self) -> Instant {
        self.start
    }

    /// Whether the span started while its thread unwound a panic.
    pub(crate) fn started_unwinding(&self) -> bool {
        self.extras_ref().is_some_and(|e| e.started_unwinding)
    }

    /// The start, kind and whether the parent is remote, for a record with
    /// nothing out of line and no session.
    #[inline]
    pub(crate) fn plain_parts(&self) -> Option<(Instant, SpanKind, bool)> {
        match self.out {
            Out::Plain {
                kind,
                parent_is_remote,
            } => Some((self.start, kind, parent_is_remote)),
            _ => None,
        }
    }

    /// The kind, and whether the parent is remote.
    fn kind(&self) -> (SpanKind, bool) {
        match self.out {
            Out::Plain {
                kind,
                parent_is_remote,
            }
            | Out::Session {
                kind,
                parent_is_remote,
                ..
            }
            | Out::Extras {
                kind,
                parent_is_remote,
                ..
            } => (kind, parent_is_remote),
        }
    }

    fn extras_ref(&self) -> Option<&Extras> {
        match &self.out {
            Out::Extras { extras, .. } => Some(extras),
            _ => None,
        }
    }

    /// The extras, made if the record has none yet.
    fn extras(&mut self) -> &mut Extras {
        if !matches!(self.out, Out::Extras { .. }) {
            self.make_extras();
        }
        match &mut self.out {
            Out::Extras { extras, .. } => extras,
            Out::Plain { .. } | Out::Session { .. } => unreachable!("made above"),
        }
    }

    /// Gives the record extras, with the attribute of a session it kept
    /// (see [`Out::Session`]): its first, as `start` would have set it,
    /// which found that the limits keep it whole.
    #[cold]
    fn make_extras(&mut self) {
        let (kind, parent_is_remote) = self.kind();
        let mut extras = Extras::new_box();
        if let Out::Session { baggage, .. } = &self.out {
            extras
                .attributes
                .extend(baggage.session_id().map(session_attribute));
        }
        self.out = Out::Extras {
            kind,
            parent_is_remote,
            extras,
        };
    }

    /// Sets `kv` (see [`crate::attribute_limits::set_attribute`]).
    pub(crate) fn set_attribute(&mut self, limits: &SpanLimits, kv: KeyValue) {
        let extras = self.extras();
        extras.attribute_places.set(
            &mut extras.attributes,
            &mut extras.dropped_attributes_count,
            limits.max_attributes,
            kv,
        );
    }

    /// Replaces the name the span will end with.
    pub(crate) fn rename(&mut self, name: Str) {
        self.extras().name = Some(name);
    }

    /// The scope the span records (see [`SpanData::scope`]).
    pub(crate) fn scope(&self) -> &InstrumentationScope {
        let scope = self.extras_ref().and_then(|e| e.scope);
        scope.unwrap_or(InstrumentationScope::baton())
    }

    /// The name the last [`rename`](Record::rename) gave, if any.
    pub(crate) fn renamed(&self) -> Option<&str> {
        self.extras_ref()?.name.as_deref()
    }

    /// Sets an explicit end time, which the span's end then records
    /// instead of its own clock reading; the span's start when that end is
    /// before it (the end recorded is then the start, as OpenTelemetry's
    /// `End` allows no span to end before it starts).
    pub(crate) fn set_end(&mut self, unix_nanos: u64) -> Option<u64> {
        let start = self.extras_ref().and_then(|e| e.start_unix_nanos);
        let start = start.unwrap_or_else(|| unix_nanos_at(self.start));
        self.extras().end_unix_nanos = Some(unix_nanos);
        (unix_nanos < start).then_some(start)
    }

    /// Adds an event at `unix_nanos`, or now.
    pub(crate) fn add_event(
        &mut self,
        limits: &SpanLimits,
        name: Str,
        unix_nanos: Option<u64>,
        attributes: Vec<KeyValue>,
    ) {
        let time = unix_nanos.unwrap_or_else(|| unix_nanos_at(Instant::now()));
        let event = Event::new(name, time, attributes);
        let extras = self.extras();
        push_bounded(
            &mut extras.events,
            &mut extras.dropped_events_count,
            limits.max_events,
            event,
            |event| drop_list(event.attributes),
        );
    }

    /// Adds a link after the start, within the link limit.
    pub(crate) fn add_link(&mut self, limits: &SpanLimits, link: Link) {
        let extras = self.extras();
        push_bounded(
            &mut extras.links,
            &mut extras.dropped_links_count,
            limits.max_links,
            link,
            |link| drop_list(link.attributes),
        );
    }

    /// Sets the status as the OpenTelemetry API says: `Unset` is ignored,
    /// and `Ok` is final.
    pub(crate) fn set_status(&mut self, status: Status) {
        if status == Status::Unset {
            return;
        }
        let current = &mut self.extras().status;
        if *current != Status::Ok {
            *current = status;
        }
    }

    /// Records an `exception` event with the OpenTelemetry semantic
    /// attributes, and an error status (unless the status is `Ok`).
    pub(crate) fn record_exception(&mut self, limits: &SpanLimits, exception: Exception<'_>) {
        let mut attributes = vec![
            KeyValue::new("exception.type", exception.kind.to_owned()),
            KeyValue::new("exception.message", exception.message.to_owned()),
        ];
        if !exception.sources.is_empty() {
            attributes.push(KeyValue::new(
                "exception.source_chain",
                Value::Array(Array::String(exception.sources)),
            ));
        }
        if let Some(stacktrace) = exception.stacktrace {
            attributes.push(KeyValue::new(
                "exception.stacktrace",
                stacktrace.to_string(),
            ));
        }
        if exception.escaped {
            attributes.push(KeyValue::new("exception.escaped", true));
        }
        // The message the event keeps is the status's too: one the caller
        // gave in its place (to redact it, say) must not go out there. The
        // empty value is no message, not the `null` it displays as.
        let description = exception
            .attributes
            .iter()
            .rev()
            .find(|kv| kv.key == "exception.message")
            .map_or_else(
                || exception.message.to_owned(),
                |kv| match &kv.value {
                    Value::Empty => String::new(),
                    given => given.to_string(),
                },
            );
        // Later in the list, the caller's win when the event's attributes
        // are settled (see `attribute_limits::set_attribute`).
        attributes.extend(exception.attributes);
        self.add_event(limits, Str::Borrowed("exception"), None, attributes);
        self.set_status(Status::Error {
            description: description.into(),
        });
    }

    /// Cuts the values and lists of attributes, events and links to
    /// `limits`, once the record takes nothing more. `limits` is read only
    /// when there are any.
    // Inlined for the usual record, which has no extras: called, it was a
    // call of 12 instructions on every span's end in the default release
    // profile (callgrind).
    #[inline]
    pub(crate) fn cut(&mut self, limits: impl FnOnce() -> SpanLimits) {
        if let Out::Extras { extras, .. } = &mut self.out {
            extras.cut(limits);
        }
    }

    /// The finished span, ended at `end`, written over `slot`, a
    /// [released](SpanData::release) span.
    // Inlined into `EndedSpan::write_into`, for the reason given there.
    #[inline(always)]
    pub(crate) fn finish_into(
        self,
        span_context: SpanContext,
        name: Str,
        end: Instant,
        slot: &mut SpanData,
    ) {
        // Written out for the record without extras, the usual case: built
        // from an empty `Extras` instead, it costs about 75 instructions
        // more per span (callgrind, `.ci/instructions root`).
        let (kind, parent_is_remote) = self.kind();
        let mut extras = match self.out {
            Out::Extras { extras, .. } => extras,
            Out::Plain { .. } | Out::Session { .. } => {
                let (start_unix_nanos, end_unix_nanos) = unix_nanos_span(self.start, end);
                slot.set_bare(
                    name,
                    span_context,
                    parent_is_remote,
                    kind,
                    start_unix_nanos,
                    end_unix_nanos,
                );
                if let Out::Session { baggage, .. } = self.out {
                    slot.attributes
                        .extend(baggage.session_id().map(session_attribute));
                }
                return;
            }
        };
        // Taken field by field: what is left drops nothing.
        let start_unix_nanos = extras
            .start_unix_nanos
            .unwrap_or_else(|| unix_nanos_at(self.start));
        let room = std::mem::take(&mut slot.attributes);
        *slot = SpanData {
            name: extras.name.take().unwrap_or(name),
            parent_span_id: span_context.parent_span_id(),
            span_context,
            parent_is_remote,
            kind,
            span_type: extras.span_type.take(),
            start_unix_nanos,
            end_unix_nanos: extras
                .end_unix_nanos
                .unwrap_or_else(|| unix_nanos_at(end))
                .max(start_unix_nanos),
            // The span's list, for the slot's empty one, which goes back
            // with the extras: in steady state lists go round between
            // spans and slots, and neither thread allocates one.
            attributes: std::mem::replace(&mut extras.attributes, room),
            dropped_attributes_count: extras.dropped_attributes_count,
            events: std::mem::take(&mut extras.events),
            dropped_events_count: extras.dropped_events_count,
            links: std::mem::take(&mut extras.links),
            dropped_links_count: extras.dropped_links_count,
            status: std::mem::take(&mut extras.status),
            scope: extras.scope,
        };
        report_discarded(slot, extras.cut_values);
        extras.give_back();
    }
}

#[cfg(test)]
impl SpanData {
    /// A root span named "x" with fresh ids and nothing else, ended now,
    /// for unit tests.
    pub(crate) fn minimal() -> SpanData {
        use crate::id::{SpanId, TraceId};
        use crate::span_context::TraceFlags;
        let record = Record::start(
            SpanKind::Internal,
            false,
            &SpanLimits::default(),
            None,
            &Baggage::EMPTY,
            Vec::new(),
            false,
        );
        let ids = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default());
        let mut data = SpanData::BLANK;
        record.finish_into(ids, "x".into(), Instant::now(), &mut data);
        data
    }
}

/// The `session.id` attribute of a span started in the session `id`.
fn session_attribute(id: &str) -> KeyValue {
    KeyValue::new(SESSION_KEY, id.to_owned())
}

/// Whether `limits` keep the session id `id` whole as a span's first
/// attribute: not dropped for the count, not cut for the length (a
/// length in characters, and `id` has no more of them than bytes).
fn keeps_whole(limits: &SpanLimits, id: &str) -> bool {
    limits.max_attributes >= 1
        && limits
            .max_attribute_value_length
            .is_none_or(|max| id.len() <= max)
}

/// How many errors of a `source()` chain
/// [`record_error`](crate::Span::record_error) records in
/// `exception.source_chain`, outermost first. A longer chain, or an
/// endless one (an error that is its own source), is cut here and
/// reported as a
/// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind).
pub const MAX_ERROR_SOURCES: usize = 64;

/// An error or a panic, as the `exception` event records it.
pub(crate) struct Exception<'a> {
    pub(crate) kind: &'a str,
    pub(crate) message: &'a str,
    /// The `source()` chain, outermost first.
    pub(crate) sources: Vec<Str>,
    /// Where it happened, when a stack trace was captured.
    pub(crate) stacktrace: Option<&'a Backtrace>,
    /// Whether the exception left the span's scope (a panic unwinding it).
    pub(crate) escaped: bool,
    /// The caller's own attributes for the event.
    pub(crate) attributes: Vec<KeyValue>,
}

/// What a change to a span got when the span had ended: nothing was
/// recorded. A span that never recorded (not sampled, no pipeline) does
/// not give it; dropping what it is given is what such a span is for.
#[derive(Debug)]
pub(crate) struct Ended;

/// A record shared by every handle to its span, once a handle outlives the
/// span's frame or crosses a thread.
pub(crate) struct LiveSpan {
    /// `None` once the span has ended.
    record: Mutex<Option<Record>>,
    /// Set under the lock when the record is taken: lets readers skip the
    /// lock once the span has ended.
    ended: AtomicBool,
}

impl LiveSpan {
    pub(crate) fn new(record: Record) -> LiveSpan {
        LiveSpan {
            record: Mutex::new(Some(record)),
            ended: AtomicBool::new(false),
        }
    }

    /// The shared record of a span that has ended already, for a context
    /// asked of it afterwards: its handles then see that it ended.
    pub(crate) fn ended() -> LiveSpan {
        LiveSpan {
            record: Mutex::new(None),
            ended: AtomicBool::new(true),
        }
    }

    pub(crate) fn is_ended(&self) -> bool {
        self.ended.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Record>> {
        // A panic while holding the lock leaves at worst a half-added
        // attribute, which is better than losing the span.
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the record while the span is live; [`Ended`] if it
    /// has ended, and `f` was not run.
    pub(crate) fn with_record(&self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        if self.is_ended() {
            return Err(Ended);
        }
        // Taken under the lock, the record is gone only once it ended.
        let mut record = self.lock();
        f(record.as_mut().ok_or(Ended)?);
        Ok(())
    }

    /// Takes the record out; `None` if the span has ended already.
    pub(crate) fn take(&self) -> Option<Record> {
        let mut record = self.lock();
        self.ended.store(true, Ordering::Relaxed);
        record.take()
    }

    /// Takes the record out without the lock, for whoever owns the span alone.
    pub(crate) fn take_mut(&mut self) -> Option<Record> {
        *self.ended.get_mut() = true;
        self.record
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_room(room: usize) -> Box<Extras> {
        let mut extras = Extras::new_box();
        extras.attributes = Vec::with_capacity(room);
        extras.attributes.push(KeyValue::new("k", 1));
        extras.attributes.clear();
        extras
    }

    #[test]
    fn spare_extras_keep_the_room_of_a_few_attributes_and_no_more() {
        for (room, kept) in [
            (KEPT_ATTRIBUTE_ROOM, KEPT_ATTRIBUTE_ROOM),
            (KEPT_ATTRIBUTE_ROOM + 1, 0),
        ] {
            let extras = with_room(room);
            let address: *const Extras = &*extras;
            extras.give_back();
            // Taken again on this thread: the one just given.
            let again = Extras::new_box();
            assert!(std::ptr::eq(&*again, address));
            assert_eq!(again.attributes.capacity(), kept, "room for {room}");
        }
    }

    #[test]
    fn spare_extras_never_keep_attributes_handed_back_with_them() {
        let mut extras = with_room(KEPT_ATTRIBUTE_ROOM);
        extras.attributes.push(KeyValue::new("stale", 1));
        extras.give_back();
        let again = Extras::new_box();
        assert!(again.attributes.is_empty());
        assert_eq!(again.attributes.capacity(), 0);
    }

    #[test]
    fn spare_extras_and_the_room_they_keep_stay_within_half_a_kib() {
        let room = KEPT_ATTRIBUTE_ROOM * std::mem::size_of::<KeyValue>();
        assert!(std::mem::size_of::<Extras>() + room <= 512);
    }
}

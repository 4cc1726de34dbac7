//! A span as its one owner holds it: a [`Span`](crate::Span) value, or the
//! frame of this thread's stack that an entered span lives in.
//!
//! While nothing else refers to the span, its record sits inline in the
//! owner: no reference count, no lock, no allocation. The first time
//! something asks for the span's [`Context`] (a capture, a thread or future
//! handoff, a `SpanRef` that outlives the frame), the record moves into a
//! shared allocation, and every later handle uses that.

use std::time::Instant;

use crate::baggage::Baggage;
use crate::context::Context;
use crate::diagnostic::{report, DiagnosticKind};
use crate::ended_span::{EndedSpan, PlainParts};
use crate::span_context::SpanContext;
use crate::span_limits::SpanLimits;
use crate::span_record::{Ended, LiveSpan, Record};
use crate::value::{release_str, Str};

/// What every span has, recording or not; it never changes once the span
/// has begun, so an owner can lend it out while the [`Body`] changes.
#[derive(Clone)]
pub(crate) struct Head {
    pub(crate) span_context: SpanContext,
    pub(crate) name: Str,
    /// The parent's baggage, for the span's context when one is made.
    pub(crate) baggage: Baggage,
}

impl Head {
    /// Left where a head was moved out; never read.
    pub(crate) const VACANT: Head = Head {
        span_context: SpanContext::VACANT,
        name: Str::Borrowed(""),
        baggage: Baggage::EMPTY,
    };

    /// Whether [`release`](Head::release) has nothing to drop.
    #[inline(always)]
    pub(crate) fn owns_nothing(&self) -> bool {
        self.span_context.trace_state().is_empty()
            && matches!(self.name, Str::Borrowed(_))
            && self.baggage.is_empty()
    }

    /// Drops what the head owns, leaving parts that own nothing, which its
    /// owner may then forget. Most heads own nothing, and each part is
    /// dropped only when it does: the drop glue of a whole head was a call
    /// that checked every part (callgrind: 18 instructions of every span's
    /// end, default profile).
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        self.span_context.release();
        release_str(&mut self.name);
        if !self.baggage.is_empty() {
            self.baggage = Baggage::EMPTY;
        }
    }
}

/// What changes over a span's life: its record, until the span ends.
pub(crate) enum Body {
    /// Recording, and only its owner refers to it.
    Recording(Record),
    /// Records nothing: not sampled, no pipeline, or taken out.
    Quiet,
    /// Recorded until its owner ended it, and records nothing more: a
    /// change made now is lost, and reported as such (see [`Ended`]). Left
    /// where the owner stays after the end: an explicit end, or the frame
    /// of a guard dropped out of order; an owner that lets go of its span
    /// leaves nothing to change.
    Ended,
    /// Its context was asked for; a recording span's record lives there.
    Shared(Context),
}

impl Body {
    /// Drops what the body owns, as [`Head::release`] does: only a body
    /// that records owns anything.
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        if !self.ends_nothing() {
            *self = Body::Quiet;
        }
    }

    /// Whether ending it would surely hand nothing on. An
    /// [`Ended`](Body::Ended) body gives `false`, and takes the general
    /// path, which finds nothing to end: asked of the quiet body alone,
    /// this stays one comparison on every span's end, and only a span
    /// ended explicitly, already the longer way, pays for the longer drop.
    pub(crate) fn ends_nothing(&self) -> bool {
        matches!(self, Body::Quiet)
    }

    pub(crate) fn is_recording(&self) -> bool {
        match self {
            Body::Recording(_) => true,
            Body::Quiet | Body::Ended => false,
            Body::Shared(cx) => cx.live_span().is_some_and(|l| !l.is_ended()),
        }
    }

    /// Whether the span recorded until it was ended.
    fn has_ended(&self) -> bool {
        match self {
            Body::Ended => true,
            Body::Shared(cx) => cx.live_span().is_some_and(LiveSpan::is_ended),
            Body::Recording(_) | Body::Quiet => false,
        }
    }

    /// Runs `f` on the record while the span records; [`Ended`] if it
    /// recorded until it ended, and `f` was not run.
    pub(crate) fn with_record(&mut self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        match self {
            Body::Recording(record) => {
                f(record);
                Ok(())
            }
            Body::Quiet => Ok(()),
            Body::Ended => Err(Ended),
            Body::Shared(cx) => match cx.live_span() {
                Some(live) => live.with_record(f),
                None => Ok(()),
            },
        }
    }

    /// The context of the span `head` names, made shared on first use.
    pub(crate) fn context(&mut self, head: &Head) -> Context {
        if let Body::Shared(cx) = self {
            return cx.clone();
        }
        let live = match std::mem::replace(self, Body::Quiet) {
            Body::Recording(record) => Some(LiveSpan::new(record)),
            Body::Ended => Some(LiveSpan::ended()),
            _ => None,
        };
        let cx = Context::for_span(
            head.span_context.clone(),
            head.name.clone(),
            live,
            head.baggage.clone(),
        );
        *self = Body::Shared(cx.clone());
        cx
    }

    /// Ends the span `head` names now, or at `unix_nanos` when given,
    /// returning its record; `None` if it records nothing, and [`Ended`]
    /// if it has ended already. What stays records nothing more.
    pub(crate) fn end(
        &mut self,
        head: &Head,
        limits: impl FnOnce() -> SpanLimits,
        unix_nanos: Option<u64>,
    ) -> Result<Option<EndedSpan>, Ended> {
        if self.has_ended() {
            return Err(Ended);
        }
        if let Some(unix_nanos) = unix_nanos {
            let mut before_start = None;
            self.with_record(|r| before_start = r.set_end(unix_nanos))?;
            if let Some(start) = before_start {
                report_end_before_start(&head.name, unix_nanos, start);
            }
        }
        let body = self.detach();
        if body.ends_nothing() {
            return Ok(None);
        }
        // A shared record can be taken by another handle on another thread
        // between the check above and the take: then this end came second,
        // and is reported as every later end is.
        let shared = matches!(&body, Body::Shared(cx) if cx.live_span().is_some());
        let (span_context, name) = (head.span_context.clone(), head.name.clone());
        match body.finish(span_context, name, limits, |_| {}, Instant::now, |_| false) {
            None if shared => Err(Ended),
            ended => Ok(ended),
        }
    }

    /// [`SpanState::take_ended`] for an owner that keeps the head and the
    /// body apart.
    #[inline(always)]
    pub(crate) fn take_ended(
        &mut self,
        head: &mut Head,
        limits: impl FnOnce() -> SpanLimits,
    ) -> Option<EndedSpan> {
        if !matches!(self, Body::Recording(_)) {
            return None;
        }
        self.take_and_finish(head, limits, Instant::now)
    }

    /// [`take_ended`](Body::take_ended), but a span that is plain (see
    /// [`PlainParts`]) is first offered to `hand` as its parts: taken, it
    /// ends where it lies, nothing moves, and `None` comes back with a body
    /// that ends nothing. Not taken, it ends as `take_ended` ends it, at the
    /// same instant.
    #[inline(always)]
    pub(crate) fn take_ended_or_hand(
        &mut self,
        head: &mut Head,
        limits: impl FnOnce() -> SpanLimits,
        hand: impl FnOnce(&PlainParts<'_>) -> bool,
    ) -> Option<EndedSpan> {
        let Body::Recording(record) = self else {
            return None;
        };
        let end = Instant::now();
        if PlainParts::of(&head.span_context, &head.name, record, end).is_some_and(|p| hand(&p)) {
            // A plain record owns nothing.
            std::mem::forget(std::mem::replace(self, Body::Quiet));
            return None;
        }
        self.take_and_finish(head, limits, || end)
    }

    /// Ends the span `head` names, taking its ids, name and record out
    /// where they lie, at `end`.
    #[inline(always)]
    fn take_and_finish(
        &mut self,
        head: &mut Head,
        limits: impl FnOnce() -> SpanLimits,
        end: impl FnOnce() -> Instant,
    ) -> Option<EndedSpan> {
        let body = std::mem::replace(self, Body::Quiet);
        let span_context = std::mem::replace(&mut head.span_context, SpanContext::VACANT);
        let name = std::mem::replace(&mut head.name, Str::Borrowed(""));
        body.finish(span_context, name, limits, |_| {}, end, |_| false)
    }

    /// Hands the body to a caller that will end it, leaving one that
    /// records nothing more, and says so if it recorded.
    fn detach(&mut self) -> Body {
        match self {
            // The context stays the span's, for handles made before.
            Body::Shared(cx) => Body::Shared(cx.clone()),
            Body::Recording(_) => std::mem::replace(self, Body::Ended),
            Body::Quiet => Body::Quiet,
            Body::Ended => Body::Ended,
        }
    }

    /// Ends the span at `end`, read once the record is taken, as its owner
    /// lets go of it. `limits` is read only when the record has attributes,
    /// events or links to cut; `let_go` is called with the span's shared
    /// context, if it has one, first; `hand` is offered a plain span's
    /// parts, and what it takes comes back as `None`.
    #[inline(always)]
    fn finish(
        self,
        span_context: SpanContext,
        name: Str,
        limits: impl FnOnce() -> SpanLimits,
        let_go: impl FnOnce(&Context),
        end: impl FnOnce() -> Instant,
        hand: impl FnOnce(&PlainParts<'_>) -> bool,
    ) -> Option<EndedSpan> {
        let mut record = match self {
            Body::Recording(record) => record,
            Body::Quiet | Body::Ended => return None,
            Body::Shared(mut cx) => {
                let_go(&cx);
                if cx.live_span()?.is_ended() {
                    return None;
                }
                // Nothing else holds the span's context (the usual case):
                // the record is taken without the lock.
                match cx.live_span_mut() {
                    Some(live) => live.take_mut(),
                    None => cx.live_span()?.take(),
                }?
            }
        };
        let end = end();
        if PlainParts::of(&span_context, &name, &record, end).is_some_and(|p| hand(&p)) {
            // A plain span owns nothing (see `PlainParts`): its parts are
            // forgotten, not dropped, whose glue was a call (callgrind).
            std::mem::forget((record, span_context, name));
            return None;
        }
        record.cut(limits);
        Some(EndedSpan::new(span_context, name, record, end))
    }
}

/// A span as one owner holds it, whole.
pub(crate) struct SpanState {
    pub(crate) head: Head,
    pub(crate) body: Body,
}

impl SpanState {
    /// A state that ends nothing, left where a span was taken out.
    pub(crate) const VACANT: SpanState = SpanState {
        head: Head::VACANT,
        body: Body::Quiet,
    };

    /// The span an owner holds as a head and a body apart, leaving them
    /// vacant: what is left ends nothing.
    pub(crate) fn take_from(head: &mut Head, body: &mut Body) -> SpanState {
        SpanState {
            head: std::mem::replace(head, Head::VACANT),
            body: std::mem::replace(body, Body::Quiet),
        }
    }

    /// Drops what the state owns, as [`Head::release`] does.
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        self.head.release();
        self.body.release();
    }

    /// Whether ending it would hand nothing on: it records nothing, or is
    /// [`VACANT`](SpanState::VACANT).
    pub(crate) fn ends_nothing(&self) -> bool {
        self.body.ends_nothing()
    }

    /// Whether the span recorded until it was ended, ahead of its owner's
    /// letting go of it.
    #[inline]
    pub(crate) fn has_ended(&self) -> bool {
        self.body.has_ended()
    }

    pub(crate) fn span_context(&self) -> &SpanContext {
        &self.head.span_context
    }

    pub(crate) fn name(&self) -> &str {
        &self.head.name
    }

    pub(crate) fn baggage(&self) -> &Baggage {
        &self.head.baggage
    }

    pub(crate) fn is_recording(&self) -> bool {
        self.body.is_recording()
    }

    /// Runs `f` on the record while the span records (see
    /// [`Body::with_record`]).
    pub(crate) fn with_record(&mut self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        self.body.with_record(f)
    }

    /// The span's context, if something asked for it already.
    pub(crate) fn shared(&self) -> Option<&Context> {
        match &self.body {
            Body::Shared(cx) => Some(cx),
            _ => None,
        }
    }

    /// The span's context, made shared on first use.
    pub(crate) fn context(&mut self) -> Context {
        self.body.context(&self.head)
    }

    /// Ends the span as [`Body::end`] does. The span keeps its ids.
    pub(crate) fn end(
        &mut self,
        limits: impl FnOnce() -> SpanLimits,
        unix_nanos: Option<u64>,
    ) -> Result<Option<EndedSpan>, Ended> {
        self.body.end(&self.head, limits, unix_nanos)
    }

    /// Ends the span now, as its owner lets go of it, taking the ids, name
    /// and record out where they lie and leaving a state that ends nothing:
    /// moved out whole first, the state was written to the machine stack in
    /// pieces and read back in larger ones, two store-forwarding stalls
    /// that perf put at a twentieth of a child span. `None` (and the state
    /// as it was) unless the span records and only its owner refers to it.
    #[inline]
    pub(crate) fn take_ended(&mut self, limits: impl FnOnce() -> SpanLimits) -> Option<EndedSpan> {
        self.body.take_ended(&mut self.head, limits)
    }

    /// Hands the span to a caller that will end it, leaving in its place a
    /// copy that keeps the ids and records nothing more.
    pub(crate) fn detach(&mut self) -> SpanState {
        SpanState {
            head: self.head.clone(),
            body: self.body.detach(),
        }
    }

    /// Ends the span as its owner lets go of it. `let_go` is called with
    /// the span's shared context, if it has one, before the record is
    /// taken (other references to it let go of then spare the lock); a
    /// plain span is offered to `hand` as its parts, and comes back as
    /// `None` if it takes them.
    // Inlined for the reason given at `FrameRef::push`.
    #[inline]
    pub(crate) fn finish(
        self,
        limits: impl FnOnce() -> SpanLimits,
        let_go: impl FnOnce(&Context),
        hand: impl FnOnce(&PlainParts<'_>) -> bool,
    ) -> Option<EndedSpan> {
        let SpanState { head, body } = self;
        body.finish(
            head.span_context,
            head.name,
            limits,
            let_go,
            Instant::now,
            hand,
        )
    }
}

/// Reports an end time given before the span's start, which the span ends
/// at instead.
#[cold]
fn report_end_before_start(name: &str, end: u64, start: u64) {
    report(
        DiagnosticKind::InvalidArgument,
        &format_args!(
            "span {name:?}: end time {end} ns is before its start {start} ns; the span ends at its start"
        ),
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace_state::TraceState;

    /// Each part a head can own keeps it from owning nothing: the drop of a
    /// span that records nothing skips the release only when there is
    /// nothing to release.
    #[test]
    fn a_head_owns_nothing_only_when_none_of_its_parts_owns_anything() {
        assert!(Head::VACANT.owns_nothing());
        let named = Head {
            name: Str::Owned("request".to_owned()),
            ..Head::VACANT
        };
        assert!(!named.owns_nothing());
        let trace_state = TraceState::default().insert("vendor", "value").unwrap();
        let with_state = Head {
            span_context: SpanContext::VACANT.with_trace_state(trace_state),
            ..Head::VACANT
        };
        assert!(!with_state.owns_nothing());
        let with_baggage = Head {
            baggage: Baggage::default().try_insert("k", "v", "").unwrap(),
            ..Head::VACANT
        };
        assert!(!with_baggage.owns_nothing());
        let mut released = Head {
            name: Str::Owned("request".to_owned()),
            ..with_baggage
        };
        released.release();
        assert!(released.owns_nothing());
    }
}

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
use crate::ended_span::EndedSpan;
use crate::span_context::SpanContext;
use crate::span_limits::SpanLimits;
use crate::span_record::{LiveSpan, Record};
use crate::value::Str;

/// What every span has, recording or not.
pub(crate) struct Head {
    pub(crate) span_context: SpanContext,
    pub(crate) name: Str,
    /// The parent's baggage, for the span's context when one is made.
    pub(crate) baggage: Baggage,
}

pub(crate) enum SpanState {
    /// Recording, and only its owner refers to it.
    Recording(Head, Record),
    /// Records nothing: not sampled, no pipeline, or ended.
    Quiet(Head),
    /// Its context was asked for; a recording span's record lives there.
    Shared(Context),
}

impl SpanState {
    /// A state that ends nothing, left where a span was taken out.
    pub(crate) const VACANT: SpanState = SpanState::Shared(Context::EMPTY);

    /// Whether ending it would hand nothing on: it records nothing, or is
    /// [`VACANT`](SpanState::VACANT) (no span has an empty context).
    pub(crate) fn ends_nothing(&self) -> bool {
        match self {
            SpanState::Recording(..) => false,
            SpanState::Quiet(_) => true,
            SpanState::Shared(cx) => cx.is_empty(),
        }
    }

    pub(crate) fn span_context(&self) -> &SpanContext {
        match self {
            SpanState::Recording(head, _) | SpanState::Quiet(head) => &head.span_context,
            // A shared span's context always has its span context.
            SpanState::Shared(cx) => cx
                .span_context()
                .expect("a span's context has a span context"),
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            SpanState::Recording(head, _) | SpanState::Quiet(head) => &head.name,
            SpanState::Shared(cx) => cx.span_name(),
        }
    }

    pub(crate) fn baggage(&self) -> &Baggage {
        match self {
            SpanState::Recording(head, _) | SpanState::Quiet(head) => &head.baggage,
            SpanState::Shared(cx) => cx.baggage(),
        }
    }

    pub(crate) fn is_recording(&self) -> bool {
        match self {
            SpanState::Recording(..) => true,
            SpanState::Quiet(_) => false,
            SpanState::Shared(cx) => cx.live_span().is_some_and(|l| !l.is_ended()),
        }
    }

    /// Runs `f` on the record while the span records.
    pub(crate) fn with_record(&mut self, f: impl FnOnce(&mut Record)) {
        match self {
            SpanState::Recording(_, record) => f(record),
            SpanState::Quiet(_) => {}
            SpanState::Shared(cx) => {
                if let Some(live) = cx.live_span() {
                    live.with_record(f);
                }
            }
        }
    }

    /// The span's context, made shared on first use.
    pub(crate) fn context(&mut self) -> Context {
        if let SpanState::Shared(cx) = self {
            return cx.clone();
        }
        let placeholder = SpanState::Shared(Context::default());
        let cx = match std::mem::replace(self, placeholder) {
            SpanState::Recording(head, record) => Context::for_span(
                head.span_context,
                head.name,
                Some(LiveSpan::new(record)),
                head.baggage,
            ),
            SpanState::Quiet(head) => {
                Context::for_span(head.span_context, head.name, None, head.baggage)
            }
            SpanState::Shared(cx) => cx,
        };
        *self = SpanState::Shared(cx.clone());
        cx
    }

    /// Ends the span now, returning its record; `None` if it records
    /// nothing or has ended. The span keeps its ids.
    pub(crate) fn end(&mut self, limits: impl FnOnce() -> SpanLimits) -> Option<EndedSpan> {
        self.detach().finish(limits)
    }

    /// Hands the span to a caller that will end it, leaving in its place a
    /// copy that keeps the ids and records nothing more.
    pub(crate) fn detach(&mut self) -> SpanState {
        let copy = match self {
            SpanState::Recording(head, _) | SpanState::Quiet(head) => SpanState::Quiet(Head {
                span_context: head.span_context.clone(),
                name: head.name.clone(),
                baggage: head.baggage.clone(),
            }),
            SpanState::Shared(cx) => SpanState::Shared(cx.clone()),
        };
        std::mem::replace(self, copy)
    }

    /// Ends the span as its owner lets go of it. `limits` is read only
    /// when the record has attributes, events or links to cut.
    pub(crate) fn finish(self, limits: impl FnOnce() -> SpanLimits) -> Option<EndedSpan> {
        let (span_context, name, mut record) = match self {
            SpanState::Recording(head, record) => (head.span_context, head.name, record),
            SpanState::Quiet(_) => return None,
            SpanState::Shared(mut cx) => {
                if cx.live_span()?.is_ended() {
                    return None;
                }
                // Nothing else holds the span's context (the usual case):
                // the record is taken without the lock.
                let record = match cx.live_span_mut() {
                    Some(live) => live.take_mut(),
                    None => cx.live_span()?.take(),
                }?;
                (cx.span_context()?.clone(), cx.span_name().clone(), record)
            }
        };
        let end = Instant::now();
        record.cut(limits);
        Some(EndedSpan::new(span_context, name, record, end))
    }
}

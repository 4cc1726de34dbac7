//! Spans: the builder, the owned [`Span`], the [`SpanRef`] handle and the
//! [`SpanGuard`] that makes a span current.

use std::fmt;
use std::ops::Deref;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::attribute_limits;
use crate::clock::now_unix_nanos;
use crate::export::pipeline;
use crate::sampling::SamplingParams;
use crate::span_data::{Event, Link, SpanData, SpanKind, SpanType, Status};
use crate::span_limits::SpanLimits;
use crate::stack::{self, ContextGuard};
use crate::value::{KeyValue, Str, Value};
use crate::{Baggage, Context, Session, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

/// Starts building a span named `name`.
///
/// # Example: nested spans
/// ```
/// let outer = baton::span("outer").enter();
/// let inner = baton::span("inner").kind(baton::SpanKind::Client).attr("n", 1).enter();
/// assert_eq!(inner.parent_span_id(), Some(outer.span_id()));
/// assert_eq!(inner.trace_id(), outer.trace_id());
/// drop(inner);
/// assert_eq!(baton::current_span().unwrap().name(), "outer");
/// ```
pub fn span(name: impl Into<Str>) -> SpanBuilder {
    SpanBuilder {
        name: name.into(),
        kind: SpanKind::Internal,
        span_type: None,
        attributes: Vec::new(),
        links: Vec::new(),
        parent: Parent::Current,
        start_unix_nanos: None,
    }
}

/// Runs `f` inside a new current span named `name`; the span ends when `f`
/// returns or unwinds.
///
/// ```
/// let id = baton::in_span("step", || baton::current_span().unwrap().name().to_owned());
/// assert_eq!(id, "step");
/// ```
#[track_caller]
pub fn in_span<R>(name: impl Into<Str>, f: impl FnOnce() -> R) -> R {
    let _guard = span(name).enter();
    f()
}

/// The current local span, if the current context has one.
pub fn current_span() -> Option<SpanRef> {
    stack::with_current(|cx| {
        let local = cx.span_context().is_some_and(|sc| !sc.is_remote());
        local.then(|| SpanRef {
            repr: Repr::Context(cx.clone()),
        })
    })
}

/// The trace id of the current context (local or remote), for log correlation.
pub fn current_trace_id() -> Option<TraceId> {
    stack::with_current(|cx| cx.span_context().map(SpanContext::trace_id))
}

enum Parent {
    Current,
    Explicit(Context),
    Root,
}

/// Configures a span before it starts; see [`span`].
#[must_use = "a span builder does nothing until .start() or .enter()"]
pub struct SpanBuilder {
    name: Str,
    kind: SpanKind,
    span_type: Option<SpanType>,
    attributes: Vec<KeyValue>,
    links: Vec<Link>,
    parent: Parent,
    start_unix_nanos: Option<u64>,
}

impl SpanBuilder {
    /// Sets the kind. Defaults to [`SpanKind::Internal`].
    pub fn kind(mut self, kind: SpanKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the AI/agent step type. Defaults to none.
    pub fn span_type(mut self, span_type: SpanType) -> Self {
        self.span_type = Some(span_type);
        self
    }

    /// Adds an attribute (visible to the sampler).
    pub fn attr(mut self, key: impl Into<Str>, value: impl Into<Value>) -> Self {
        self.attributes.push(KeyValue::new(key, value));
        self
    }

    /// Adds a link to another span.
    pub fn link(mut self, span_context: SpanContext, attributes: Vec<KeyValue>) -> Self {
        self.links.push(Link::new(span_context, attributes));
        self
    }

    /// Uses `parent`'s active span as the parent instead of the current context.
    /// An empty context makes the span a root.
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Parent::Explicit(parent.clone());
        self
    }

    /// Makes the span the root of a new trace, whatever is current.
    pub fn root(mut self) -> Self {
        self.parent = Parent::Root;
        self
    }

    /// Sets an explicit start time in unix nanoseconds. Defaults to now.
    pub fn start_time(mut self, unix_nanos: u64) -> Self {
        self.start_unix_nanos = Some(unix_nanos);
        self
    }

    /// Starts the span without making it current; it ends on [`Span::end`] or drop.
    pub fn start(self) -> Span {
        let parent = match self.parent {
            Parent::Current => stack::with_current(ParentParts::of),
            Parent::Explicit(cx) => ParentParts::of(&cx),
            Parent::Root => ParentParts::default(),
        };
        let parent_sc = parent.span_context.as_ref();
        let (trace_id, flags, trace_state, debug) = match parent_sc {
            Some(p) => (
                p.trace_id(),
                p.flags(),
                p.trace_state().clone(),
                p.is_debug(),
            ),
            None => (
                TraceId::random(),
                TraceFlags::default().with_random(true),
                TraceState::EMPTY,
                false,
            ),
        };
        let mut params = SamplingParams::new(parent_sc, trace_id, &self.name);
        params.kind = self.kind;
        params.remote_hint = parent.remote_sampling;
        let installed = pipeline::installed();
        let decision = pipeline::sampler(installed).should_sample(&params);
        let span_context = SpanContext::new(
            trace_id,
            SpanId::random(),
            flags.with_sampled(decision.is_sampled()),
        )
        .with_trace_state(trace_state)
        .with_parent_span_id(parent_sc.map(SpanContext::span_id))
        .with_debug(debug && decision.is_sampled());
        let live = match installed {
            Some(p) if decision.is_recording() && !pipeline::suppressed() => {
                let limits = &p.limits;
                let mut live = LiveSpan {
                    data: Mutex::new(Some(SpanData {
                        name: self.name.clone(),
                        span_context: span_context.clone(),
                        parent_span_id: span_context.parent_span_id(),
                        parent_is_remote: parent_sc.is_some_and(SpanContext::is_remote),
                        kind: self.kind,
                        span_type: self.span_type,
                        start_unix_nanos: self.start_unix_nanos.unwrap_or_else(now_unix_nanos),
                        end_unix_nanos: 0,
                        attributes: Vec::new(),
                        dropped_attributes_count: 0,
                        events: Vec::new(),
                        dropped_events_count: 0,
                        links: self.links,
                        dropped_links_count: 0,
                        status: Status::Unset,
                    })),
                    ended: AtomicBool::new(false),
                };
                // Filled in place: the record is a few hundred bytes.
                if let Some(data) = live.data_mut() {
                    if data.links.len() > limits.max_links {
                        let dropped = data.links.len() - limits.max_links;
                        data.dropped_links_count = u32::try_from(dropped).unwrap_or(u32::MAX);
                        data.links.truncate(limits.max_links);
                    }
                    if let Some(session) = parent.baggage.get(Session::BAGGAGE_KEY) {
                        set_attribute(
                            data,
                            limits,
                            KeyValue::new(Session::BAGGAGE_KEY, session.to_owned()),
                        );
                    }
                    if !self.attributes.is_empty() {
                        for kv in self.attributes {
                            set_attribute(data, limits, kv);
                        }
                    }
                }
                live
            }
            // A span that records nothing needs no context of its own until
            // someone asks for it: starting and ending one allocates nothing.
            _ => {
                return Span {
                    span: SpanRef {
                        repr: Repr::Quiet {
                            span_context,
                            name: self.name,
                            baggage: parent.baggage,
                        },
                    },
                }
            }
        };
        let span = Span {
            span: SpanRef {
                repr: Repr::Context(Context::for_span(
                    span_context,
                    self.name,
                    Some(live),
                    parent.baggage,
                )),
            },
        };
        if let Some(p) = installed {
            p.on_start(&span);
        }
        span
    }

    /// Starts the span and makes it current until the guard drops; dropping
    /// the guard also ends the span.
    #[track_caller]
    pub fn enter(self) -> SpanGuard {
        let location = Location::caller();
        let span = self.start();
        let guard = stack::push(span.context(), location);
        SpanGuard { guard, span }
    }
}

/// What a new span takes from its parent context: copied out under the
/// stack's borrow, so starting a child costs no reference count on the
/// parent's context.
#[derive(Default)]
struct ParentParts {
    span_context: Option<SpanContext>,
    baggage: Baggage,
    remote_sampling: Option<bool>,
}

impl ParentParts {
    fn of(cx: &Context) -> ParentParts {
        ParentParts {
            span_context: cx.span_context().cloned(),
            baggage: cx.baggage().clone(),
            remote_sampling: cx.remote_sampling(),
        }
    }
}

/// The shared state of a recording span: its record, filled in place from
/// start to end. It lives inside the span's context, so a recorded span is
/// one allocation.
pub(crate) struct LiveSpan {
    /// `None` once the span has ended.
    data: Mutex<Option<SpanData>>,
    /// Set under the lock when the record is taken: lets readers skip the
    /// lock once the span has ended.
    ended: AtomicBool,
}

fn push_bounded<T>(items: &mut Vec<T>, dropped: &mut u32, max: usize, item: T) {
    if items.len() < max {
        items.push(item);
    } else {
        *dropped = dropped.saturating_add(1);
    }
}

fn set_attribute(data: &mut SpanData, limits: &SpanLimits, kv: KeyValue) {
    match data.attributes.iter_mut().find(|a| a.key == kv.key) {
        Some(slot) => slot.value = kv.value,
        None => push_bounded(
            &mut data.attributes,
            &mut data.dropped_attributes_count,
            limits.max_attributes,
            kv,
        ),
    }
}

fn limits() -> SpanLimits {
    pipeline::installed().map_or_else(SpanLimits::default, |p| p.limits)
}

impl LiveSpan {
    /// The record, without the lock, for whoever owns the span alone.
    fn data_mut(&mut self) -> Option<&mut SpanData> {
        self.data
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
    }

    /// Stamps the end time and takes the record out, under the lock; `None`
    /// if the span has ended already.
    fn end(&self) -> Option<SpanData> {
        let mut data = self.data();
        self.ended.store(true, Ordering::Relaxed);
        stamp_end(&mut data)
    }

    fn data(&self) -> MutexGuard<'_, Option<SpanData>> {
        // A panic while holding the lock leaves at worst a half-added
        // attribute, which is better than losing the span.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A handle to a span: read its ids, add data while it is live.
///
/// Cloning is cheap; a `SpanRef` does not keep the span from ending. After the
/// span ends, or for a span that is not recording (not sampled, or no pipeline
/// installed), the setters do nothing.
#[derive(Clone)]
pub struct SpanRef {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// A span with a context of its own: recording, or asked for its context.
    Context(Context),
    /// A started span that records nothing.
    Quiet {
        span_context: SpanContext,
        name: Str,
        /// The parent's, for the context made on demand.
        baggage: Baggage,
    },
}

impl SpanRef {
    fn live(&self) -> Option<&LiveSpan> {
        match &self.repr {
            Repr::Context(cx) => cx.live_span(),
            Repr::Quiet { .. } => None,
        }
    }

    fn with_data(&self, f: impl FnOnce(&mut SpanData)) {
        if let Some(live) = self.live() {
            if let Some(data) = live.data().as_mut() {
                f(data);
            }
        }
    }

    fn span_context_ref(&self) -> &SpanContext {
        // Every SpanRef is built from a context with a span context.
        match &self.repr {
            Repr::Context(cx) => cx
                .span_context()
                .expect("a SpanRef's context always has a span context"),
            Repr::Quiet { span_context, .. } => span_context,
        }
    }

    /// The span name.
    pub fn name(&self) -> &str {
        match &self.repr {
            Repr::Context(cx) => cx.span_name(),
            Repr::Quiet { name, .. } => name,
        }
    }

    /// The span's ids, flags and tracestate.
    pub fn span_context(&self) -> &SpanContext {
        self.span_context_ref()
    }

    /// The span id.
    pub fn span_id(&self) -> SpanId {
        self.span_context_ref().span_id()
    }

    /// The trace id.
    pub fn trace_id(&self) -> TraceId {
        self.span_context_ref().trace_id()
    }

    /// The parent's span id; `None` for a root.
    pub fn parent_span_id(&self) -> Option<SpanId> {
        self.span_context_ref().parent_span_id()
    }

    /// The context in which this span is the active span, e.g. to parent
    /// spans on another thread or to attach later.
    pub fn context(&self) -> Context {
        match &self.repr {
            Repr::Context(cx) => cx.clone(),
            Repr::Quiet {
                span_context,
                name,
                baggage,
            } => Context::for_span(span_context.clone(), name.clone(), None, baggage.clone()),
        }
    }

    /// Whether the span records data and has not ended.
    pub fn is_recording(&self) -> bool {
        self.live()
            .is_some_and(|l| !l.ended.load(Ordering::Relaxed))
    }

    /// Sets an attribute; a key set before keeps its place and gets the new value.
    pub fn set_attribute(&self, key: impl Into<Str>, value: impl Into<Value>) {
        if self.live().is_some() {
            let kv = KeyValue::new(key, value);
            let limits = limits();
            self.with_data(|d| set_attribute(d, &limits, kv));
        }
    }

    /// Adds an event stamped now.
    pub fn add_event(&self, name: impl Into<Str>, attributes: Vec<KeyValue>) {
        if self.live().is_some() {
            let event = Event::new(name, now_unix_nanos(), attributes);
            let max = limits().max_events;
            self.with_data(|d| {
                push_bounded(&mut d.events, &mut d.dropped_events_count, max, event)
            });
        }
    }

    /// Sets the status. `Ok` is final: a later `Error` does not replace it,
    /// as the OpenTelemetry API specifies.
    pub fn set_status(&self, status: Status) {
        self.with_data(|d| {
            if d.status != Status::Ok {
                d.status = status;
            }
        });
    }

    /// Records an error as an `exception` event and sets an error status.
    pub fn record_error(&self, error: &dyn std::error::Error) {
        if self.live().is_none() {
            return;
        }
        let message = error.to_string();
        self.add_event(
            "exception",
            vec![KeyValue::new("exception.message", message.clone())],
        );
        self.set_status(Status::Error {
            description: message.into(),
        });
    }

    /// Ends the span now; later calls do nothing.
    fn end(&self) {
        // Taken under the lock, handed on after it: the processor may call
        // back into this span.
        if let Some(data) = self.live().and_then(LiveSpan::end) {
            pipeline::on_end(data);
        }
    }
}

impl fmt::Debug for SpanRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanRef")
            .field("name", &self.name())
            .field("span_context", self.span_context_ref())
            .finish()
    }
}

/// A started span that is not (necessarily) current. It ends when
/// [`Span::end`] is called or when it is dropped, whichever comes first.
///
/// # Example
/// ```
/// let job = baton::span("job").start();
/// assert!(baton::current_span().is_none());
/// let _g = job.context().attach();
/// assert_eq!(baton::current_span().unwrap().span_id(), job.span_id());
/// ```
pub struct Span {
    span: SpanRef,
}

impl Span {
    /// Ends the span now; later calls, and the drop, do nothing.
    pub fn end(&self) {
        self.span.end();
    }
}

impl Deref for Span {
    type Target = SpanRef;

    fn deref(&self) -> &SpanRef {
        &self.span
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        let Repr::Context(cx) = &mut self.span.repr else {
            // Records nothing: nothing to end.
            return;
        };
        if cx
            .live_span()
            .is_none_or(|l| l.ended.load(Ordering::Relaxed))
        {
            return;
        }
        // Nothing else holds the span's context (the usual case): the
        // record can be taken without the lock.
        if let Some(live) = cx.live_span_mut() {
            if let Some(data) =
                stamp_end(live.data.get_mut().unwrap_or_else(PoisonError::into_inner))
            {
                pipeline::on_end(data);
            }
            return;
        }
        self.span.end();
    }
}

/// Stamps the end time on a span's record and takes it out; `None` when
/// the span has already ended.
fn stamp_end(slot: &mut Option<SpanData>) -> Option<SpanData> {
    let data = slot.as_mut()?;
    data.end_unix_nanos = now_unix_nanos().max(data.start_unix_nanos);
    let l = limits();
    attribute_limits::limit_record(
        data,
        l.max_attribute_value_length,
        l.max_attributes_per_event,
        l.max_attributes_per_link,
    );
    slot.take()
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.span.fmt(f)
    }
}

/// A span that is current until this guard drops; the drop detaches it, then
/// ends it. `!Send`, like every guard.
#[must_use = "the span ends as soon as the guard is dropped"]
pub struct SpanGuard {
    // Field order is drop order: detach first, so the span ends (and the
    // processor runs) in the parent's context.
    guard: ContextGuard,
    span: Span,
}

impl Deref for SpanGuard {
    type Target = Span;

    fn deref(&self) -> &Span {
        &self.span
    }
}

impl fmt::Debug for SpanGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanGuard")
            .field("span", &self.span)
            .field("guard", &self.guard)
            .finish()
    }
}

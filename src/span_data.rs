//! `SpanData`: the record a finished span hands to the export pipeline.

use std::fmt;

use crate::id::{SpanId, TraceId};
use crate::instrumentation_scope::InstrumentationScope;
use crate::span_context::SpanContext;
use crate::value::{drop_list, release_str, KeyValue, Str};

/// The role of a span in a request, as in OpenTelemetry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// Work inside one process (the default).
    #[default]
    Internal,
    /// The handling of a request from a remote client.
    Server,
    /// A request to a remote server.
    Client,
    /// The sending of a message for later, asynchronous processing.
    Producer,
    /// The processing of a message sent by a producer.
    Consumer,
}

impl SpanKind {
    /// The lowercase name, e.g. `server`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// The attribute that carries [`SpanData::span_type`] in exported data
/// (unless the span set that attribute itself).
pub const SPAN_TYPE_ATTRIBUTE: &str = "span.type";

/// What kind of step an AI/agent workload span is.
///
/// # Example
/// ```
/// use baton::SpanType;
/// assert_eq!(SpanType::Llm.as_str(), "llm");
/// assert_eq!(SpanType::Custom("planner".into()).as_str(), "planner");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpanType {
    /// An autonomous agent's turn.
    Agent,
    /// A fixed sequence of steps.
    Chain,
    /// A tool or function call.
    Tool,
    /// A language-model call.
    Llm,
    /// A document or vector-store lookup.
    Retrieval,
    /// An embedding computation.
    Embedding,
    /// A reranking of retrieved results.
    Reranker,
    /// A safety or policy check.
    Guardrail,
    /// A quality evaluation.
    Evaluator,
    /// Any other named step type.
    Custom(Str),
}

impl SpanType {
    /// The lowercase name, e.g. `retrieval`, or the custom name.
    pub fn as_str(&self) -> &str {
        match self {
            SpanType::Agent => "agent",
            SpanType::Chain => "chain",
            SpanType::Tool => "tool",
            SpanType::Llm => "llm",
            SpanType::Retrieval => "retrieval",
            SpanType::Embedding => "embedding",
            SpanType::Reranker => "reranker",
            SpanType::Guardrail => "guardrail",
            SpanType::Evaluator => "evaluator",
            SpanType::Custom(name) => name,
        }
    }
}

impl fmt::Display for SpanType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of a span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Status {
    /// No status was set (the default).
    #[default]
    Unset,
    /// The operation succeeded.
    Ok,
    /// The operation failed.
    Error {
        /// What went wrong.
        description: Str,
    },
}

/// Something that happened at one instant during a span.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The event name.
    pub name: Str,
    /// When, in unix nanoseconds.
    pub time_unix_nanos: u64,
    /// Its attributes.
    pub attributes: Vec<KeyValue>,
    /// Attributes discarded past the per-event limit.
    pub dropped_attributes_count: u32,
}

impl Event {
    /// An event at `time_unix_nanos`.
    pub fn new(name: impl Into<Str>, time_unix_nanos: u64, attributes: Vec<KeyValue>) -> Event {
        Event {
            name: name.into(),
            time_unix_nanos,
            attributes,
            dropped_attributes_count: 0,
        }
    }
}

/// A reference from a span to another span, in this trace or another.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Link {
    /// The linked span.
    pub span_context: SpanContext,
    /// Its attributes.
    pub attributes: Vec<KeyValue>,
    /// Attributes discarded past the per-link limit.
    pub dropped_attributes_count: u32,
}

impl Link {
    /// A link to `span_context`.
    pub fn new(span_context: SpanContext, attributes: Vec<KeyValue>) -> Link {
        Link {
            span_context,
            attributes,
            dropped_attributes_count: 0,
        }
    }
}

/// Drops a span's attributes and those of its events and links one value
/// at a time (see [`drop_list`]): a span baton did not record itself (one
/// the application built, handed to an exporter) holds values nothing cut
/// to the depth limit, which may nest deeper than the stack could follow.
pub(crate) fn drop_parts(attributes: Vec<KeyValue>, events: Vec<Event>, links: Vec<Link>) {
    drop_list(attributes);
    for event in events {
        drop_list(event.attributes);
    }
    for link in links {
        drop_list(link.attributes);
    }
}

/// The most attributes whose room a list handed from span to span keeps
/// (a released [`SpanData`], spare extras): a few attributes are then
/// recorded without an allocation, and the room kept stays small (see
/// `spare_boxes`).
pub(crate) const KEPT_ATTRIBUTE_ROOM: usize = 4;

/// A finished span, as exporters receive it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SpanData {
    /// The span name.
    pub name: Str,
    /// Its ids, flags and tracestate.
    pub span_context: SpanContext,
    /// The parent span, local or remote; `None` for a root.
    pub parent_span_id: Option<SpanId>,
    /// Whether the parent lives in another process.
    pub parent_is_remote: bool,
    /// The span kind.
    pub kind: SpanKind,
    /// The AI/agent step type, if set. Exported as the
    /// [`SPAN_TYPE_ATTRIBUTE`] attribute after the span's own, unless one
    /// of them is that attribute; within the span's attribute limits, as
    /// that attribute: a recorded span over the count limit has none (it
    /// was dropped and counted), and a custom name is cut to the value
    /// length.
    pub span_type: Option<SpanType>,
    /// Start, in unix nanoseconds.
    pub start_unix_nanos: u64,
    /// End, in unix nanoseconds; never before the start.
    pub end_unix_nanos: u64,
    /// Attributes in the order they were set (a re-set key keeps its place).
    pub attributes: Vec<KeyValue>,
    /// Attributes discarded past the limit.
    pub dropped_attributes_count: u32,
    /// Events in order.
    pub events: Vec<Event>,
    /// Events discarded past the limit.
    pub dropped_events_count: u32,
    /// Links in order.
    pub links: Vec<Link>,
    /// Links discarded past the limit.
    pub dropped_links_count: u32,
    /// The final status.
    pub status: Status,
    /// A tracer's scope; `None` is baton's own (see [`SpanData::scope`]).
    /// Kept for the process (see [`tracer`](crate::tracer)), so it owns
    /// nothing, and a slot reused for the next span writes over it
    /// without a drop.
    pub(crate) scope: Option<&'static InstrumentationScope>,
}

impl SpanData {
    /// A span that holds nothing out of line and nothing of its own: what
    /// an export slot holds between two spans (see [`set_bare`](Self::set_bare)).
    pub(crate) const BLANK: SpanData = SpanData {
        name: Str::Borrowed(""),
        span_context: SpanContext::VACANT,
        parent_span_id: None,
        parent_is_remote: false,
        kind: SpanKind::Internal,
        span_type: None,
        start_unix_nanos: 0,
        end_unix_nanos: 0,
        attributes: Vec::new(),
        dropped_attributes_count: 0,
        events: Vec::new(),
        dropped_events_count: 0,
        links: Vec::new(),
        dropped_links_count: 0,
        status: Status::Unset,
        scope: None,
    };

    /// Makes this [released](Self::release) span the one with nothing but
    /// its name, ids, kind and times. The parts a released span holds
    /// blank (attributes, events, links, status) are not written again,
    /// and the name and span context it holds own nothing, so they are
    /// written over without a drop.
    #[inline(always)]
    pub(crate) fn set_bare(
        &mut self,
        name: Str,
        span_context: SpanContext,
        parent_is_remote: bool,
        kind: SpanKind,
        start_unix_nanos: u64,
        end_unix_nanos: u64,
    ) {
        debug_assert!(self.is_released());
        self.parent_span_id = span_context.parent_span_id();
        std::mem::forget(std::mem::replace(&mut self.name, name));
        std::mem::forget(std::mem::replace(&mut self.span_context, span_context));
        self.parent_is_remote = parent_is_remote;
        self.kind = kind;
        self.span_type = None;
        self.scope = None;
        self.start_unix_nanos = start_unix_nanos;
        self.end_unix_nanos = end_unix_nanos;
        self.dropped_attributes_count = 0;
        self.dropped_events_count = 0;
        self.dropped_links_count = 0;
    }

    /// Drops what the span owns, leaving a span that [`set_bare`] can
    /// write over: the parts a plain span does not have are blank, and the
    /// name and span context own nothing. Most spans own nothing, and each
    /// part is dropped only when it does: the drop of the whole span was
    /// four calls that checked every part (a quarter of the export
    /// thread's instructions per span, callgrind, `.ci/instructions root`).
    ///
    /// [`set_bare`]: Self::set_bare
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        release_str(&mut self.name);
        self.span_context.release();
        // The room of a short list is kept, for the next span written here
        // to hand to a span that records (see `Record::finish_into`).
        if self.attributes.capacity() > KEPT_ATTRIBUTE_ROOM {
            self.attributes = Vec::new();
        } else if !self.attributes.is_empty() {
            self.attributes.clear();
        }
        if self.events.capacity() != 0 {
            self.events = Vec::new();
        }
        if self.links.capacity() != 0 {
            self.links = Vec::new();
        }
        if !matches!(self.status, Status::Unset) {
            self.status = Status::Unset;
        }
    }

    /// Whether it is as [`release`](Self::release) leaves it.
    fn is_released(&self) -> bool {
        matches!(self.name, Str::Borrowed(_))
            && self.span_context.trace_state().is_empty()
            && self.attributes.is_empty()
            && self.attributes.capacity() <= KEPT_ATTRIBUTE_ROOM
            && self.events.capacity() == 0
            && self.links.capacity() == 0
            && matches!(self.status, Status::Unset)
    }

    /// The trace id.
    pub fn trace_id(&self) -> TraceId {
        self.span_context.trace_id()
    }

    /// The span id.
    pub fn span_id(&self) -> SpanId {
        self.span_context.span_id()
    }

    /// The instrumentation scope the span was recorded in: its
    /// [`Tracer`](crate::Tracer)'s, or [`InstrumentationScope::baton`] for
    /// a span of [`span`](crate::span).
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// baton::tracer("my.library").build().in_span("query", || {});
    /// assert_eq!(spans.finished_spans()[0].scope().name(), "my.library");
    /// ```
    pub fn scope(&self) -> &InstrumentationScope {
        self.scope.unwrap_or(InstrumentationScope::baton())
    }

    /// The value of attribute `key`.
    pub fn attribute(&self, key: &str) -> Option<&crate::value::Value> {
        self.attributes
            .iter()
            .find(|kv| kv.key == key)
            .map(|kv| &kv.value)
    }

    /// The duration in nanoseconds.
    pub fn duration_nanos(&self) -> u64 {
        self.end_unix_nanos.saturating_sub(self.start_unix_nanos)
    }
}

//! Spans: the builder, the owned [`Span`], the [`SpanRef`] handle and the
//! [`SpanGuard`] that makes a span current.
//!
//! A span's record stays with its one owner (a `Span`, or the stack frame of
//! an entered span) and costs no allocation, lock or reference count until
//! something asks for the span's context; see `span_state`.

use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::fmt;
use std::mem::ManuallyDrop;
use std::panic::Location;

use crate::baggage::Baggage;
use crate::context::Context;
use crate::ended_span::EndedSpan;
use crate::id::{SpanId, TraceId};
use crate::id_generator::IdGenerator;
use crate::instrumentation_scope::InstrumentationScope;
use crate::panic_hook;
use crate::recorder;
use crate::sampling::{SamplingDecision, SamplingParams};
use crate::span_context::{SpanContext, TraceFlags};
use crate::span_data::{Link, SpanKind, SpanType, Status};
use crate::span_record::{Ended, Exception, Extras, Record, MAX_ERROR_SOURCES};
use crate::span_state::{Body, Head, SpanState};
use crate::stack::{self, FrameRef};
use crate::value::{drop_list, drop_value, KeyValue, Str, Value};
use crate::wire::b3::Sampling;

/// Starts building a span named `name`.
///
/// # Example: nested spans
/// ```
/// let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
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
        parent: Parent::Current,
        extras: None,
    }
}

/// Runs `f` inside a new current span named `name`; the span ends when `f`
/// returns or unwinds (a panic sets its status to error).
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
///
/// The handle may outlive the span's scope and cross threads, so asking for
/// it gives the span a shared record (one allocation).
///
/// A remote parent (a context extracted from headers and attached, with no
/// span of this process entered under it) is not a local span: this gives
/// `None` there, where OpenTelemetry's `get_current_span()` gives a
/// non-recording span. `None` keeps meaning "no span of ours to record
/// in". For log correlation, [`current_trace_id`],
/// [`current_span_id`](crate::current_span_id) and
/// [`log_ids`](crate::log_ids) read the current context, remote parent
/// included; [`Context::current`]`().span_context()` gives its whole span
/// context.
///
/// ```
/// use std::collections::HashMap;
/// let headers = HashMap::from([(
///     "traceparent".to_string(),
///     "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_string(),
/// )]);
/// let _remote = baton::propagated_context(&headers);
/// assert!(baton::current_span().is_none());
/// let trace_id = baton::current_trace_id().unwrap();
/// assert_eq!(trace_id.to_string(), "0af7651916cd43dd8448eb211c80319c");
/// let remote = baton::Context::current().span_context().cloned().unwrap();
/// assert!(remote.is_remote());
/// assert_eq!(remote.span_id().to_string(), "b7ad6b7169203331");
/// ```
pub fn current_span() -> Option<SpanRef> {
    // Checked first under the borrow: asking for the context shares the
    // span, which is only worth it when there is a local span to hand out.
    let local = stack::with_current(|c| c.span_name().is_some());
    local.then(|| SpanRef {
        cx: Context::current(),
    })
}

impl Context {
    /// The local span active in this context, as [`current_span`] gives it
    /// for the current one: OpenTelemetry's "extract the Span from a
    /// Context", for a context captured on one thread and used on another
    /// (a queue's message, a job's argument) to record in its span. `None`
    /// for a context without a span of this process: empty, or a remote
    /// parent only (see [`current_span`]).
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let guard = baton::span("request").enter();
    /// let cx = baton::Context::current();
    /// std::thread::spawn(move || {
    ///     let span = cx.span().expect("the request span");
    ///     span.set_attribute("worker.done", true);
    /// })
    /// .join()
    /// .unwrap();
    /// drop(guard);
    /// assert_eq!(spans.take()[0].attribute("worker.done"), Some(&true.into()));
    /// assert!(baton::Context::default().span().is_none());
    /// ```
    pub fn span(&self) -> Option<SpanRef> {
        // What makes a span local on the stack (see `current_span`).
        self.local_span_name()
            .is_some()
            .then(|| SpanRef { cx: self.clone() })
    }
}

/// The trace id of the current context (local or remote), for log
/// correlation; `None` outside any trace, and for a no-op span (started
/// without a pipeline), which has no ids.
///
/// ```
/// {
///     let _no_op = baton::span("before init").enter();
///     assert_eq!(baton::current_trace_id(), None);
/// }
/// let _pipeline = baton::init(baton::Config::new()).unwrap();
/// assert_eq!(baton::current_trace_id(), None);
/// let span = baton::span("request").enter();
/// assert_eq!(baton::current_trace_id(), Some(span.trace_id()));
/// ```
pub fn current_trace_id() -> Option<TraceId> {
    stack::with_current(|c| {
        c.span_context()
            .filter(|sc| sc.is_valid())
            .map(SpanContext::trace_id)
    })
}

// Tagged by a byte, not by a niche of the context: telling the current
// parent from the others is then one comparison, where it took six
// (callgrind, LTO: an unsampled span 174 -> 171 instructions).
#[repr(u8)]
enum Parent {
    Current,
    Explicit(Context),
    Root,
}

/// Configures a span before it starts: made by [`span`] (or
/// [`Tracer::span`](crate::Tracer::span)), ended by
/// [`start`](SpanBuilder::start), which gives a [`Span`] that is not
/// current, or [`enter`](SpanBuilder::enter), which gives a [`SpanGuard`]
/// that makes it current until dropped. The sampler decides at the start
/// and sees what was set here (kind, attributes, links, parent), not what
/// is set on the started span.
///
/// # Example: a client call, with what is known at its start
/// ```
/// use baton::{SpanKind, SpanType};
/// let spans = baton::InMemoryExporter::default();
/// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// baton::span("search")
///     .kind(SpanKind::Client)
///     .span_type(SpanType::Retrieval)
///     .attr("db.system", "qdrant")
///     .start_time(1_000)
///     .start()
///     .end_at(3_500);
/// let s = &spans.finished_spans()[0];
/// assert_eq!((s.kind, s.span_type.clone()), (SpanKind::Client, Some(SpanType::Retrieval)));
/// assert_eq!(s.attribute("db.system").unwrap().to_string(), "qdrant");
/// assert_eq!(s.duration_nanos(), 2_500);
/// ```
#[must_use = "a span builder does nothing until .start() or .enter()"]
pub struct SpanBuilder {
    name: Str,
    kind: SpanKind,
    parent: Parent,
    /// What only some spans have; it becomes the record's own, so a span
    /// with attributes allocates for them once.
    extras: Option<Box<Extras>>,
}

// `#[inline]` on the methods a caller chains on every span (`kind`,
// `root`, `start`): a public function that is not generic is not inlined
// into another crate without it, and each call moved the builder, or the
// span it returns, through memory (peer benchmark, root span 8 % slower).
// `enter` stays a call: inlined into the caller, the stack push inside it
// was not.
impl SpanBuilder {
    /// Sets the kind. Defaults to [`SpanKind::Internal`].
    #[inline]
    pub fn kind(mut self, kind: SpanKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the AI/agent step type. Defaults to none.
    pub fn span_type(mut self, span_type: SpanType) -> Self {
        self.extras().span_type = Some(span_type);
        self
    }

    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Extras::new_box)
    }

    /// Records the span in `scope` (a [`Tracer`](crate::Tracer)'s) rather
    /// than baton's own.
    pub(crate) fn scope(mut self, scope: &'static InstrumentationScope) -> Self {
        self.extras().scope = Some(scope);
        self
    }

    /// Adds an attribute; the sampler sees it (see
    /// [`SamplingParams::attributes`]), as it does not see one set on the
    /// started span: prefer this for what is known at the start.
    pub fn attr(mut self, key: impl Into<Str>, value: impl Into<Value>) -> Self {
        self.extras().attributes.push(KeyValue::new(key, value));
        self
    }

    /// Adds a link to another span; the sampler sees it.
    ///
    /// A link to [`SpanContext::INVALID`] (no span to point to, say a
    /// message that arrived without a context) is recorded when it has
    /// attributes or a tracestate, as the OpenTelemetry API asks, and
    /// exported with all-zero ids. Without either it says nothing: it is
    /// not recorded, and that is reported as a
    /// [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind).
    ///
    /// ```
    /// use baton::{DiagnosticKind, KeyValue, SpanContext};
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let invalid_before = baton::diagnostic_count(DiagnosticKind::InvalidArgument);
    /// baton::span("consume")
    ///     .link(SpanContext::INVALID, vec![KeyValue::new("messaging.message.id", "m-17")])
    ///     .link(SpanContext::INVALID, vec![]) // says nothing: not recorded, reported
    ///     .start()
    ///     .end();
    /// let links = &spans.finished_spans()[0].links;
    /// assert_eq!(links.len(), 1);
    /// assert_eq!(links[0].span_context, SpanContext::INVALID);
    /// assert_eq!(links[0].attributes[0].key, "messaging.message.id");
    /// assert_eq!(baton::diagnostic_count(DiagnosticKind::InvalidArgument), invalid_before + 1);
    /// ```
    #[track_caller]
    pub fn link(mut self, span_context: SpanContext, attributes: Vec<KeyValue>) -> Self {
        if let Some(link) = link_to_record(span_context, attributes) {
            self.extras().links.push(link);
        }
        self
    }

    /// Uses `parent`'s active span as the parent instead of the current context.
    /// An empty context makes the span a root. The span takes `parent`'s
    /// baggage and session too, not the current ones, as OpenTelemetry's
    /// span takes its parent `Context`'s: the sampler sees them, and they
    /// are current inside the span once it is entered.
    ///
    /// ```
    /// let request = baton::Context::default().with_baggage("tenant", "acme");
    /// let _other = baton::set_baggage("tenant", "other");
    /// let _span = baton::span("job").parent(&request).enter();
    /// assert_eq!(baton::baggage("tenant").as_deref(), Some("acme"));
    /// ```
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Parent::Explicit(parent.clone());
        self
    }

    /// Makes the span the root of a new trace, whatever span is current.
    /// The current baggage and session still apply to it;
    /// [`new_trace_context`](crate::new_trace_context) leaves those out too.
    ///
    /// ```
    /// let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
    /// let _session = baton::session("chat-42");
    /// let parent = baton::span("request").enter();
    /// let job = baton::span("job").root().start();
    /// assert_eq!(job.parent_span_id(), None);
    /// assert_ne!(job.trace_id(), parent.trace_id());
    /// assert_eq!(job.context().session().map(|s| s.id().to_owned()).as_deref(), Some("chat-42"));
    /// ```
    #[inline]
    pub fn root(mut self) -> Self {
        // The current baggage goes along as the parent context's, which
        // holds no span: set on the builder here, `begin` stays as small
        // as it was (grown by a root's own arm, it made the child span's
        // path 10 instructions longer in the default profile).
        let baggage = stack::with_current(|c| c.baggage().clone());
        self.parent = if baggage.is_empty() {
            Parent::Root
        } else {
            Parent::Explicit(Context::default().with_baggage_replaced(baggage))
        };
        self
    }

    /// Sets an explicit start time in unix nanoseconds. Defaults to now.
    ///
    /// A span ends no earlier than it starts: one started later than the
    /// clock reads when it ends records its start as its end.
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let in_an_hour = baton::now_unix_nanos() + 3_600_000_000_000;
    /// baton::span("scheduled").start_time(in_an_hour).start().end();
    /// let s = &spans.finished_spans()[0];
    /// assert_eq!((s.start_unix_nanos, s.end_unix_nanos), (in_an_hour, in_an_hour));
    /// ```
    pub fn start_time(mut self, unix_nanos: u64) -> Self {
        self.extras().start_unix_nanos = Some(unix_nanos);
        self
    }

    /// Starts the span without making it current; it ends on [`Span::end`] or drop.
    #[inline]
    pub fn start(self) -> Span {
        match recorder::installed() {
            // Only a recording span, and only if the processor observes
            // starts; or a disabled SDK's.
            Some(r) if r.general_start => self.start_general(r),
            // Returned as built, so that it is built in the caller's place.
            Some(r) => self.begin_span(r),
            None => self.no_pipeline_span(),
        }
    }

    /// [`start`](Self::start) under a processor that observes starts: it
    /// is handed the span and the context the span started in. Under a
    /// disabled SDK, the span is a no-op tracer's (see `no_op_span`).
    // Not inlined: written in `start`, the parent's context made the root
    // and the unsampled span 3 instructions longer with LTO and 7 in the
    // default profile, where no processor observes starts (callgrind).
    #[inline(never)]
    fn start_general(self, r: &'static recorder::Recorder) -> Span {
        if r.disabled {
            return self.no_op_span();
        }
        // The current context is still the parent's after the span begins
        // (it is not entered); any other is the builder's.
        let given = match &self.parent {
            Parent::Current => None,
            Parent::Explicit(cx) => Some(cx.clone()),
            Parent::Root => Some(Context::default()),
        };
        let span = self.begin_span(r);
        if span.is_recording() {
            r.on_start(&span, &given.unwrap_or_else(Context::current));
        }
        span
    }

    /// Starts the span for a stack frame or a future to hold: the
    /// processor's `on_start` sees it only if it observes starts, so
    /// usually no [`Span`] is built.
    pub(crate) fn start_state(self) -> SpanState {
        // Asked before the span begins, so that `begin` writes the state
        // straight into the caller's place: asked after, the state was
        // copied there, and reading it so soon after it was written
        // stalled (perf: two thirds of this function's time).
        match recorder::installed() {
            Some(r) if r.general_start => self.start().into_state(),
            Some(r) => self.begin_state(r),
            None => self.no_pipeline_span().into_state(),
        }
    }

    /// The span begun under `r` (read once by the caller), as
    /// `build` makes it from the head and body: a [`Span`] or a
    /// [`SpanState`]. Built in place, not returned as a state and moved: a
    /// state just written field by field and copied out in 16-byte loads
    /// cannot be forwarded from the smaller stores, and the copy stalled
    /// (perf: two fifths of an unsampled span's time).
    //
    // Generic only for its two callers below, which are not: a generic
    // function is compiled in the crate that calls it, where baton's
    // functions not marked inline are calls. Called straight from `start`,
    // which is inlined into its caller, it was compiled there, and the peer
    // benchmark's root span went from 183 to 222 ns (A/B medians).
    fn begin<T>(self, r: &'static recorder::Recorder, build: impl FnOnce(Head, Body) -> T) -> T {
        // The builder's parts are moved where the span is built, never the
        // builder whole: moved whole, the builder its caller had just
        // written in pieces was copied in 16-byte loads, and the copy
        // stalled (perf: a fifth of a future's span start). Taken apart
        // first, its parts were kept on the machine stack across the start
        // (callgrind: an unsampled span 7 instructions longer, LTO).
        //
        // Each start matched where it is made: made in several places and
        // matched once, it was kept in memory, written in pieces and read
        // back in 16-byte loads (a stall).
        macro_rules! begin {
            ($start:expr, $asks:expr) => {
                match $start {
                    Start::Child {
                        span_context,
                        baggage,
                        parent_is_remote,
                    } => begun!(
                        r,
                        (self.name, self.kind, self.extras),
                        span_context.is_sampled(),
                        span_context,
                        baggage,
                        parent_is_remote,
                        Vec::new(),
                        build
                    ),
                    Start::Root { baggage, sampled } => begun!(
                        r,
                        (self.name, self.kind, self.extras),
                        sampled,
                        child_of(None, random_root, SpanId::random(), sampled),
                        baggage,
                        false,
                        Vec::new(),
                        build
                    ),
                    Start::Asks => asked(r, self.name, self.kind, self.extras, $asks, build),
                }
            };
        }
        // Matched by value: only the explicit context has anything to drop,
        // and the other arms leave no drop glue behind (it was a call).
        match self.parent {
            // A stack that cannot be read is the empty context.
            Parent::Current => begin!(
                stack::with_current_or(|c| Start::under(r, c), || Start::Asks),
                stack::with_current(ParentParts::of)
            ),
            Parent::Explicit(cx) => {
                let start = Start::under(r, stack::Current::Context(&cx));
                // Read before the context goes.
                let parent = match start {
                    Start::Asks => ParentParts::of(stack::Current::Context(&cx)),
                    _ => ParentParts::default(),
                };
                // Not the drop glue, whose inlined box drop made an
                // unsampled span's start 10 instructions longer (default
                // profile).
                cx.release();
                begin!(start, parent)
            }
            Parent::Root => begin!(
                Start::under(r, stack::Current::EMPTY),
                ParentParts::default()
            ),
        }
    }

    /// A span begun with no pipeline installed: the API's in the absence
    /// of an SDK, a no-op tracer's (see `no_op_span`), unless a pipeline
    /// was installed since the caller looked.
    #[cold]
    fn no_pipeline_span(self) -> Span {
        match recorder::begin_without_pipeline() {
            None => self.no_op_span(),
            Some(_) => self.start(),
        }
    }

    /// A span begun with no pipeline installed, or under a disabled SDK
    /// (`OTEL_SDK_DISABLED`): a no-op tracer's span, as the API's is in
    /// the absence of an SDK, is its parent's context, or the invalid one,
    /// since new ids would be injected downstream as a trace that does not
    /// exist (and, sampled, as a span someone records: the SDK "MUST NOT
    /// allow" a sampled span that does not record). A decision that came
    /// without ids goes on with it: the span's context is then that
    /// decision's, so the next hop is told what the caller decided.
    #[cold]
    fn no_op_span(self) -> Span {
        let (span_context, baggage, decision) = match self.parent {
            // Under a no-op span, the decision is in that span's own
            // context (see `Current::decision_without_ids`).
            Parent::Current => stack::with_current(|c| {
                (
                    c.span_context().cloned(),
                    c.baggage().clone(),
                    c.decision_without_ids(),
                )
            }),
            Parent::Explicit(cx) => (
                cx.span_context().cloned(),
                cx.baggage().clone(),
                cx.remote_decision(),
            ),
            Parent::Root => (None, Baggage::EMPTY, None),
        };
        drop_extras(self.extras);
        let span_context = span_context.filter(SpanContext::is_valid);
        let body = match (&span_context, decision) {
            // Named, so that the span is found in its context as it is
            // on the stack; its invalid span context is none there.
            (None, Some(decision)) => Body::Shared(
                Context::for_span(
                    SpanContext::INVALID,
                    self.name.clone(),
                    None,
                    baggage.clone(),
                )
                .with_remote_decision(Some(decision)),
            ),
            _ => Body::Quiet,
        };
        let head = Head {
            span_context: span_context.unwrap_or(SpanContext::INVALID),
            name: self.name,
            baggage,
        };
        Span::new(head, body)
    }

    /// `begin` into a [`Span`].
    fn begin_span(self, r: &'static recorder::Recorder) -> Span {
        self.begin(r, Span::new)
    }

    /// `begin` into a [`SpanState`].
    fn begin_state(self, r: &'static recorder::Recorder) -> SpanState {
        self.begin(r, |head, body| SpanState { head, body })
    }

    /// Starts the span and makes it current until the guard drops; dropping
    /// the guard also ends the span.
    #[track_caller]
    pub fn enter(mut self) -> SpanGuard {
        let location = Location::caller();
        // Filled in where it is returned: built elsewhere and moved here,
        // it was read back right after it was written, and stalled.
        let mut guard = SpanGuard {
            frame: FrameRef::none(location),
            span_context: ManuallyDrop::new(SpanContext::VACANT),
            unpushed: ManuallyDrop::new(None),
        };
        if self.enter_local_child(location, &mut guard) {
            // The builder owns nothing now (its name went into the span;
            // it has no parent or extras of its own): forgotten, not
            // dropped, which would check each part again.
            std::mem::forget(self);
            return guard;
        }
        let state = self.start_state();
        guard.span_context = ManuallyDrop::new(state.span_context().clone());
        match FrameRef::push(state, location) {
            Ok(frame) => guard.frame = frame,
            // No room on the stack (reported): the span still records and
            // ends with its guard, without becoming current.
            Err(state) => *guard.unpushed = Some(Box::new(RefCell::new(state))),
        }
        guard
    }

    /// Enters the span as a child of the span on top of this thread's
    /// stack (local, or a no-op span carrying a received context), in one
    /// borrow of the stack, when its start needs
    /// nothing outside baton: the sampler's decision for it is known (see
    /// [`known_decision`](crate::sampling::known_decision)), no
    /// processor observes starts, ids are random, and the builder has no
    /// parent or extras of its own (attributes, links, type, start time).
    /// Whether it was: not otherwise, and not while the thread unwinds a
    /// panic (a span started then notes it: see `Record::start`). The span
    /// is the one `begin` would make: the same context, baggage and record.
    // The builder lent, not moved in and handed back: moved, it was copied
    // whole at the start of `enter`, in wider loads than the stores its
    // caller had just written it with, which stalled (perf: a fifth of
    // `enter` in the peer benchmark's build).
    #[inline]
    fn enter_local_child(
        &mut self,
        location: &'static Location<'static>,
        guard: &mut SpanGuard,
    ) -> bool {
        let Some(r) = recorder::installed() else {
            return false;
        };
        // One branch, not four: chained with `||`, each check was a branch
        // the compiler weighs as even, so the push below looked cold (one
        // path in 64) and its thread-local access was inlined only while
        // another heuristic happened to allow it (a change elsewhere in the
        // crate took it away: 50 instructions per child span, default
        // profile). The push path evaluates every check anyway.
        let general = r.general_children
            | !matches!(self.parent, Parent::Current)
            | self.extras.is_some()
            | recorder::suppressed()
            | panic_hook::span_starts_unwinding();
        if general {
            return false;
        }
        let pushed = FrameRef::push_child(location, |parent, frame| {
            // Remote when the span on top is a no-op span begun before
            // `init` that carries a received context: its child is the
            // remote span's.
            let Start::Child {
                span_context,
                baggage,
                parent_is_remote,
            } = Start::under(r, stack::Current::Span(parent))
            else {
                return None;
            };
            let sampled = span_context.is_sampled();
            let body = if sampled {
                Body::Recording(Record::start(
                    self.kind,
                    parent_is_remote,
                    &r.limits,
                    None,
                    &baggage,
                    Vec::new(),
                    false,
                ))
            } else {
                Body::Quiet
            };
            // Cloned before the span is built, while its parts are still
            // in registers: read back from the span, it stalled.
            guard.frame = frame;
            guard.span_context = ManuallyDrop::new(span_context.clone());
            let head = Head {
                span_context,
                name: std::mem::take(&mut self.name),
                baggage,
            };
            Some(SpanState { head, body })
        });
        pushed
    }
}

/// The span begun as [`SpanBuilder::begin`] begins it where the sampler is
/// asked (the decision is not known: see `Start::under`), under `parent`.
/// Out of line, so that the known way is compiled without the registers
/// this one needs.
#[inline(never)]
fn asked<T>(
    r: &'static recorder::Recorder,
    name: Str,
    kind: SpanKind,
    extras: Option<Box<Extras>>,
    parent: ParentParts,
    build: impl FnOnce(Head, Body) -> T,
) -> T {
    let ParentParts {
        span_context: parent_sc,
        baggage,
        remote_decision,
    } = parent;
    // A disabled SDK's root span, still open under a pipeline installed
    // since, is no parent: its ids are placeholders (see
    // `recorder::install`, which sends its children here).
    let parent_sc = parent_sc.filter(SpanContext::is_valid);
    let parent_is_remote = parent_sc.as_ref().is_some_and(SpanContext::is_remote);
    let ids = r.ids.as_deref();
    // Drawn only here and for a root: a custom generator's root used to
    // draw a random id as well, and a disabled tracer's root one it
    // never used.
    let (trace_id, flags) = match (&parent_sc, ids) {
        // W3C: bits the spec does not define are the parent's, never
        // carried into a span of ours.
        (Some(p), _) => (p.trace_id(), p.flags().known()),
        (None, Some(ids)) if std::thread::panicking() => {
            while_unwinding(|| root_of(ids), random_root)
        }
        (None, Some(ids)) => root_of(ids),
        (None, None) => random_root(),
    };
    let result = {
        let mut params = SamplingParams::new(parent_sc.as_ref(), trace_id, &name)
            .with_remote_decision(remote_decision)
            .with_baggage(&baggage);
        params.kind = kind;
        if let Some(extras) = &extras {
            params.attributes = &extras.attributes;
            params.links = &extras.links;
        }
        let sampler = &*r.sampler;
        if std::thread::panicking() {
            while_unwinding(
                || sampler.should_sample(&params),
                || SamplingDecision::Drop.into(),
            )
        } else {
            sampler.should_sample(&params)
        }
    };
    let span_id = match ids {
        Some(ids) if std::thread::panicking() => {
            while_unwinding(|| ids.new_span_id(), SpanId::random)
        }
        Some(ids) => ids.new_span_id(),
        None => SpanId::random(),
    };
    let span_context = child_of(
        parent_sc.as_ref(),
        || (trace_id, flags),
        span_id,
        result.is_sampled(),
    );
    // A debug decision received without ids makes a debug trace, as a
    // debug parent's child is one (B3: the next hop gets `d` again).
    let span_context = match remote_decision {
        Some(Sampling::Debug) if result.is_sampled() => debug_trace(span_context),
        _ => span_context,
    };
    // Only a sampler that was called gives a tracestate.
    let span_context = match result.trace_state {
        Some(trace_state) => span_context.with_trace_state(trace_state),
        None => span_context,
    };
    begun!(
        r,
        (name, kind, extras),
        result.decision.is_recording(),
        span_context,
        baggage,
        parent_is_remote,
        result.attributes,
        build
    )
}

/// The link to `span_context`, unless it is a link to the invalid span
/// context that carries nothing (no attributes, no tracestate): that one is
/// reported, and not recorded.
#[track_caller]
fn link_to_record(span_context: SpanContext, attributes: Vec<KeyValue>) -> Option<Link> {
    if !span_context.is_valid() && attributes.is_empty() && span_context.trace_state().is_empty() {
        crate::diagnostic::report(
            crate::diagnostic::DiagnosticKind::InvalidArgument,
            &"link to the invalid span context with no attributes and no tracestate: \
              it carries nothing, and is not recorded",
            Some(Location::caller()),
        );
        return None;
    }
    Some(Link::new(span_context, attributes))
}

/// Drops a builder's out-of-line parts, if it has any; their values go
/// without recursion (see `Extras`' drop). Most builders have none, and
/// the drop glue of the empty box was a call (as `drop_list`).
#[inline]
fn drop_extras(extras: Option<Box<Extras>>) {
    if extras.is_some() {
        drop(extras);
    } else {
        std::mem::forget(extras);
    }
}

/// The span `$build` makes once its start is decided: recording (with
/// the sampler's `$attributes`) when `$records` and this thread runs no
/// pipeline code, quiet otherwise; of the builder's name, kind and extras.
// A macro, not a function: each place a start is decided builds its span
// in the caller's place with its own values. Merged into one build, the
// root's and the child's parts were chosen field by field and spilled
// (callgrind: an unsampled span 32 instructions longer); as an
// `#[inline(always)]` function, the root and the unsampled span were 6
// instructions longer. Built in each branch, not from a body chosen first:
// chosen first, the quiet span wrote the recording one's fields as well
// (13 instructions).
macro_rules! begun {
    ($r:expr, ($name:expr, $kind:expr, $extras:expr), $records:expr, $span_context:expr,
     $baggage:expr, $parent_is_remote:expr, $attributes:expr, $build:expr) => {{
        let (records, span_context, baggage, attributes) =
            ($records, $span_context, $baggage, $attributes);
        if records && !recorder::suppressed() {
            let record = Record::start(
                $kind,
                $parent_is_remote,
                &$r.limits,
                $extras,
                &baggage,
                attributes,
                panic_hook::span_starts_unwinding(),
            );
            let head = Head {
                span_context,
                name: $name,
                baggage,
            };
            return $build(head, Body::Recording(record));
        }
        drop_list(attributes);
        drop_extras($extras);
        let head = Head {
            span_context,
            name: $name,
            baggage,
        };
        $build(head, Body::Quiet)
    }};
}
use begun;

/// The span context of new span `span_id` under `parent` (a root with the
/// trace id and flags `root` gives when there is none).
// Always: as a closure called from three places in `begin`, it was left a
// call in some builds (callgrind: 69 instructions of every span, default
// profile).
#[inline(always)]
fn child_of(
    parent: Option<&SpanContext>,
    root: impl FnOnce() -> (TraceId, TraceFlags),
    span_id: SpanId,
    sampled: bool,
) -> SpanContext {
    match parent {
        Some(p) => p.child(span_id, sampled),
        None => {
            let (trace_id, flags) = root();
            SpanContext::new(trace_id, span_id, flags.with_sampled(sampled))
        }
    }
}

/// `span_context` marked as a debug trace: out of line, as it is rare.
#[cold]
#[inline(never)]
fn debug_trace(span_context: SpanContext) -> SpanContext {
    span_context.with_debug(true)
}

/// A root span's trace id and flags drawn by the application's generator.
#[inline]
fn root_of(ids: &dyn IdGenerator) -> (TraceId, TraceFlags) {
    let random = ids.is_trace_id_random();
    (
        ids.new_trace_id(),
        TraceFlags::default().with_random(random),
    )
}

/// `call` (the application's sampler or id generator) made while this
/// thread unwinds a panic, where a second panic escaping a drop aborts the
/// process: its panic is caught and reported, and `instead` answers.
/// The span then records nothing (a sampler's panic drops it) or gets an
/// id of baton's own.
#[cold]
#[inline(never)]
fn while_unwinding<T>(call: impl FnOnce() -> T, instead: impl FnOnce() -> T) -> T {
    crate::panic_hook::catch_callback(call).unwrap_or_else(|_| {
        crate::diagnostic::report(
            crate::diagnostic::DiagnosticKind::CallbackPanicked,
            &"the sampler or id generator panicked while the thread unwound another panic; caught",
            None,
        );
        instead()
    })
}

/// A root span's trace id and flags when baton draws the id: random, as the
/// W3C `random` flag says.
#[inline]
fn random_root() -> (TraceId, TraceFlags) {
    (TraceId::random(), TraceFlags::default().with_random(true))
}

/// How a span starts, as its parent context tells (for the current
/// context, read under the stack's borrow).
enum Start {
    /// The parent is a span context and the sampler's decision for its
    /// child is known (see `Recorder::known_for_child`): the child's
    /// context, made where the parent lies.
    Child {
        span_context: SpanContext,
        baggage: Baggage,
        parent_is_remote: bool,
    },
    /// A root whose decision is known.
    Root { baggage: Baggage, sampled: bool },
    /// The sampler decides: its parameters are read again, as copying
    /// them out here kept every start in memory.
    Asks,
}

impl Start {
    /// How a span under `current` starts. Known without the sampler (see
    /// `known_decision`): the parameters are not built and the sampler is
    /// not called, and a span that records nothing allocates nothing.
    /// Never known with ids of the application's (see `Recorder::ids`):
    /// its generator is called only where the sampler is, and the known
    /// way pays nothing for it.
    #[inline(always)]
    fn under(r: &recorder::Recorder, current: stack::Current<'_>) -> Start {
        // In one match: asked for apart, the frame's and the context's
        // forms were matched again for the baggage, after the span id was
        // drawn (callgrind, LTO: an unsampled span 171 -> 155 instructions).
        let (parent, baggage) = current.span_context_and_baggage();
        match parent {
            Some(p) => match r.known_for_child(p) {
                Some(sampled) => Start::Child {
                    span_context: p.child(SpanId::random(), sampled),
                    baggage: baggage.clone(),
                    parent_is_remote: p.is_remote(),
                },
                None => Start::Asks,
            },
            None => match r.known_for_root(current.decision_without_ids().is_some()) {
                Some(sampled) => Start::Root {
                    baggage: baggage.clone(),
                    sampled,
                },
                None => Start::Asks,
            },
        }
    }
}

/// What a new span takes from its parent context, copied out under the
/// stack's borrow.
#[derive(Default)]
struct ParentParts {
    span_context: Option<SpanContext>,
    baggage: Baggage,
    remote_decision: Option<Sampling>,
}

impl ParentParts {
    /// The parts of `current`: a no-op span (no pipeline, or a disabled
    /// one) carries a decision that came without ids on to its children.
    #[inline(always)]
    fn of(current: stack::Current<'_>) -> ParentParts {
        ParentParts {
            span_context: current.span_context().cloned(),
            baggage: current.baggage().clone(),
            remote_decision: current.decision_without_ids(),
        }
    }
}

use recorder::limits;

/// Ends `state` now and hands its record to the pipeline. A span let go
/// of while its thread panics records the panic: the panic escaped it.
pub(crate) fn finish(mut state: SpanState) {
    let unwinding = std::thread::panicking();
    if unwinding {
        record_panic(&mut state);
    }
    if let Some(data) = state.finish(limits, stack::release_spare, recorder::on_end_plain) {
        if unwinding {
            recorder::on_end_caught(data);
        } else {
            recorder::on_end(data);
        }
    }
}

/// Ends `spans`, the innermost (last) first, as the stack unwinding would end
/// them; all of them, also when the processor panics ending one: the
/// others then end as spans that panic unwinds past, recording it, where
/// they had been dropped unended, lost without a word.
pub(crate) fn finish_innermost_first(spans: Vec<SpanState>) {
    /// What is left to end when a processor's panic unwinds out of the
    /// loop below.
    struct Rest(Vec<SpanState>);
    impl Drop for Rest {
        fn drop(&mut self) {
            while let Some(span) = self.0.pop() {
                finish(span);
            }
        }
    }
    let mut rest = Rest(spans);
    while let Some(span) = rest.0.pop() {
        finish(span);
    }
}

/// Ends the span `head` names now, as its owner lets go of it: where it
/// lies when only the owner refers to its record, as the stack ends an
/// entered span, and otherwise through [`finish`]. Taken out whole into a
/// state and moved to `finish` every time, a root span cost 37
/// instructions more (callgrind, default profile) and the peer
/// benchmark's root span about 8 % more outside the clock (perf). What is
/// left ends nothing.
pub(crate) fn finish_in_place(head: &mut Head, body: &mut Body) {
    if !std::thread::panicking() {
        if let Some(ended) = body.take_ended_or_hand(head, limits, recorder::on_end_plain) {
            // Released before a processor runs that may panic: the owner's
            // drop, which releases the head, would then not be reached.
            head.release();
            recorder::on_end(ended);
            return;
        }
        if body.ends_nothing() {
            return;
        }
    }
    finish(SpanState::take_from(head, body));
}

/// Records the panic unwinding past the span's owner as an escaped
/// exception, unless the span started while that panic unwound (see
/// `panic_hook::with_message`). Cold, so that `finish` stays small on the
/// usual path.
#[cold]
fn record_panic(state: &mut SpanState) {
    let limits = limits();
    // A span ended before has no record to note the panic in.
    let _ = state.with_record(|r| {
        let started_unwinding = r.started_unwinding();
        panic_hook::with_message(r.started_at(), started_unwinding, |message, stacktrace| {
            r.record_exception(
                &limits,
                Exception {
                    kind: "panic",
                    message,
                    sources: Vec::new(),
                    stacktrace,
                    escaped: true,
                    attributes: Vec::new(),
                },
            );
        });
    });
}

/// Reports that `what`, called at `location` on a span that had ended,
/// was discarded. Cold: a span's setters are called on live spans.
#[cold]
fn report_ended(what: &'static str, location: &'static Location<'static>) {
    crate::diagnostic::report(
        crate::diagnostic::DiagnosticKind::SpanAlreadyEnded,
        &format_args!("{what} on a span that has ended: discarded"),
        Some(location),
    );
}

/// Hands on what ending a span gave: its record to the pipeline, or, for
/// a span that had ended already, a report that `what` was discarded.
/// `framed`: the span may be open in a thread's stack, its guard alive
/// (ended through the guard or a [`SpanRef`]), not a [`Span`] of its own.
#[track_caller]
fn hand_on(ended: Result<Option<EndedSpan>, Ended>, what: &'static str, framed: bool) {
    match ended {
        Ok(Some(data)) => {
            recorder::on_end(data);
            // The spans that ended inside it here, and waited in this
            // thread's batch for it, go on with it: a flush elsewhere
            // finds them while its guard lives on.
            if framed {
                stack::span_ended_early();
            }
        }
        Ok(None) => {}
        Err(Ended) => report_ended(what, Location::caller()),
    }
}

/// What the setters of [`Span`], [`SpanRef`] and [`SpanGuard`] do to a
/// span's record; each type finds the record its own way.
trait Recorder {
    /// Runs `f` on the record while the span records; [`Ended`] if the
    /// span recorded until it ended, and `f` was not run.
    fn with_record(&self, f: impl FnOnce(&mut Record)) -> Result<(), Ended>;

    /// Changes the record with `f` while the span records; a change to a
    /// span that has ended is lost, and reported as `what`.
    #[track_caller]
    fn change(&self, what: &'static str, f: impl FnOnce(&mut Record)) {
        if self.with_record(f).is_err() {
            report_ended(what, Location::caller());
        }
    }

    /// [`change`](Recorder::change) with what the caller `given`, which
    /// `f` takes while the span records; otherwise it goes to `discard`,
    /// which drops its values without recursion (see [`drop_value`]), as
    /// nothing cuts them to the depth limit.
    #[track_caller]
    fn change_with<T>(
        &self,
        what: &'static str,
        given: T,
        discard: fn(T),
        f: impl FnOnce(&mut Record, T),
    ) {
        let mut given = Some(given);
        self.change(what, |r| {
            if let Some(given) = given.take() {
                f(r, given);
            }
        });
        if let Some(given) = given {
            discard(given);
        }
    }

    #[track_caller]
    fn set_attribute(&self, key: Str, value: Value) {
        let kv = KeyValue::new(key, value);
        self.change_with(
            "set_attribute",
            kv,
            |kv| drop_value(kv.value),
            |r, kv| r.set_attribute(&limits(), kv),
        );
    }

    #[track_caller]
    fn add_event(&self, name: Str, unix_nanos: Option<u64>, attributes: Vec<KeyValue>) {
        let what = match unix_nanos {
            Some(_) => "add_event_at",
            None => "add_event",
        };
        self.change_with(what, attributes, drop_list, |r, attributes| {
            r.add_event(&limits(), name, unix_nanos, attributes);
        });
    }

    #[track_caller]
    fn set_status(&self, status: Status) {
        self.change("set_status", |r| r.set_status(status));
    }

    #[track_caller]
    fn update_name(&self, name: Str) {
        self.change("update_name", |r| r.rename(name));
    }

    /// The name the last `update_name` gave, while the span records.
    fn renamed(&self) -> Option<String> {
        let mut renamed = None;
        // Read, not changed: an ended span has no new name to give.
        let _ = self.with_record(|r| renamed = r.renamed().map(str::to_owned));
        renamed
    }

    #[track_caller]
    fn add_link(&self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        if let Some(Link {
            span_context,
            attributes,
            ..
        }) = link_to_record(span_context, attributes)
        {
            self.change_with("add_link", attributes, drop_list, |r, attributes| {
                r.add_link(&limits(), Link::new(span_context, attributes));
            });
        }
    }

    #[track_caller]
    fn record_error(&self, kind: &str, error: &dyn std::error::Error, attributes: Vec<KeyValue>) {
        // Written out before the record is borrowed: the error's
        // `Display` is the application's code, which may call into baton.
        // Only so far: a `source()` chain may be endless (an error that is
        // its own source), and followed to its end it grew without bound.
        let message = written(error);
        let mut sources = Vec::new();
        let mut source = error.source();
        while let Some(e) = source {
            if sources.len() == MAX_ERROR_SOURCES {
                break;
            }
            sources.push(Str::Owned(written(e)));
            source = e.source();
        }
        let cut = source.is_some();
        let mut recorded = false;
        self.change_with("record_error", attributes, drop_list, |r, attributes| {
            recorded = true;
            // Taken here, where the span records: a span that records
            // nothing pays nothing, and one that does pays only when the
            // environment asks for stack traces.
            let backtrace = Backtrace::capture();
            r.record_exception(
                &limits(),
                Exception {
                    kind,
                    message: &message,
                    sources,
                    stacktrace: panic_hook::captured(&backtrace),
                    escaped: false,
                    attributes,
                },
            );
        });
        // After the record is let go of: the handler may change this span.
        // A span that records nothing drops the chain quietly.
        if cut && recorded {
            crate::diagnostic::report(
                crate::diagnostic::DiagnosticKind::LimitExceeded,
                &format_args!(
                    "error source chain longer than {MAX_ERROR_SOURCES} (or endless): \
                     exception.source_chain keeps the first {MAX_ERROR_SOURCES}"
                ),
                Some(Location::caller()),
            );
        }
    }
}

/// What `Display` writes of `value`, also when it then fails: an error's
/// formatting that returns `Err` (passing on a part's failure) made
/// `to_string` panic, and recorded while unwinding, abort the process.
fn written(value: &(impl fmt::Display + ?Sized)) -> String {
    let mut out = String::new();
    let _ = fmt::Write::write_fmt(&mut out, format_args!("{value}"));
    out
}

/// The name of an error's type for `exception.type`: its Rust type when
/// known, else the first word of its `Debug` form (`ParseIntError`, `Os`).
/// The type behind a reference or pointer (see [`pointee`]), as the
/// semantic conventions prefer "the dynamic type of the exception".
fn error_type<E: std::error::Error + ?Sized>(error: &E) -> String {
    let name = pointee(std::any::type_name::<E>());
    if !name.starts_with("dyn ") {
        return name.to_owned();
    }
    let debug = written(&format_args!("{error:?}"));
    let word: String = debug
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        "error".to_owned()
    } else {
        word
    }
}

/// The type named by `name` with the references and pointers that are
/// errors only through what they point to (`&E`, `Box<E>`, `Arc<E>`, whose
/// `Error`, `Display` and `Debug` are `E`'s) taken off: `&dyn Error` is
/// `dyn Error`, and `Arc<ParseIntError>` is `ParseIntError`.
fn pointee(mut name: &str) -> &str {
    const POINTERS: [&str; 2] = ["alloc::boxed::Box<", "alloc::sync::Arc<"];
    loop {
        let inner = name.strip_prefix('&').or_else(|| {
            POINTERS
                .iter()
                .find_map(|p| name.strip_prefix(p)?.strip_suffix('>'))
        });
        match inner {
            Some(inner) => name = inner,
            None => return name,
        }
    }
}

/// The read and write methods every span handle has; one definition, so
/// [`Span`], [`SpanRef`] and [`SpanGuard`] cannot drift apart.
macro_rules! span_methods {
    () => {
        /// The span id. A no-op root span (no pipeline, or a disabled SDK)
        /// carries [`SpanContext::INVALID`], whose ids are placeholders, not
        /// zeros: check `span_context().is_valid()` first, or read
        /// [`log_ids`](crate::log_ids), which has none then.
        pub fn span_id(&self) -> SpanId {
            self.span_context().span_id()
        }

        /// The trace id; a placeholder in a no-op root span, as
        /// [`span_id`](Self::span_id) says.
        pub fn trace_id(&self) -> TraceId {
            self.span_context().trace_id()
        }

        /// The parent's span id; `None` for a root.
        pub fn parent_span_id(&self) -> Option<SpanId> {
            self.span_context().parent_span_id()
        }

        /// Sets an attribute; a key set before keeps its place and gets the
        /// new value. An empty key, which the OpenTelemetry spec forbids, is
        /// discarded and counted as dropped. Does nothing when the span does
        /// not record; once it has ended, the call is ignored and reported
        /// as a [`DiagnosticKind::SpanAlreadyEnded`](crate::DiagnosticKind).
        ///
        /// Prefer [`SpanBuilder::attr`] for what is known when the span
        /// starts: the sampler decided then, and sees only those.
        #[track_caller]
        pub fn set_attribute(&self, key: impl Into<Str>, value: impl Into<Value>) {
            Recorder::set_attribute(self, key.into(), value.into());
        }

        /// Adds an event stamped now. Its attributes are kept as if set one
        /// by one: a key given twice keeps its first place and its last
        /// value, and an empty key is discarded and counted as dropped.
        #[track_caller]
        pub fn add_event(&self, name: impl Into<Str>, attributes: Vec<KeyValue>) {
            Recorder::add_event(self, name.into(), None, attributes);
        }

        /// Adds an event that happened at `unix_nanos`, the optional
        /// timestamp of the OpenTelemetry `AddEvent` (kept as given, also
        /// before the span's start or after its end), with its attributes
        /// kept as [`add_event`](Self::add_event) keeps them.
        #[track_caller]
        pub fn add_event_at(
            &self,
            name: impl Into<Str>,
            unix_nanos: u64,
            attributes: Vec<KeyValue>,
        ) {
            Recorder::add_event(self, name.into(), Some(unix_nanos), attributes);
        }

        /// Adds a link to another span after the start (the OpenTelemetry
        /// `AddLink`), kept as [`SpanBuilder::link`] keeps one and within
        /// the same limit. The sampler decided at the start and does not
        /// see it: give the builder the links known by then. Does nothing
        /// when the span does not record, and is reported once it has
        /// ended, as [`set_attribute`](Self::set_attribute) is.
        ///
        /// ```
        /// let spans = baton::InMemoryExporter::default();
        /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
        /// let span = baton::span("batch").start();
        /// let other = baton::span("message").start();
        /// let message = other.span_context().clone();
        /// span.add_link(message.clone(), vec![]);
        /// span.end();
        /// let batch = spans.finished_spans().into_iter().find(|s| s.name == "batch").unwrap();
        /// assert_eq!(batch.links[0].span_context, message);
        /// ```
        #[track_caller]
        pub fn add_link(&self, span_context: SpanContext, attributes: Vec<KeyValue>) {
            Recorder::add_link(self, span_context, attributes);
        }

        /// Replaces the span's name (the OpenTelemetry `UpdateName`): for a
        /// name known only once the span runs, such as the route a server
        /// matched. The span ends with the last name given; the sampler,
        /// which decided at the start, saw the first. Does nothing when the
        /// span does not record, and is reported once it has ended, as
        /// [`set_attribute`](Self::set_attribute) is.
        ///
        /// ```
        /// let spans = baton::InMemoryExporter::default();
        /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
        /// let span = baton::span("GET").start();
        /// span.update_name("GET /users/{id}");
        /// assert_eq!(span.name(), "GET /users/{id}");
        /// drop(span);
        /// assert_eq!(spans.take()[0].name, "GET /users/{id}");
        /// ```
        #[track_caller]
        pub fn update_name(&self, name: impl Into<Str>) {
            Recorder::update_name(self, name.into());
        }

        /// Sets the status as the OpenTelemetry API says: `Ok` is final, and
        /// `Unset` never replaces a status.
        #[track_caller]
        pub fn set_status(&self, status: Status) {
            Recorder::set_status(self, status);
        }

        /// Records an error as an `exception` event (`exception.type`,
        /// `exception.message`, and `exception.source_chain` with each
        /// `source()`, at most [`MAX_ERROR_SOURCES`](crate::MAX_ERROR_SOURCES)),
        /// and sets an error status unless it is `Ok`.
        ///
        /// `exception.stacktrace` holds where it was recorded when
        /// `RUST_LIB_BACKTRACE` or `RUST_BACKTRACE` asks for stack traces
        /// (see [`std::backtrace::Backtrace::capture`]), and only for a span
        /// that records; a panic that ends a span records where it
        /// happened, under the same condition.
        #[track_caller]
        pub fn record_error<E: std::error::Error + ?Sized>(&self, error: &E) {
            self.record_error_with(error, Vec::new());
        }

        /// [`record_error`](Self::record_error), with `attributes` added to
        /// the `exception` event; one named as an attribute the event has
        /// already (`exception.message`, say) takes its place, as the
        /// OpenTelemetry API says of `RecordException`. A message given so
        /// is the error status's description too, so that a message
        /// redacted in the event does not go out in the status.
        ///
        /// ```
        /// use baton::{KeyValue, Status};
        /// let spans = baton::InMemoryExporter::default();
        /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
        /// let span = baton::span("call").start();
        /// let err = "x".parse::<i32>().unwrap_err();
        /// span.record_error_with(&err, vec![KeyValue::new("exception.message", "redacted")]);
        /// span.end();
        /// let data = &spans.finished_spans()[0];
        /// let message = data.events[0].attributes.iter().find(|kv| kv.key == "exception.message");
        /// assert_eq!(message.map(|kv| kv.value.to_string()).as_deref(), Some("redacted"));
        /// assert_eq!(data.status, Status::Error { description: "redacted".into() });
        /// ```
        #[track_caller]
        pub fn record_error_with<E: std::error::Error + ?Sized>(
            &self,
            error: &E,
            attributes: Vec<KeyValue>,
        ) {
            Recorder::record_error(self, &error_type(error), &DynError(error), attributes);
        }
    };
}

/// Lets `record_error` take unsized errors and hand them on as `&dyn Error`.
struct DynError<'a, E: ?Sized>(&'a E);

impl<E: std::error::Error + ?Sized> fmt::Debug for DynError<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl<E: std::error::Error + ?Sized> fmt::Display for DynError<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl<E: std::error::Error + ?Sized> std::error::Error for DynError<'_, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A handle to a span: read its ids, add data while it is live, end it.
///
/// Cloning is cheap; a `SpanRef` does not keep the span from ending. For a
/// span that is not recording (not sampled, or no pipeline installed), the
/// setters do nothing; after the span ends, what they are given is
/// discarded and reported as a
/// [`DiagnosticKind::SpanAlreadyEnded`](crate::DiagnosticKind).
///
/// # Example: record in the current span from deep in a call
/// ```
/// use baton::DiagnosticKind;
/// let spans = baton::InMemoryExporter::default();
/// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// fn lookup(id: i64) {
///     let span = baton::current_span().expect("called inside a span");
///     span.set_attribute("user.id", id);
/// }
/// let kept = baton::in_span("request", || {
///     lookup(7);
///     baton::current_span().unwrap()
/// });
/// assert_eq!(spans.finished_spans()[0].attribute("user.id"), Some(&7.into()));
///
/// // The handle outlived its span: what it is given now is discarded.
/// kept.set_attribute("late", true);
/// assert_eq!(baton::diagnostic_count(DiagnosticKind::SpanAlreadyEnded), 1);
/// assert!(spans.finished_spans()[0].attribute("late").is_none());
/// ```
#[derive(Clone)]
pub struct SpanRef {
    /// A context whose active span is this span.
    cx: Context,
}

impl SpanRef {
    span_methods!();

    /// The span name: the last given to `update_name` while the span
    /// recorded, else the one it started with (see [`Span::name`]).
    pub fn name(&self) -> String {
        Recorder::renamed(self).unwrap_or_else(|| {
            self.cx
                .local_span_name()
                .map_or_else(String::new, Str::to_string)
        })
    }

    /// The span's ids, flags and tracestate: [`SpanContext::INVALID`] for
    /// a no-op span without ids (a root begun without a pipeline, or one
    /// carrying a decision received without ids), as its guard gives.
    pub fn span_context(&self) -> &SpanContext {
        /// Where the span's context holds none: a no-op span's invalid one
        /// is no span context (see `Context::for_span`).
        static NO_IDS: SpanContext = SpanContext::INVALID;
        self.cx.span_context().unwrap_or(&NO_IDS)
    }

    /// The context in which this span is the active span, e.g. to parent
    /// spans on another thread or to attach later.
    pub fn context(&self) -> Context {
        self.cx.clone()
    }

    /// Whether the span records data and has not ended.
    pub fn is_recording(&self) -> bool {
        self.cx.live_span().is_some_and(|l| !l.is_ended())
    }

    /// Ends the span now, whoever holds it (the OpenTelemetry `End`,
    /// through any handle): its record goes to the pipeline, and it
    /// records nothing more. The owner is not disturbed: an entered span
    /// stays current until its guard drops, and that drop, or a
    /// [`Span`]'s, then ends nothing. A later end, through this handle or
    /// any other, is ignored and reported as a
    /// [`DiagnosticKind::SpanAlreadyEnded`](crate::DiagnosticKind); a
    /// span that does not record has nothing to end.
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let guard = baton::span("request").enter();
    /// baton::current_span().unwrap().end();
    /// assert_eq!(spans.take()[0].name, "request");
    /// assert!(!guard.is_recording());
    /// drop(guard); // ends nothing more
    /// assert!(spans.take().is_empty());
    /// ```
    #[track_caller]
    pub fn end(&self) {
        self.end_here(None, "end");
    }

    /// Ends the span at `unix_nanos`, as [`Span::end_at`] does, through
    /// this handle, as [`end`](SpanRef::end) does.
    #[track_caller]
    pub fn end_at(&self, unix_nanos: u64) {
        self.end_here(Some(unix_nanos), "end_at");
    }

    /// Ends the span and hands it on; this thread may not be the one whose
    /// stack holds it, whose spans must then not wait for it.
    #[track_caller]
    fn end_here(&self, unix_nanos: Option<u64>, what: &'static str) {
        let ended = self.end_with(unix_nanos);
        let now = matches!(ended, Ok(Some(_)));
        hand_on(ended, what, true);
        if now {
            stack::span_ended_through(&self.cx);
        }
    }

    /// Ends the span through its shared record, as its owner's body,
    /// shared too, would (see [`Body::end`]): the owner finds it ended.
    fn end_with(&self, unix_nanos: Option<u64>) -> Result<Option<EndedSpan>, Ended> {
        let head = Head {
            span_context: self.span_context().clone(),
            name: self.cx.local_span_name().cloned().unwrap_or_default(),
            baggage: Baggage::EMPTY,
        };
        Body::Shared(self.cx.clone()).end(&head, limits, unix_nanos)
    }
}

impl Recorder for SpanRef {
    fn with_record(&self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        match self.cx.live_span() {
            Some(live) => live.with_record(f),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for SpanRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanRef")
            .field("name", &self.name())
            .field("span_context", self.span_context())
            .finish()
    }
}

/// A started span that is not (necessarily) current. It ends when
/// [`Span::end`] is called or when it is dropped, whichever comes first.
///
/// A `Span` may move to another thread, but it is not `Sync`: its record is
/// inline, changed through `&self` without a lock.
///
/// # Example
/// ```
/// let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
/// let job = baton::span("job").start();
/// assert!(baton::current_span().is_none());
/// let _g = job.context().attach();
/// assert_eq!(baton::current_span().unwrap().span_id(), job.span_id());
/// ```
pub struct Span {
    /// Lent out by reference (the ids) while the body changes.
    head: ManuallyDrop<Head>,
    /// Both parts are released by the drop (see `Head::release`), which
    /// leaves nothing for drop glue to do.
    body: ManuallyDrop<RefCell<Body>>,
}

impl Span {
    span_methods!();

    #[inline]
    fn new(head: Head, body: Body) -> Span {
        Span {
            head: ManuallyDrop::new(head),
            body: ManuallyDrop::new(RefCell::new(body)),
        }
    }

    /// Takes the span out; the drop then has nothing to end.
    fn into_state(mut self) -> SpanState {
        SpanState::take_from(&mut self.head, self.body.get_mut())
    }

    /// The span name: the last given to [`update_name`](Span::update_name)
    /// while the span recorded, else the one it started with. The record
    /// that holds a new name is handed on when the span ends: from then on
    /// this gives the first name, and the exported span
    /// ([`EndedSpan::name`](crate::EndedSpan::name)) the last.
    pub fn name(&self) -> String {
        Recorder::renamed(self).unwrap_or_else(|| self.head.name.to_string())
    }

    /// The span's ids, flags and tracestate.
    pub fn span_context(&self) -> &SpanContext {
        &self.head.span_context
    }

    /// The context in which this span is the active span. The first call
    /// gives the span a shared record (one allocation).
    pub fn context(&self) -> Context {
        self.body.borrow_mut().context(&self.head)
    }

    /// Whether the span records data and has not ended.
    pub fn is_recording(&self) -> bool {
        self.body.borrow().is_recording()
    }

    /// Ends the span now; the drop then does nothing, and a later call
    /// is ignored and reported as a
    /// [`DiagnosticKind::SpanAlreadyEnded`](crate::DiagnosticKind).
    #[track_caller]
    pub fn end(&self) {
        let ended = self.body.borrow_mut().end(&self.head, limits, None);
        // Handed on after the borrow: the processor may call back into
        // this span.
        hand_on(ended, "end", false);
    }

    /// Ends the span at `unix_nanos`, the optional timestamp of the
    /// OpenTelemetry `End` (an end before the start is taken as the start,
    /// and reported as [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind));
    /// the drop then does nothing, and a later call is ignored and
    /// reported, as with [`end`](Span::end).
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let job = baton::span("job").start_time(1_000).start();
    /// assert!(job.is_recording());
    /// job.end_at(5_000);
    /// assert!(!job.is_recording());
    /// let ended = &spans.finished_spans()[0];
    /// assert_eq!((ended.start_unix_nanos, ended.end_unix_nanos), (1_000, 5_000));
    /// ```
    #[track_caller]
    pub fn end_at(&self, unix_nanos: u64) {
        let ended = self
            .body
            .borrow_mut()
            .end(&self.head, limits, Some(unix_nanos));
        hand_on(ended, "end_at", false);
    }
}

impl Recorder for Span {
    fn with_record(&self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        match self.body.try_borrow_mut() {
            Ok(mut body) => body.with_record(f),
            // Borrowed by the call that is calling back into the span.
            Err(_) => Ok(()),
        }
    }
}

// The test inline, the work out of line: whole, the drop was a call in
// its caller, not inlined, also where it had nothing to do (callgrind,
// LTO: an unsampled span 185 -> 174 instructions).
impl Drop for Span {
    #[inline(always)]
    fn drop(&mut self) {
        // Records nothing and owns nothing (an unsampled span, or one taken
        // out: entered, or lent to a future): nothing to do.
        if self.body.get_mut().ends_nothing() && self.head.owns_nothing() {
            return;
        }
        self.end_and_release();
    }
}

impl Span {
    /// The drop's work: ends the span if it records, and releases what
    /// it owns.
    #[inline(never)]
    fn end_and_release(&mut self) {
        let body = self.body.get_mut();
        if !body.ends_nothing() {
            finish_in_place(&mut self.head, body);
        }
        body.release();
        self.head.release();
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Span")
            .field("name", &self.head.name)
            .field("span_context", self.span_context())
            .finish()
    }
}

/// A span that is current until this guard drops; the drop detaches it, then
/// ends it. `!Send`, like every guard.
///
/// The span lives in this thread's stack frame; the guard finds it there.
/// If the thread is panicking when the guard drops, the span records the
/// panic as an `exception` event (`exception.escaped=true`) and an error
/// status; not a span that started while that panic unwound (cleanup code
/// in a `Drop`, recording its work), which the panic did not pass through.
///
/// Held across an `.await`, it makes the future `!Send`, so a
/// multi-threaded executor refuses it rather than resume it on a thread
/// whose stack does not hold the span (use
/// [`FutureExt::in_span`](crate::FutureExt::in_span) there).
///
/// # Example: a panic ends the span with an error
/// ```
/// use baton::Status;
/// let spans = baton::InMemoryExporter::default();
/// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// let caught = std::panic::catch_unwind(|| {
///     let guard = baton::span("request").enter();
///     guard.set_attribute("http.route", "/cart");
///     assert_eq!(baton::current_span().unwrap().span_id(), guard.span_id());
///     panic!("out of stock");
/// });
/// assert!(caught.is_err());
/// assert!(baton::current_span().is_none(), "the guard's drop detached it");
/// let s = &spans.finished_spans()[0];
/// assert_eq!(s.attribute("http.route").unwrap().to_string(), "/cart");
/// assert!(matches!(&s.status, Status::Error { description } if description.contains("out of stock")));
/// assert_eq!(s.events[0].name, "exception");
/// ```
///
/// Held across an `.await`, the guard does not compile where the future
/// must be `Send`:
/// ```compile_fail
/// fn assert_send<T: Send>(_: T) {}
/// async fn yield_now() {}
/// assert_send(async {
///     let _g = baton::span("step").enter();
///     yield_now().await;
/// });
/// ```
#[must_use = "the span ends as soon as the guard is dropped"]
pub struct SpanGuard {
    frame: FrameRef,
    /// Released by the drop, as a [`Span`]'s parts are.
    span_context: ManuallyDrop<SpanContext>,
    /// The span, when the stack had no room for its frame; taken by the drop.
    unpushed: ManuallyDrop<Option<Box<RefCell<SpanState>>>>,
}

impl SpanGuard {
    span_methods!();

    /// The span's ids, flags and tracestate.
    pub fn span_context(&self) -> &SpanContext {
        &self.span_context
    }

    /// Runs `f` on the span, in its frame or held by the guard; `None` when
    /// it cannot be reached (the frame is gone, or the span is borrowed
    /// already by a call that is calling back into it).
    fn with_state<R>(&self, f: impl FnOnce(&mut SpanState) -> R) -> Option<R> {
        match &*self.unpushed {
            Some(cell) => cell.try_borrow_mut().ok().map(|mut s| f(&mut s)),
            None => self.frame.with_span(f),
        }
    }

    /// The span name, as [`Span::name`] gives it.
    pub fn name(&self) -> String {
        Recorder::renamed(self)
            .or_else(|| self.with_state(|s| s.name().to_owned()))
            .or_else(|| self.left_behind().map(|span| span.name()))
            .unwrap_or_default()
    }

    /// The context in which this span is the active span. The first call
    /// gives the span a shared record (one allocation).
    ///
    /// Out of the guard's reach (its frame was taken off by the future or
    /// wrapped job it was returned from, which ended the span or holds it
    /// aside), the context is the one the span left behind, with its name,
    /// baggage and record, as an ended [`Span`]'s is. Only past
    /// [`MAX_LEFT_BEHIND`](crate::MAX_LEFT_BEHIND) spans so left on the
    /// thread does it have the span's ids alone, so that what is parented
    /// or injected from it still stays in its trace.
    pub fn context(&self) -> Context {
        self.with_state(SpanState::context)
            .or_else(|| self.left_behind().map(|span| span.cx))
            .unwrap_or_else(|| Context::default().with_span_context(self.span_context().clone()))
    }

    /// Whether the span records data and has not ended.
    pub fn is_recording(&self) -> bool {
        self.with_state(|s| s.is_recording())
            .or_else(|| self.left_behind().map(|span| span.is_recording()))
            .unwrap_or(false)
    }

    /// Ends the span now; it stays current until the guard drops, and
    /// records nothing more. A later call is ignored and reported, as
    /// with [`Span::end`].
    #[track_caller]
    pub fn end(&self) {
        let ended = self.with_state(|s| s.end(limits, None));
        hand_on(
            ended.unwrap_or_else(|| self.end_out_of_reach(None)),
            "end",
            true,
        );
    }

    /// Ends the span at `unix_nanos`, as [`Span::end_at`] does; it stays
    /// current until the guard drops.
    #[track_caller]
    pub fn end_at(&self, unix_nanos: u64) {
        let ended = self.with_state(|s| s.end(limits, Some(unix_nanos)));
        hand_on(
            ended.unwrap_or_else(|| self.end_out_of_reach(Some(unix_nanos))),
            "end_at",
            true,
        );
    }

    /// What the span left behind when its frame left the stack without
    /// this guard (see [`MAX_LEFT_BEHIND`](crate::MAX_LEFT_BEHIND)): a
    /// handle to it, as [`current_span`] gave while it was current.
    #[cold]
    fn left_behind(&self) -> Option<SpanRef> {
        self.frame.left_behind().map(|cx| SpanRef { cx })
    }

    /// Ends the span out of the guard's reach through what it left
    /// behind, as a [`SpanRef`] would; see [`out_of_reach`](Self::out_of_reach)
    /// when it left nothing.
    #[cold]
    fn end_out_of_reach(&self, unix_nanos: Option<u64>) -> Result<Option<EndedSpan>, Ended> {
        match self.left_behind() {
            Some(span) => span.end_with(unix_nanos),
            None => self.out_of_reach(),
        }
    }

    /// What a change gets when the guard can reach neither the span nor
    /// what it left behind. In its frame, the span is out of reach only
    /// when the frame left the stack without the guard: a future the
    /// guard was held in, or a wrapped job that returned it, took the
    /// frame off and ended the span (or holds it aside, to end it), or the
    /// thread's exit ended it; what it left behind is then gone only past
    /// [`MAX_LEFT_BEHIND`](crate::MAX_LEFT_BEHIND). The change is lost
    /// then, and reported as a change to an ended span, unless the span
    /// never recorded as far as the guard can tell (not sampled, no
    /// pipeline, or the SDK disabled), which discards quietly. Held by the
    /// guard and borrowed, the span is being changed by a call that is
    /// calling back into it, which wins.
    #[cold]
    fn out_of_reach<T>(&self) -> Result<Option<T>, Ended> {
        let recorded = self.unpushed.is_none()
            && self.span_context.is_sampled()
            // A no-op span carries its remote parent's context; a span of
            // ours never has a remote one.
            && !self.span_context.is_remote()
            && recorder::installed().is_some_and(|r| !r.disabled);
        if recorded {
            Err(Ended)
        } else {
            Ok(None)
        }
    }
}

impl Recorder for SpanGuard {
    fn with_record(&self, f: impl FnOnce(&mut Record)) -> Result<(), Ended> {
        // Kept until the span is reached, for what it left behind.
        let mut f = Some(f);
        let reached = self.with_state(|s| f.take().map_or(Ok(()), |f| s.with_record(f)));
        if let Some(changed) = reached {
            return changed;
        }
        match (self.left_behind(), f) {
            (Some(span), Some(f)) => span.with_record(f),
            _ => self.out_of_reach::<()>().map(drop),
        }
    }
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        self.span_context.release();
        let state = match self.unpushed.take() {
            Some(state) => state.into_inner(),
            None => match self.frame.pop_span() {
                Some(state) => state,
                None => return,
            },
        };
        finish(state);
    }
}

impl fmt::Debug for SpanGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanGuard")
            .field("name", &self.name())
            .field("span_context", self.span_context())
            .field("created_at", &self.frame.location())
            .finish()
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;
    use crate::trace_state::TraceState;

    /// A `Span` is returned and dropped by value on every root span. At 128
    /// bytes or less each move is copied inline; past it, each is a call to
    /// `memcpy` (it was 184 bytes while it kept a second copy of its ids).
    #[test]
    fn a_span_moves_inline() {
        assert!(std::mem::size_of::<Span>() <= 128);
    }

    /// A span that records nothing (no pipeline here) lets go of what its
    /// builder held out of line, here a link's tracestate: dropped, not
    /// forgotten.
    #[test]
    fn a_quiet_span_drops_its_builders_parts() {
        let state = TraceState::default().insert("k", "v").unwrap();
        let linked = SpanContext::new(
            TraceId::from_u128(1).unwrap(),
            SpanId::from_u64(2).unwrap(),
            TraceFlags::from_bits(1),
        )
        .with_trace_state(state.clone());
        let builder = span("quiet").root().link(linked, Vec::new());
        assert_eq!(state.shares(), 2, "the test's and the link's");
        let span = builder.start();
        assert!(!span.is_recording());
        assert_eq!(state.shares(), 1, "the link went with the builder");
    }

    /// Without a pipeline a span records nothing: what it is given after
    /// its end is discarded as before it, by design, and not reported as
    /// a change to an ended span (no unit test installs a pipeline).
    #[test]
    fn a_span_without_a_pipeline_discards_quietly_after_its_end() {
        use crate::diagnostic::{diagnostic_count, DiagnosticKind};
        let before = diagnostic_count(DiagnosticKind::SpanAlreadyEnded);
        let span = span("no pipeline").start();
        span.end();
        span.set_attribute("k", "v");
        span.update_name("late");
        span.end_at(1);
        let guard = super::span("entered").enter();
        guard.end();
        guard.add_event("e", Vec::new());
        current_span().unwrap().set_status(Status::Ok);
        guard.end();
        drop(guard);
        let _attached = span.context().attach();
        current_span().unwrap().record_error(&std::fmt::Error);
        assert_eq!(diagnostic_count(DiagnosticKind::SpanAlreadyEnded), before);
    }

    /// A span's parts are released, not dropped as a whole, when its owner
    /// lets go: what they share (here the parent's tracestate, which a
    /// child carries) is given back by a `Span`, by a guard and its frame.
    #[test]
    fn every_owner_of_a_span_gives_back_its_tracestate() {
        let state = TraceState::default().insert("k", "v").unwrap();
        let parent = Context::default().with_span_context(
            SpanContext::new(
                TraceId::from_u128(1).unwrap(),
                SpanId::from_u64(2).unwrap(),
                TraceFlags::from_bits(1),
            )
            .with_remote(true)
            .with_trace_state(state.clone()),
        );
        assert_eq!(state.shares(), 2, "the test's and the parent's");

        let child = span(String::from("owned name")).parent(&parent).start();
        assert_eq!(child.span_context().trace_state().shares(), 3);
        drop(child);
        assert_eq!(state.shares(), 2, "the span gave it back");

        let guard = span("entered").parent(&parent).enter();
        assert_eq!(state.shares(), 4, "the guard's copy and the frame's");
        drop(guard);
        assert_eq!(state.shares(), 2, "the guard and its frame gave it back");
    }
}

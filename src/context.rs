//! `Context`: the immutable snapshot that travels with a request.

use std::sync::Arc;

use crate::baggage::Baggage;
use crate::span_context::SpanContext;
use crate::span_context_box::SpanContextBox;
use crate::span_record::LiveSpan;
use crate::value::Str;
use crate::wire::b3::Sampling;

/// An immutable, cheaply cloned snapshot of what is current: the active span
/// context (local or remote), the baggage (and so the session), and a handle
/// to the live local span if there is one.
///
/// Cloning is one reference-count increment, or a copy of the span context
/// for a context that holds nothing else (extracted from headers without
/// baggage); the empty context allocates nothing. "Changing" a context
/// makes a new one, so a snapshot already captured by a thread wrapper, a
/// future or an injected header never sees a later change.
///
/// # Example: capture, then attach elsewhere
/// ```
/// let root = baton::span("request").enter();
/// let cx = baton::Context::current();
/// drop(root);
/// assert!(baton::current_span().is_none());
/// let _g = cx.attach();
/// assert_eq!(baton::current_span().unwrap().name(), "request");
/// ```
#[derive(Clone, Default)]
pub struct Context(Repr);

/// Three forms, so that a recording span's record shares its context's
/// allocation, and a context extracted from headers has no reference count:
/// dropping a shared allocation takes two atomic read-modify-writes, which
/// cost as much as the parse (Jaeger extract 76 → 53 ns without them).
#[derive(Clone, Default)]
enum Repr {
    #[default]
    Empty,
    /// A span context and nothing else; copied when cloned.
    Bare(SpanContextBox),
    Plain(Arc<ContextInner>),
    /// The context a recording span created, with the span's record.
    Span(Arc<SpanInner>),
}

#[derive(Default)]
struct ContextInner {
    span_context: Option<SpanContext>,
    /// The name of the span of this process that made this context (or
    /// the one it was derived from), also of one that does not record:
    /// what marks the span local, as its span context cannot when the
    /// span is a no-op span carrying a received parent's ids, or no ids.
    span_name: Option<Str>,
    /// For a context derived from a span's context (say, with baggage
    /// added): the context that holds that span's record.
    span_owner: Option<Arc<SpanInner>>,
    baggage: Baggage,
    /// A decision received without ids; `None` when there is none (or it
    /// was deferred, which without ids says nothing), and always `None`
    /// beside a span context, which carries its own.
    remote_sampling: Option<Sampling>,
}

struct SpanInner {
    inner: ContextInner,
    span: LiveSpan,
}

impl Context {
    pub(crate) const EMPTY: Context = Context(Repr::Empty);

    /// Drops the context where it is called. Its drop glue, left to the
    /// compiler, was a call on a context's detach in some builds (the
    /// default profile, depending on how the crate was split into units):
    /// 11 instructions more per attach and detach (callgrind).
    #[inline(always)]
    pub(crate) fn release(self) {
        match self.0 {
            Repr::Empty => {}
            Repr::Bare(span_context) => span_context.release(),
            Repr::Plain(inner) => drop(inner),
            Repr::Span(span) => drop(span),
        }
    }

    fn inner(&self) -> Option<&ContextInner> {
        match &self.0 {
            Repr::Empty | Repr::Bare(_) => None,
            Repr::Plain(plain) => Some(plain),
            Repr::Span(span) => Some(&span.inner),
        }
    }

    fn modified(&self, change: impl FnOnce(&mut ContextInner)) -> Context {
        let mut inner = match self.inner() {
            // Empty, or a span context alone.
            None => ContextInner {
                span_context: self.span_context().cloned(),
                ..ContextInner::default()
            },
            Some(old) => ContextInner {
                span_context: old.span_context.clone(),
                span_name: old.span_name.clone(),
                span_owner: match &self.0 {
                    Repr::Span(span) => Some(span.clone()),
                    _ => old.span_owner.clone(),
                },
                baggage: old.baggage.clone(),
                remote_sampling: old.remote_sampling,
            },
        };
        change(&mut inner);
        // A change that leaves nothing set (the last baggage entry
        // removed, say) gives the empty context, which `is_empty` and
        // `ptr_eq` recognise.
        if inner.span_context.is_none()
            && inner.span_name.is_none()
            && inner.span_owner.is_none()
            && inner.baggage.is_empty()
            && inner.remote_sampling.is_none()
        {
            return Context::EMPTY;
        }
        Context(Repr::Plain(Arc::new(inner)))
    }

    /// The active span context, local or remote.
    pub fn span_context(&self) -> Option<&SpanContext> {
        self.span_context_and_baggage().0
    }

    /// [`span_context`](Context::span_context) and
    /// [`baggage`](Context::baggage) in one match, for a span's start.
    #[inline(always)]
    pub(crate) fn span_context_and_baggage(&self) -> (Option<&SpanContext>, &Baggage) {
        match &self.0 {
            Repr::Empty => (None, &Baggage::EMPTY),
            Repr::Bare(span_context) => (span_context.get(), &Baggage::EMPTY),
            Repr::Plain(inner) => (inner.span_context.as_ref(), &inner.baggage),
            Repr::Span(span) => (span.inner.span_context.as_ref(), &span.inner.baggage),
        }
    }

    /// The baggage.
    pub fn baggage(&self) -> &Baggage {
        self.span_context_and_baggage().1
    }

    /// Whether nothing is set: no span, no baggage, no session.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// A sampling decision that arrived without ids (B3's lone `b3: 0`), as
    /// yes or no: debug is a yes, as B3 debug "implies an accept decision".
    /// [`Context::remote_decision`] tells debug from accept.
    ///
    /// ```
    /// use baton::wire::b3::Sampling;
    /// let cx = baton::Context::default().with_remote_decision(Some(Sampling::Debug));
    /// assert_eq!(cx.remote_sampling(), Some(true));
    /// assert_eq!(baton::Context::default().remote_sampling(), None);
    /// ```
    pub fn remote_sampling(&self) -> Option<bool> {
        self.inner()?.remote_sampling.map(|s| s != Sampling::Deny)
    }

    /// A sampling decision that arrived without ids, debug kept apart
    /// from accept: B3's lone `b3: d` or `X-B3-Flags: 1` is
    /// [`Sampling::Debug`], which B3 inject sends on as debug.
    ///
    /// # Example: a lone `b3: d` is sent on as debug, in either encoding
    /// ```
    /// use baton::propagation::{Propagator, B3};
    /// use baton::wire::b3::Sampling;
    /// let incoming = vec![("b3".to_string(), "d".to_string())];
    /// let cx = B3::single().extract(&baton::Context::default(), &incoming);
    /// assert_eq!(cx.remote_decision(), Some(Sampling::Debug));
    ///
    /// let mut outgoing = Vec::new();
    /// B3::multi().inject(&cx, &mut outgoing);
    /// assert_eq!(outgoing, [("x-b3-flags".to_string(), "1".to_string())]);
    /// ```
    pub fn remote_decision(&self) -> Option<Sampling> {
        self.inner()?.remote_sampling
    }

    /// A copy whose active span is `span_context` (typically a remote parent).
    /// The live local span, if any, is no longer reachable from the copy.
    ///
    /// [`SpanContext::INVALID`] is no span, as OpenTelemetry's invalid
    /// span context is: the copy has none, and a span started in it is a
    /// root.
    ///
    /// A decision received without ids ([`Context::remote_decision`]) is
    /// not kept: the span context carries its own.
    ///
    /// ```
    /// let cx = baton::Context::default().with_span_context(baton::SpanContext::INVALID);
    /// assert!(cx.span_context().is_none() && cx.is_empty());
    /// ```
    #[must_use]
    pub fn with_span_context(&self, span_context: SpanContext) -> Context {
        if !span_context.is_valid() {
            return self.without_span();
        }
        if let Repr::Empty | Repr::Bare(_) = self.0 {
            // How every extract from headers ends.
            return Context(Repr::Bare(SpanContextBox::new(span_context)));
        }
        self.modified(|i| {
            i.span_context = Some(span_context);
            i.span_name = None;
            i.span_owner = None;
            i.remote_sampling = None;
        })
    }

    /// A copy with `key` set in the baggage. An invalid key (not a W3C
    /// token) or a full baggage is reported as a
    /// [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind) and leaves
    /// the baggage unchanged; use [`Baggage::try_insert`] to get the error.
    ///
    /// ```
    /// let cx = baton::Context::default().with_baggage("tenant", "acme");
    /// assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_baggage(&self, key: &str, value: &str) -> Context {
        match self.baggage().try_insert(key, value, "") {
            Ok(baggage) => self.with_baggage_replaced(baggage),
            Err(e) => {
                crate::diagnostic::report(
                    crate::diagnostic::DiagnosticKind::InvalidArgument,
                    &format_args!("baggage entry {key:?} not set: {e}"),
                    Some(std::panic::Location::caller()),
                );
                self.clone()
            }
        }
    }

    /// A copy whose baggage is `baggage`.
    #[must_use]
    pub fn with_baggage_replaced(&self, baggage: Baggage) -> Context {
        self.modified(|i| i.baggage = baggage)
    }

    /// A copy carrying a sampling decision without ids: `Some(true)` is
    /// an accept, `Some(false)` a deny, `None` none. Use
    /// [`Context::with_remote_decision`] to carry debug.
    ///
    /// ```
    /// let cx = baton::Context::default().with_remote_sampling(Some(false));
    /// assert_eq!(cx.remote_sampling(), Some(false));
    /// assert!(cx.with_remote_sampling(None).is_empty());
    /// ```
    #[must_use]
    pub fn with_remote_sampling(&self, sampled: Option<bool>) -> Context {
        self.with_remote_decision(
            sampled.map(|s| if s { Sampling::Accept } else { Sampling::Deny }),
        )
    }

    /// A copy carrying `decision`, a sampling decision without ids (debug
    /// included), or none. A context with a span context is given back
    /// as it is: that span context's decision is the one that counts (a
    /// span started in it is its child, and propagators send its
    /// decision), so a `b3: d` extracted onto the context of a local span
    /// leaves the span to decide for its children. A no-op span with no
    /// ids (a root begun without a pipeline) has no span context, and
    /// carries the decision on.
    ///
    /// ```
    /// use baton::wire::b3::Sampling;
    /// let no_op = baton::span("before init").start();
    /// let cx = no_op.context().with_remote_decision(Some(Sampling::Debug));
    /// assert_eq!(cx.remote_decision(), Some(Sampling::Debug));
    ///
    /// let _pipeline = baton::init(baton::Config::new()).unwrap();
    /// let span = baton::span("local").start();
    /// let cx = span.context().with_remote_decision(Some(Sampling::Debug));
    /// assert_eq!(cx.remote_decision(), None);
    /// ```
    ///
    /// # Example: ask the next service to trace this request whatever its ratio
    /// ```
    /// use baton::propagation::{Propagator, B3};
    /// use baton::wire::b3::Sampling;
    /// let cx = baton::Context::default().with_remote_decision(Some(Sampling::Debug));
    /// let mut outgoing = std::collections::HashMap::new();
    /// B3::single().inject(&cx, &mut outgoing);
    /// assert_eq!(outgoing["b3"], "d");
    /// ```
    #[must_use]
    pub fn with_remote_decision(&self, decision: Option<Sampling>) -> Context {
        if self.span_context().is_some() {
            return self.clone();
        }
        self.modified(|i| i.remote_sampling = decision)
    }

    /// The context of a newly started local span. A no-op root span's
    /// invalid span context is no span context, as
    /// [`Context::with_span_context`] takes it: a decision received without
    /// ids and extracted onto the context is then kept, not overruled by
    /// ids there are none of.
    #[inline(always)]
    pub(crate) fn for_span(
        span_context: SpanContext,
        span_name: Str,
        span: Option<LiveSpan>,
        baggage: Baggage,
    ) -> Context {
        let inner = ContextInner {
            span_context: Some(span_context).filter(SpanContext::is_valid),
            span_name: Some(span_name),
            span_owner: None,
            baggage,
            remote_sampling: None,
        };
        Context(match span {
            Some(span) => Repr::Span(Arc::new(SpanInner { inner, span })),
            None => Repr::Plain(Arc::new(inner)),
        })
    }

    /// The name of the local span active in this context, if there is
    /// one: a span of this process (a no-op span's too, whatever span
    /// context it carries), or a local span context the application set
    /// with [`Context::with_span_context`], whose name is not known (empty).
    pub(crate) fn local_span_name(&self) -> Option<&Str> {
        const UNNAMED: &Str = &Str::Borrowed("");
        match self.inner().and_then(|i| i.span_name.as_ref()) {
            Some(name) => Some(name),
            None => self
                .span_context()
                .is_some_and(|sc| !sc.is_remote())
                .then_some(UNNAMED),
        }
    }

    /// The live local span, when this context's active span is local and recording.
    pub(crate) fn live_span(&self) -> Option<&LiveSpan> {
        match &self.0 {
            Repr::Span(span) => Some(&span.span),
            Repr::Plain(plain) => plain.span_owner.as_ref().map(|owner| &owner.span),
            Repr::Empty | Repr::Bare(_) => None,
        }
    }

    /// Whether this is the context a recording span created (the one its
    /// record lives in), rather than one derived from it.
    #[inline]
    pub(crate) fn is_span_own(&self) -> bool {
        matches!(self.0, Repr::Span(_))
    }

    /// A copy with no span: what [`Context::with_span_context`] gives for
    /// the invalid span context. Out of line, off every extract's path.
    #[cold]
    #[inline(never)]
    fn without_span(&self) -> Context {
        self.modified(|i| {
            i.span_context = None;
            i.span_name = None;
            i.span_owner = None;
        })
    }

    /// Whether both are the same span's own context: [`Context::ptr_eq`]
    /// for the one case that a span's shared context can be.
    #[inline]
    pub(crate) fn is_same_span_own(&self, other: &Context) -> bool {
        matches!((&self.0, &other.0), (Repr::Span(a), Repr::Span(b)) if Arc::ptr_eq(a, b))
    }

    /// Where this context lives, if it is a span's own: the address a
    /// [`Spare`] of it gives (see [`Spare::addr`]).
    #[inline]
    pub(crate) fn span_own_addr(&self) -> Option<usize> {
        match &self.0 {
            Repr::Span(span) => Some(Arc::as_ptr(span).addr()),
            _ => None,
        }
    }

    /// This context as a [`Spare`], if it is a span's own.
    #[inline]
    pub(crate) fn into_spare(self) -> Result<Spare, Context> {
        match self.0 {
            Repr::Span(span) => Ok(Spare(span)),
            repr => Err(Context(repr)),
        }
    }

    /// This context's own live span, when nothing else shares the context:
    /// its owner may then change it without taking the span's lock.
    pub(crate) fn live_span_mut(&mut self) -> Option<&mut LiveSpan> {
        match &mut self.0 {
            Repr::Span(span) => Arc::get_mut(span).map(|s| &mut s.span),
            _ => None,
        }
    }

    /// Whether both are the same snapshot (not merely equal). Contexts
    /// that hold only a span context are kept inline, not shared: they are
    /// the same snapshot when they hold the same span context.
    #[inline]
    pub fn ptr_eq(&self, other: &Context) -> bool {
        match (&self.0, &other.0) {
            (Repr::Plain(a), Repr::Plain(b)) => Arc::ptr_eq(a, b),
            (Repr::Span(a), Repr::Span(b)) => Arc::ptr_eq(a, b),
            (Repr::Bare(a), Repr::Bare(b)) => a.get() == b.get(),
            (Repr::Empty, Repr::Empty) => true,
            _ => false,
        }
    }
}

/// A reference to a span's own context in half a [`Context`]'s room (a
/// span's state keeps one, and a `Span` moves inline only up to 128 bytes).
pub(crate) struct Spare(Arc<SpanInner>);

impl Spare {
    /// Whether this refers to the same snapshot as `cx`.
    #[inline]
    pub(crate) fn is_of(&self, cx: &Context) -> bool {
        matches!(&cx.0, Repr::Span(span) if Arc::ptr_eq(span, &self.0))
    }

    /// Where the context lives: the same for every reference to it, and
    /// no other context's while one of them lives.
    #[inline]
    pub(crate) fn addr(&self) -> usize {
        Arc::as_ptr(&self.0).addr()
    }
}

impl From<Spare> for Context {
    #[inline]
    fn from(spare: Spare) -> Context {
        Context(Repr::Span(spare.0))
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("span_context", &self.span_context())
            .field("baggage", self.baggage())
            .field("remote_decision", &self.remote_decision())
            .finish()
    }
}

//! `Context`: the immutable snapshot that travels with a request.

use std::sync::Arc;

use crate::baggage::Baggage;
use crate::span_context::SpanContext;
use crate::span_record::LiveSpan;
use crate::value::Str;

/// An immutable, cheaply cloned snapshot of what is current: the active span
/// context (local or remote), the baggage (and so the session), and a handle
/// to the live local span if there is one.
///
/// Cloning is one reference-count increment; the empty context allocates
/// nothing. "Changing" a context makes a new one, so a snapshot already
/// captured by a thread wrapper, a future or an injected header never sees a
/// later change.
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
pub struct Context(Option<Shared>);

/// Two kinds of allocation, so that a recording span's record shares its
/// context's allocation while every other context (extracted from headers,
/// say) stays small.
#[derive(Clone)]
enum Shared {
    Plain(Arc<ContextInner>),
    /// The context a recording span created, with the span's record.
    Span(Arc<SpanInner>),
}

#[derive(Default)]
struct ContextInner {
    span_context: Option<SpanContext>,
    /// The local span's name, also for spans that do not record.
    span_name: Str,
    /// For a context derived from a span's context (say, with baggage
    /// added): the context that holds that span's record.
    span_owner: Option<Arc<SpanInner>>,
    baggage: Baggage,
    remote_sampling: Option<bool>,
}

struct SpanInner {
    inner: ContextInner,
    span: LiveSpan,
}

impl Context {
    pub(crate) const EMPTY: Context = Context(None);

    fn inner(&self) -> Option<&ContextInner> {
        match self.0.as_ref()? {
            Shared::Plain(plain) => Some(plain),
            Shared::Span(span) => Some(&span.inner),
        }
    }

    fn modified(&self, change: impl FnOnce(&mut ContextInner)) -> Context {
        let mut inner = match self.inner() {
            None => ContextInner::default(),
            Some(old) => ContextInner {
                span_context: old.span_context.clone(),
                span_name: old.span_name.clone(),
                span_owner: match &self.0 {
                    Some(Shared::Span(span)) => Some(span.clone()),
                    _ => old.span_owner.clone(),
                },
                baggage: old.baggage.clone(),
                remote_sampling: old.remote_sampling,
            },
        };
        change(&mut inner);
        Context(Some(Shared::Plain(Arc::new(inner))))
    }

    /// The active span context, local or remote.
    pub fn span_context(&self) -> Option<&SpanContext> {
        self.inner()?.span_context.as_ref()
    }

    /// The baggage.
    pub fn baggage(&self) -> &Baggage {
        self.inner().map_or(&Baggage::EMPTY, |i| &i.baggage)
    }

    /// Whether nothing is set: no span, no baggage, no session.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// A sampling decision that arrived without ids (B3's lone `b3: 0`).
    pub fn remote_sampling(&self) -> Option<bool> {
        self.inner()?.remote_sampling
    }

    /// A copy whose active span is `span_context` (typically a remote parent).
    /// The live local span, if any, is no longer reachable from the copy.
    #[must_use]
    pub fn with_span_context(&self, span_context: SpanContext) -> Context {
        if self.0.is_none() {
            // How every extract from headers ends: built directly, without
            // a default to overwrite (a copy fewer of the span context).
            return Context(Some(Shared::Plain(Arc::new(ContextInner {
                span_context: Some(span_context),
                ..ContextInner::default()
            }))));
        }
        self.modified(|i| {
            i.span_context = Some(span_context);
            i.span_name = Str::Borrowed("");
            i.span_owner = None;
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
                    crate::DiagnosticKind::InvalidArgument,
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

    /// A copy carrying a sampling decision without ids.
    #[must_use]
    pub fn with_remote_sampling(&self, sampled: Option<bool>) -> Context {
        self.modified(|i| i.remote_sampling = sampled)
    }

    /// The context of a newly started local span.
    #[inline(always)]
    pub(crate) fn for_span(
        span_context: SpanContext,
        span_name: Str,
        span: Option<LiveSpan>,
        baggage: Baggage,
    ) -> Context {
        let inner = ContextInner {
            span_context: Some(span_context),
            span_name,
            span_owner: None,
            baggage,
            remote_sampling: None,
        };
        Context(Some(match span {
            Some(span) => Shared::Span(Arc::new(SpanInner { inner, span })),
            None => Shared::Plain(Arc::new(inner)),
        }))
    }

    /// The name of the local span, empty for a remote one.
    pub(crate) fn span_name(&self) -> &Str {
        const NONE: &Str = &Str::Borrowed("");
        self.inner().map_or(NONE, |i| &i.span_name)
    }

    /// The live local span, when this context's active span is local and recording.
    pub(crate) fn live_span(&self) -> Option<&LiveSpan> {
        match self.0.as_ref()? {
            Shared::Span(span) => Some(&span.span),
            Shared::Plain(plain) => plain.span_owner.as_ref().map(|owner| &owner.span),
        }
    }

    /// This context's own live span, when nothing else shares the context:
    /// its owner may then change it without taking the span's lock.
    pub(crate) fn live_span_mut(&mut self) -> Option<&mut LiveSpan> {
        match self.0.as_mut()? {
            Shared::Span(span) => Arc::get_mut(span).map(|s| &mut s.span),
            Shared::Plain(_) => None,
        }
    }

    /// Whether both are the same snapshot (not merely equal).
    pub fn ptr_eq(&self, other: &Context) -> bool {
        match (&self.0, &other.0) {
            (Some(Shared::Plain(a)), Some(Shared::Plain(b))) => Arc::ptr_eq(a, b),
            (Some(Shared::Span(a)), Some(Shared::Span(b))) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("span_context", &self.span_context())
            .field("baggage", self.baggage())
            .field("remote_sampling", &self.remote_sampling())
            .finish()
    }
}

//! Tracers: spans recorded in an instrumentation scope of their own.
//!
//! A library names itself once, with a [`Tracer`], and every span it makes
//! through that tracer records the scope; the OTLP exporter sends one
//! `ScopeSpans` per scope. [`span`](crate::span) makes spans in baton's own
//! scope, which is kept apart from a tracer's at no cost to those spans: a
//! span holds a tracer's scope beside its attributes (out of line), and
//! baton's own scope is the absence of one.

use std::panic::Location;
use std::sync::Arc;

use crate::attribute_limits::{limit_value, set_attribute};
use crate::diagnostic::{report, DiagnosticKind};
use crate::instrumentation_scope::InstrumentationScope;
use crate::span::{span, SpanBuilder};
use crate::span_limits::SpanLimits;
use crate::value::{KeyValue, Str, Value};

/// Starts building a tracer for the instrumentation scope `name`: the
/// library, module or component that makes its spans, e.g. the crate name.
///
/// An empty name is kept, as the OpenTelemetry API asks (it returns a
/// working tracer), and reported as a
/// [`DiagnosticKind::InvalidArgument`](crate::DiagnosticKind).
///
/// # Example: a library's tracer, made once
/// ```
/// use std::sync::OnceLock;
///
/// fn tracer() -> &'static baton::Tracer {
///     static TRACER: OnceLock<baton::Tracer> = OnceLock::new();
///     TRACER.get_or_init(|| {
///         baton::tracer("my.library")
///             .version("1.2.0")
///             .schema_url("https://opentelemetry.io/schemas/1.26.0")
///             .build()
///     })
/// }
///
/// let spans = baton::InMemoryExporter::default();
/// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
/// tracer().in_span("query", || {});
/// baton::in_span("app work", || {});
/// let finished = spans.finished_spans();
/// assert_eq!(finished[0].scope().name(), "my.library");
/// assert_eq!(finished[0].scope().version(), Some("1.2.0"));
/// assert_eq!(finished[1].scope().name(), "baton");
/// ```
#[track_caller]
pub fn tracer(name: impl Into<Str>) -> TracerBuilder {
    let name = name.into();
    if name.is_empty() {
        report(
            DiagnosticKind::InvalidArgument,
            &"tracer with an empty name: kept as given, as the OpenTelemetry API asks",
            Some(Location::caller()),
        );
    }
    TracerBuilder {
        scope: InstrumentationScope {
            name,
            version: None,
            schema_url: None,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
        },
        cut_values: 0,
    }
}

/// Configures a tracer's scope; see [`tracer`].
#[must_use = "a tracer builder does nothing until .build()"]
#[derive(Debug)]
pub struct TracerBuilder {
    scope: InstrumentationScope,
    /// Attribute values the limits cut, reported with what they dropped.
    cut_values: u64,
}

impl TracerBuilder {
    /// Sets the scope's version (of the library, say). Defaults to none.
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").version(env!("CARGO_PKG_VERSION")).build();
    /// assert_eq!(tracer.scope().version(), Some(env!("CARGO_PKG_VERSION")));
    /// assert_eq!(baton::tracer("my.library").build().scope().version(), None);
    /// ```
    pub fn version(mut self, version: impl Into<Str>) -> Self {
        self.scope.version = Some(version.into());
        self
    }

    /// Sets the schema URL of the telemetry the scope emits (OTLP sends it
    /// as the `schema_url` of its `ScopeSpans`). Defaults to none.
    ///
    /// ```
    /// let url = "https://opentelemetry.io/schemas/1.26.0";
    /// let tracer = baton::tracer("my.library").schema_url(url).build();
    /// assert_eq!(tracer.scope().schema_url(), Some(url));
    /// ```
    pub fn schema_url(mut self, schema_url: impl Into<Str>) -> Self {
        self.scope.schema_url = Some(schema_url.into());
        self
    }

    /// Adds a scope attribute. Scope attributes follow the attribute rules
    /// and default limits of a span's: keys are unique (a key given again
    /// keeps its place and takes the new value), a key that is empty or
    /// past [`SpanLimits::DEFAULT_MAX`] attributes is discarded and counted
    /// in [`dropped_attributes_count`](InstrumentationScope::dropped_attributes_count),
    /// and a value nesting deeper than
    /// [`SpanLimits::DEFAULT_MAX_DEPTH`] has its deeper lists emptied.
    /// Strings are not cut: the default sets no length limit, and a tracer
    /// is made apart from any pipeline's limits (often before one is
    /// installed). What was discarded or cut is reported once, as one
    /// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind), by
    /// [`build`](Self::build).
    ///
    /// ```
    /// let tracer = baton::tracer("lib").attr("a", 1).attr("", 2).attr("a", 3).build();
    /// assert_eq!(tracer.scope().attributes(), [baton::KeyValue::new("a", 3)]);
    /// assert_eq!(tracer.scope().dropped_attributes_count(), 1);
    /// ```
    pub fn attr(mut self, key: impl Into<Str>, value: impl Into<Value>) -> Self {
        let mut kv = KeyValue::new(key, value);
        self.cut_values += limit_value(&mut kv.value, &SpanLimits::default());
        set_attribute(
            &mut self.scope.attributes,
            &mut self.scope.dropped_attributes_count,
            SpanLimits::DEFAULT_MAX,
            kv,
        );
        self
    }

    /// The tracer. Build it once and keep it (see [`tracer`]): each build
    /// allocates its scope, and spans of tracers built alike are still
    /// exported in one `ScopeSpans`, as OTLP cannot tell them apart.
    ///
    /// ```
    /// let a = baton::tracer("lib").version("1").build();
    /// let b = baton::tracer("lib").version("1").build();
    /// assert_eq!(a.scope(), b.scope());
    /// ```
    pub fn build(self) -> Tracer {
        let dropped = self.scope.dropped_attributes_count;
        if dropped > 0 || self.cut_values > 0 {
            report(
                DiagnosticKind::LimitExceeded,
                &format_args!(
                    "tracer {:?} reached its attribute limits: discarded {dropped} attribute(s) \
                     and cut {} attribute value(s) to the depth limit",
                    self.scope.name, self.cut_values
                ),
                None,
            );
        }
        Tracer {
            scope: Arc::new(self.scope),
        }
    }
}

/// Makes spans recorded in one instrumentation scope; see [`tracer`].
///
/// Cloning it clones one [`Arc`]; it is `Send + Sync`, so one tracer made
/// in a `static` (a `OnceLock`, as in [`tracer`]'s example) serves every
/// thread. Its spans are built as [`span`](crate::span)'s are, and take
/// their parent from the current context the same way: the scope belongs
/// to the tracer that made the span, never to its parent.
///
/// ```
/// let db = baton::tracer("db.driver").build();
/// let outer = db.span("query").enter();
/// let inner = baton::span("parse").enter();
/// assert_eq!(inner.parent_span_id(), Some(outer.span_id()));
/// # drop(inner);
/// ```
#[derive(Clone, Debug)]
pub struct Tracer {
    scope: Arc<InstrumentationScope>,
}

impl Tracer {
    /// Starts building a span named `name` in this tracer's scope; see
    /// [`span`](crate::span).
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").build();
    /// let span = tracer.span("fetch").kind(baton::SpanKind::Client).start();
    /// assert_eq!(span.parent_span_id(), None); // a root: no span was current
    /// ```
    pub fn span(&self, name: impl Into<Str>) -> SpanBuilder {
        span(name).scope(Arc::clone(&self.scope))
    }

    /// Runs `f` inside a new current span named `name` in this tracer's
    /// scope; see [`in_span`](crate::in_span).
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").build();
    /// let name = tracer.in_span("step", || baton::current_span().unwrap().name().to_owned());
    /// assert_eq!(name, "step");
    /// ```
    #[track_caller]
    pub fn in_span<R>(&self, name: impl Into<Str>, f: impl FnOnce() -> R) -> R {
        let _guard = self.span(name).enter();
        f()
    }

    /// The scope its spans record.
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").build();
    /// assert_eq!(tracer.scope().name(), "my.library");
    /// ```
    pub fn scope(&self) -> &InstrumentationScope {
        &self.scope
    }
}

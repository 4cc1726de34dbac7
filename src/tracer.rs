//! Tracers: spans recorded in an instrumentation scope of their own.
//!
//! A library names itself once, with a [`Tracer`], and every span it makes
//! through that tracer records the scope; the OTLP exporter sends one
//! `ScopeSpans` per scope. [`span`](crate::span) makes spans in baton's own
//! scope, which is kept apart from a tracer's at no cost to those spans: a
//! span holds a tracer's scope beside its attributes (out of line), and
//! baton's own scope is the absence of one.
//!
//! Each distinct scope is kept once for the life of the process (as the
//! OpenTelemetry SDKs keep their tracers), up to [`MAX_SCOPES`]: a span
//! then refers to it without a reference count, and the export thread
//! writes over a finished span's scope without a drop.

use std::panic::Location;
use std::sync::{Mutex, PoisonError};

use crate::attribute_limits::{limit_value, set_attribute};
use crate::diagnostic::{report, DiagnosticKind};
use crate::instrumentation_scope::InstrumentationScope;
use crate::recorder;
use crate::span::{span, SpanBuilder};
use crate::span_limits::SpanLimits;
use crate::value::{Array, KeyValue, Str, Value};

/// The most distinct scopes (name, version, schema URL and attributes
/// together) a process keeps. A tracer built alike to one before shares its
/// scope, and does not count again. Past the limit, a tracer records its
/// spans in baton's own scope ([`InstrumentationScope::baton`]), and that
/// is reported as a [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind):
/// tracers are meant to be made once per library, not per request.
pub const MAX_SCOPES: usize = 1024;

/// Every scope kept so far; each is leaked once, and never more than
/// [`MAX_SCOPES`] of them.
static SCOPES: Mutex<Vec<&'static InstrumentationScope>> = Mutex::new(Vec::new());

/// The kept scope equal to `scope`, kept now if there is none; `None`
/// past [`MAX_SCOPES`].
fn keep(scope: InstrumentationScope) -> Option<&'static InstrumentationScope> {
    // A panic under the lock (an allocation failing) leaves the list whole.
    let mut kept = SCOPES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(same) = kept.iter().find(|k| same_scope(k, &scope)) {
        return Some(same);
    }
    if kept.len() >= MAX_SCOPES {
        return None;
    }
    let scope: &'static InstrumentationScope = Box::leak(Box::new(scope));
    kept.push(scope);
    Some(scope)
}

/// Whether `a` and `b` are one scope as exported. Floats compare as the
/// bits sent: with `==`, a NaN attribute never matched itself, so every
/// tracer built alike with one was kept anew, until [`MAX_SCOPES`] was
/// spent and tracers of every library recorded in baton's scope.
fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    a.name == b.name
        && a.version == b.version
        && a.schema_url == b.schema_url
        && a.dropped_attributes_count == b.dropped_attributes_count
        && same_attributes(&a.attributes, &b.attributes)
}

/// Whether `a` and `b` hold the same attributes, in any order: they are a
/// map (keys made unique as they are given, see [`TracerBuilder::attr`]),
/// so two orders are one scope to OTLP, which kept apart went out as two
/// `ScopeSpans` of the same scope.
fn same_attributes(a: &[KeyValue], b: &[KeyValue]) -> bool {
    a.len() == b.len()
        && a.iter().all(|a| {
            b.iter()
                .find(|b| b.key == a.key)
                .is_some_and(|b| same_value(&a.value, &b.value))
        })
}

/// `a == b`, floats compared by their bits. Recursion is bounded: a
/// scope's values are cut to the depth limit when given (see
/// [`TracerBuilder::attr`]).
fn same_value(a: &Value, b: &Value) -> bool {
    let same_floats = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
    };
    match (a, b) {
        (Value::F64(a), Value::F64(b)) => a.to_bits() == b.to_bits(),
        (Value::Array(Array::F64(a)), Value::Array(Array::F64(b))) => same_floats(a, b),
        (Value::Array(Array::Value(a)), Value::Array(Array::Value(b))) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b))
        }
        (Value::KvList(a), Value::KvList(b)) => same_attributes(a, b),
        _ => a == b,
    }
}

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
    /// Sets the scope's version (of the library, say). Defaults to none;
    /// an empty version is none, as OTLP sends it (a proto3 string has no
    /// presence), so the scope is the one without a version.
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").version(env!("CARGO_PKG_VERSION")).build();
    /// assert_eq!(tracer.scope().version(), Some(env!("CARGO_PKG_VERSION")));
    /// assert_eq!(baton::tracer("my.library").build().scope().version(), None);
    /// assert_eq!(baton::tracer("my.library").version("").build().scope().version(), None);
    /// ```
    pub fn version(mut self, version: impl Into<Str>) -> Self {
        self.scope.version = Some(version.into()).filter(|v| !v.is_empty());
        self
    }

    /// Sets the schema URL of the telemetry the scope emits (OTLP sends it
    /// as the `schema_url` of its `ScopeSpans`). Defaults to none; an
    /// empty URL is none, as for [`version`](Self::version).
    ///
    /// ```
    /// let url = "https://opentelemetry.io/schemas/1.26.0";
    /// let tracer = baton::tracer("my.library").schema_url(url).build();
    /// assert_eq!(tracer.scope().schema_url(), Some(url));
    /// ```
    pub fn schema_url(mut self, schema_url: impl Into<Str>) -> Self {
        self.scope.schema_url = Some(schema_url.into()).filter(|u| !u.is_empty());
        self
    }

    /// Adds a scope attribute. Scope attributes follow the attribute rules
    /// and default limits of a span's: keys are unique (a key given again
    /// keeps its place and takes the new value), a key that is empty or
    /// past [`SpanLimits::DEFAULT_MAX`] attributes is discarded and counted
    /// in [`dropped_attributes_count`](InstrumentationScope::dropped_attributes_count),
    /// and a list or array nested deeper than
    /// [`SpanLimits::DEFAULT_MAX_DEPTH`] is replaced with the empty value
    /// ([`Value::Empty`]).
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

    /// The tracer. Tracers built alike share one scope, kept for the
    /// process (see [`MAX_SCOPES`]); a build looks it up under a lock, so
    /// build a tracer once and keep it (see [`tracer`]), not per span.
    ///
    /// ```
    /// let a = baton::tracer("lib").version("1").build();
    /// let b = baton::tracer("lib").version("1").build();
    /// assert!(std::ptr::eq(a.scope(), b.scope()));
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
        let name = self.scope.name.clone();
        let scope = keep(self.scope).unwrap_or_else(|| {
            report(
                DiagnosticKind::LimitExceeded,
                &format_args!(
                    "tracer {name:?} not kept: the process has {MAX_SCOPES} scopes already; \
                     its spans are recorded in baton's own scope"
                ),
                None,
            );
            InstrumentationScope::baton()
        });
        Tracer { scope }
    }
}

/// Makes spans recorded in one instrumentation scope; see [`tracer`].
///
/// It is one reference, `Copy`, `Send` and `Sync`, so one tracer made
/// in a `static` (a `OnceLock`, as in [`tracer`]'s example) serves every
/// thread. Its spans are built as [`span`](crate::span)'s are, and take
/// their parent from the current context the same way: the scope belongs
/// to the tracer that made the span, never to its parent.
///
/// ```
/// # let _pipeline = baton::init(baton::Config::new()).unwrap();
/// let db = baton::tracer("db.driver").build();
/// let outer = db.span("query").enter();
/// let inner = baton::span("parse").enter();
/// assert_eq!(inner.parent_span_id(), Some(outer.span_id()));
/// # drop(inner);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Tracer {
    scope: &'static InstrumentationScope,
}

impl Tracer {
    /// Starts building a span named `name` in this tracer's scope; see
    /// [`span`](crate::span).
    ///
    /// ```
    /// let spans = baton::InMemoryExporter::default();
    /// let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    /// let tracer = baton::tracer("my.library").build();
    /// let span = tracer.span("fetch").kind(baton::SpanKind::Client).start();
    /// assert_eq!(span.parent_span_id(), None); // a root: no span was current
    /// span.end();
    /// assert_eq!(spans.finished_spans()[0].scope().name(), "my.library");
    /// ```
    pub fn span(&self, name: impl Into<Str>) -> SpanBuilder {
        span(name).scope(self.scope)
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
    pub fn scope(&self) -> &'static InstrumentationScope {
        self.scope
    }

    /// Whether a span started now could reach an exporter (the
    /// OpenTelemetry Tracer's `Enabled`), so that instrumentation can skip
    /// building costly attributes when it cannot: `false` with no pipeline
    /// installed, with one that has no processor (`Config::new()` without
    /// an exporter, `OTEL_TRACES_EXPORTER=none`, a `FanOut` of none: the SDK spec's `Enabled`
    /// "MUST return `false`" there), after the pipeline's shutdown (its
    /// spans are counted as dropped), with `OTEL_SDK_DISABLED`, and on a
    /// thread running pipeline code (an exporter's own spans are not
    /// recorded). `true` promises no more than that: the sampler still
    /// decides each span.
    ///
    /// ```
    /// let tracer = baton::tracer("my.library").build();
    /// // Nothing is installed in this process: spans are no-ops, which record
    /// // nothing and carry their parent's context (a root has no ids).
    /// assert!(!tracer.enabled());
    /// ```
    pub fn enabled(&self) -> bool {
        let installed = recorder::installed();
        recorder::live(installed)
            && installed.is_some_and(|r| !r.disabled && r.sink.has_processor())
            && !recorder::suppressed()
    }
}

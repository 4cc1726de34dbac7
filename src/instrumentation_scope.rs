//! The instrumentation scope: which library (or module, or component)
//! recorded a span, as the OpenTelemetry
//! [trace API](https://opentelemetry.io/docs/specs/otel/trace/api/#get-a-tracer)
//! names it when a [`Tracer`](crate::Tracer) is obtained, and as OTLP sends
//! it (`InstrumentationScope` and the `schema_url` of `ScopeSpans`).

use crate::value::{KeyValue, Str};

/// The name of baton's own scope, which spans of [`span`](crate::span)
/// are exported under.
pub const SCOPE_NAME: &str = "baton";

/// The version of baton's own scope: baton's version.
const SCOPE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// baton's own scope: what a span not made by a named tracer records.
static BATON: InstrumentationScope = InstrumentationScope {
    name: Str::Borrowed(SCOPE_NAME),
    version: Some(Str::Borrowed(SCOPE_VERSION)),
    schema_url: None,
    attributes: Vec::new(),
    dropped_attributes_count: 0,
};

/// The scope a span was recorded in: a name, an optional version and
/// schema URL, and attributes. Made by [`tracer`](crate::tracer), read from
/// [`Tracer::scope`](crate::Tracer::scope), [`SpanData::scope`](crate::SpanData::scope)
/// and [`EndedSpan::scope`](crate::EndedSpan::scope).
///
/// # Example
/// ```
/// let tracer = baton::tracer("my.library").version("1.2.0").attr("tier", "db").build();
/// let scope = tracer.scope();
/// assert_eq!(scope.name(), "my.library");
/// assert_eq!(scope.version(), Some("1.2.0"));
/// assert_eq!(scope.schema_url(), None);
/// assert_eq!(scope.attributes()[0].key, "tier");
/// assert_eq!(baton::InstrumentationScope::baton().name(), "baton");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct InstrumentationScope {
    pub(crate) name: Str,
    pub(crate) version: Option<Str>,
    pub(crate) schema_url: Option<Str>,
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) dropped_attributes_count: u32,
}

impl InstrumentationScope {
    /// baton's own scope: name [`SCOPE_NAME`] (`baton`), baton's version,
    /// no schema URL and no attributes. Spans of [`span`](crate::span) and
    /// [`in_span`](crate::in_span) have it.
    pub fn baton() -> &'static InstrumentationScope {
        &BATON
    }

    /// The name; empty only if the tracer was given an empty name (kept, as
    /// the OpenTelemetry API asks, and reported).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version, if one was given and not empty.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The schema URL of the telemetry the scope emits, if one was given
    /// and not empty.
    pub fn schema_url(&self) -> Option<&str> {
        self.schema_url.as_deref()
    }

    /// The attributes, in the order given, keys unique (see
    /// [`TracerBuilder::attr`](crate::TracerBuilder::attr)).
    pub fn attributes(&self) -> &[KeyValue] {
        &self.attributes
    }

    /// Attributes discarded: past the limit or with an empty key.
    pub fn dropped_attributes_count(&self) -> u32 {
        self.dropped_attributes_count
    }
}

//! What one span may record.

/// The limits on what one span records, with dropped counts kept past them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanLimits {
    /// Attributes per span. Defaults to [`SpanLimits::DEFAULT_MAX`].
    pub max_attributes: usize,
    /// Events per span. Defaults to [`SpanLimits::DEFAULT_MAX`].
    pub max_events: usize,
    /// Links per span. Defaults to [`SpanLimits::DEFAULT_MAX`].
    pub max_links: usize,
    /// Attributes per event. Defaults to [`SpanLimits::DEFAULT_MAX`].
    pub max_attributes_per_event: usize,
    /// Attributes per link. Defaults to [`SpanLimits::DEFAULT_MAX`].
    pub max_attributes_per_link: usize,
    /// The most characters of a string attribute value (of each string of an
    /// array), on spans, events and links; longer values are cut when the span
    /// ends, and reported with what the span discarded (one
    /// [`DiagnosticKind::LimitExceeded`](crate::DiagnosticKind) per span).
    /// Defaults to `None`: no limit.
    pub max_attribute_value_length: Option<usize>,
    /// How deep an attribute value may nest key-value lists and arrays (the
    /// OpenTelemetry `AttributeValueDepthLimit`): the top-level value is at
    /// depth 1, each array (of any kind) or list adds a level for what it
    /// holds, and a list or array deeper than this, even an empty one, is
    /// replaced with the empty value, [`Value::Empty`](crate::Value::Empty),
    /// when the span ends, as the common spec says ("arrays or map at a
    /// depth greater than the limit MUST be replaced with an empty value").
    /// This applies on spans, events and links, and a replaced value is
    /// reported as a cut value is. Defaults to
    /// [`SpanLimits::DEFAULT_MAX_DEPTH`].
    /// Exporters walk a value, and its drop frees it, by recursion, so the
    /// limit is at most [`SpanLimits::MAX_DEPTH`]:
    /// [`Config::span_limits`](crate::Config::span_limits) takes a deeper
    /// one as that, and reports it.
    ///
    /// ```
    /// use baton::{KeyValue, SpanLimits, Value};
    /// let spans = baton::InMemoryExporter::default();
    /// let limits = SpanLimits { max_attribute_value_depth: 2, ..SpanLimits::default() };
    /// let config = baton::Config::new().span_limits(limits).exporter(spans.clone());
    /// let _pipeline = baton::init(config).unwrap();
    /// // A list (depth 1) holding an array (2) holding arrays (3).
    /// let grid = Value::from(vec![Value::from(vec![1, 2]), Value::from(Vec::<i64>::new())]);
    /// baton::span("s").attr("v", vec![KeyValue::new("grid", grid)]).start().end();
    /// let kept = Value::from(vec![Value::Empty, Value::Empty]);
    /// let want = Value::from(vec![KeyValue::new("grid", kept)]);
    /// assert_eq!(spans.take()[0].attribute("v"), Some(&want));
    /// ```
    pub max_attribute_value_depth: usize,
}

impl SpanLimits {
    /// The OpenTelemetry default for each limit: 128.
    pub const DEFAULT_MAX: usize = 128;
    /// The OpenTelemetry default depth of an attribute value: 64.
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    /// The deepest [`max_attribute_value_depth`](SpanLimits::max_attribute_value_depth)
    /// baton takes: a value kept at this depth is encoded and dropped
    /// within a few hundred KiB of stack, where a limit of tens of
    /// thousands let a value overflow the thread's stack and abort the
    /// process.
    pub const MAX_DEPTH: usize = 1024;
}

impl Default for SpanLimits {
    fn default() -> Self {
        SpanLimits {
            max_attributes: Self::DEFAULT_MAX,
            max_events: Self::DEFAULT_MAX,
            max_links: Self::DEFAULT_MAX,
            max_attributes_per_event: Self::DEFAULT_MAX,
            max_attributes_per_link: Self::DEFAULT_MAX,
            max_attribute_value_length: None,
            max_attribute_value_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}

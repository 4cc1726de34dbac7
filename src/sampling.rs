//! Sampling: deciding at span start whether a trace is recorded.
//!
//! The samplers are those of the
//! [OpenTelemetry SDK](https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers):
//! [`AlwaysOn`], [`AlwaysOff`], [`TraceIdRatio`] and [`ParentBased`], chosen
//! in code or from `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` with
//! [`export::sampler_from_env`](crate::export::sampler_from_env).
//!
//! # Example: sample a quarter of new traces, follow the parent otherwise
//! ```
//! use baton::sampling::{ParentBased, Sampler, SamplingParams, TraceIdRatio};
//! let sampler = ParentBased::new(TraceIdRatio::new(0.25));
//! let id = baton::TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
//! let first = sampler.should_sample(&SamplingParams::new(None, id, "request"));
//! // Any other service with the same ratio decides the same for this trace.
//! let again = ParentBased::new(TraceIdRatio::new(0.25));
//! assert_eq!(again.should_sample(&SamplingParams::new(None, id, "other")), first);
//! ```

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::baggage::Baggage;
use crate::id::TraceId;
use crate::span_context::SpanContext;
use crate::span_data::{Link, SpanKind};
use crate::trace_state::TraceState;
use crate::value::{KeyValue, Value};
use crate::wire::b3::Sampling;

/// What a sampler decided for a new span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingDecision {
    /// Record nothing; the sampled flag is cleared.
    Drop,
    /// Record the span locally but do not set the sampled flag.
    RecordOnly,
    /// Record the span and set the sampled flag.
    RecordAndSample,
}

impl SamplingDecision {
    /// Whether the span records data.
    pub fn is_recording(self) -> bool {
        self != SamplingDecision::Drop
    }

    /// Whether the sampled flag is set.
    pub fn is_sampled(self) -> bool {
        self == SamplingDecision::RecordAndSample
    }
}

/// What a sampler decided, the attributes it adds to the span and the
/// tracestate the span gets (as in the OpenTelemetry `SamplingResult`).
///
/// The OpenTelemetry result always carries a tracestate, and samplers
/// return the parent's to leave it; here `None` leaves the parent's (or a
/// root's empty one), so that a sampler that does not touch it need not
/// copy it. `Some(TraceState::EMPTY)` clears it.
///
/// # Example: a sampler that keeps every request to `/checkout`
/// ```
/// use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
/// use baton::{KeyValue, Value};
/// struct ByRoute;
/// impl Sampler for ByRoute {
///     fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
///         let route = params.attribute("http.route").map(Value::to_string);
///         if route.as_deref() == Some("/checkout") {
///             SamplingResult::from(SamplingDecision::RecordAndSample)
///                 .with_attribute(KeyValue::new("sampled.by", "route"))
///         } else {
///             SamplingDecision::Drop.into()
///         }
///     }
///     fn description(&self) -> String { "ByRoute".into() }
/// }
/// let id = baton::TraceId::random();
/// let attrs = [KeyValue::new("http.route", "/checkout")];
/// let params = SamplingParams::new(None, id, "GET").with_attributes(&attrs);
/// let result = ByRoute.should_sample(&params);
/// assert!(result.is_sampled());
/// assert_eq!(result.attributes[0].key, "sampled.by");
/// assert_eq!(result.trace_state, None); // the parent's, unchanged
/// ```
///
/// # Example: a sampler that records its threshold in the tracestate
/// ```
/// use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
/// use baton::TraceState;
/// struct Half;
/// impl Sampler for Half {
///     fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
///         let parent = params.parent.map_or(&TraceState::EMPTY, |p| p.trace_state());
///         let state = parent.insert("ot", "th:8").unwrap_or_else(|_| parent.clone());
///         SamplingResult::from(SamplingDecision::RecordAndSample).with_trace_state(state)
///     }
///     fn description(&self) -> String { "Half".into() }
/// }
/// let result = Half.should_sample(&SamplingParams::new(None, baton::TraceId::random(), "x"));
/// assert_eq!(result.trace_state.unwrap().get("ot"), Some("th:8"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SamplingResult {
    /// Whether the span records, and whether it is sampled.
    pub decision: SamplingDecision,
    /// Attributes the span gets, set before the builder's own.
    pub attributes: Vec<KeyValue>,
    /// The span's tracestate; `None` keeps the parent's.
    pub trace_state: Option<TraceState>,
}

impl SamplingResult {
    /// Whether the span records data.
    pub fn is_recording(&self) -> bool {
        self.decision.is_recording()
    }

    /// Whether the sampled flag is set.
    pub fn is_sampled(&self) -> bool {
        self.decision.is_sampled()
    }

    /// The same result, adding `kv` to the span's attributes.
    #[must_use]
    pub fn with_attribute(mut self, kv: KeyValue) -> SamplingResult {
        self.attributes.push(kv);
        self
    }

    /// The same result, giving the span `trace_state` instead of its
    /// parent's.
    #[must_use]
    pub fn with_trace_state(mut self, trace_state: TraceState) -> SamplingResult {
        self.trace_state = Some(trace_state);
        self
    }
}

impl From<SamplingDecision> for SamplingResult {
    fn from(decision: SamplingDecision) -> SamplingResult {
        SamplingResult {
            decision,
            attributes: Vec::new(),
            trace_state: None,
        }
    }
}

impl PartialEq<SamplingDecision> for SamplingResult {
    fn eq(&self, decision: &SamplingDecision) -> bool {
        self.decision == *decision
    }
}

/// What a sampler sees about a span that is about to start: what an
/// OpenTelemetry sampler sees.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SamplingParams<'a> {
    /// The parent span context, local or remote; `None` for a root.
    pub parent: Option<&'a SpanContext>,
    /// A decision received without ids, for a root span
    /// ([`Context::remote_decision`](crate::Context::remote_decision)):
    /// B3's lone `b3: 0`, `b3: 1` or `b3: d`. A debug one (`d`, or
    /// `X-B3-Flags: 1`) asks for the trace to be recorded whatever the
    /// sampling policy: [`ParentBased`] samples it, as it does a debug
    /// parent.
    pub remote_decision: Option<Sampling>,
    /// The trace id the span will have.
    pub trace_id: TraceId,
    /// The span name.
    pub name: &'a str,
    /// The span kind.
    pub kind: SpanKind,
    /// The attributes given to the span builder, in order.
    pub attributes: &'a [KeyValue],
    /// The links given to the span builder.
    pub links: &'a [Link],
    /// The baggage of the parent context, which the span will carry
    /// (`session.id` included): OpenTelemetry gives a sampler the whole
    /// parent `Context`, and its baggage is what a sampler decides on
    /// beside the parent's span context (a tenant, a session, a debug
    /// request). A span started with [`root`](crate::SpanBuilder::root)
    /// has no parent, and still the current baggage.
    pub baggage: &'a Baggage,
}

impl<'a> SamplingParams<'a> {
    /// Parameters for a span named `name` in trace `trace_id`.
    pub fn new(parent: Option<&'a SpanContext>, trace_id: TraceId, name: &'a str) -> Self {
        SamplingParams {
            parent,
            remote_decision: None,
            trace_id,
            name,
            kind: SpanKind::Internal,
            attributes: &[],
            links: &[],
            baggage: &Baggage::EMPTY,
        }
    }

    /// The same parameters with the builder's attributes.
    #[must_use]
    pub fn with_attributes(mut self, attributes: &'a [KeyValue]) -> Self {
        self.attributes = attributes;
        self
    }

    /// The same parameters with the parent context's `baggage`.
    ///
    /// # Example: sample every request of one tenant
    /// ```
    /// use baton::sampling::{AlwaysOff, Sampler, SamplingDecision, SamplingParams, SamplingResult};
    /// #[derive(Debug)]
    /// struct Tenant;
    /// impl Sampler for Tenant {
    ///     fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
    ///         match params.baggage.get("tenant") {
    ///             Some("gold") => SamplingDecision::RecordAndSample.into(),
    ///             _ => AlwaysOff.should_sample(params),
    ///         }
    ///     }
    ///     fn description(&self) -> String {
    ///         "Tenant{gold}".into()
    ///     }
    /// }
    /// let gold = baton::Baggage::default().try_insert("tenant", "gold", "").unwrap();
    /// let params = SamplingParams::new(None, baton::TraceId::random(), "request");
    /// assert!(Tenant.should_sample(&params.with_baggage(&gold)).is_sampled());
    /// assert!(!Tenant.should_sample(&params).is_sampled());
    /// ```
    #[must_use]
    pub fn with_baggage(mut self, baggage: &'a Baggage) -> Self {
        self.baggage = baggage;
        self
    }

    /// The same parameters with `decision`, a sampling decision received
    /// without ids ([`SamplingParams::remote_decision`]).
    ///
    /// # Example: a lone `b3: d` is sampled whatever the delegates say
    /// ```
    /// use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingParams};
    /// use baton::wire::b3::Sampling;
    /// let sampler = ParentBased::new(AlwaysOff).remote_parent_sampled(AlwaysOff);
    /// let params = SamplingParams::new(None, baton::TraceId::random(), "request");
    /// let debug = params.with_remote_decision(Some(Sampling::Debug));
    /// assert!(sampler.should_sample(&debug).is_sampled());
    /// let accept = params.with_remote_decision(Some(Sampling::Accept));
    /// assert!(!sampler.should_sample(&accept).is_sampled());
    /// ```
    #[must_use]
    pub fn with_remote_decision(mut self, decision: Option<Sampling>) -> Self {
        self.remote_decision = decision;
        self
    }

    /// The value of builder attribute `key`, as the span will record it:
    /// the last one given (a later value of a key replaces an earlier
    /// one), and none for the empty key, which a span never records.
    ///
    /// ```
    /// use baton::sampling::SamplingParams;
    /// use baton::KeyValue;
    /// let given = [KeyValue::new("http.route", "/health"), KeyValue::new("http.route", "/checkout")];
    /// let params = SamplingParams::new(None, baton::TraceId::random(), "GET").with_attributes(&given);
    /// assert_eq!(params.attribute("http.route"), Some(&"/checkout".into()));
    /// ```
    pub fn attribute(&self, key: &str) -> Option<&'a Value> {
        if key.is_empty() {
            return None;
        }
        self.attributes
            .iter()
            .rev()
            .find(|kv| kv.key == key)
            .map(|kv| &kv.value)
    }
}

/// Decides whether a span is recorded and sampled.
///
/// The pipeline's sampler ([`Config::sampler`](crate::Config::sampler),
/// `ParentBased(AlwaysOn)` by default) is asked once for each span
/// started while a pipeline is installed, on the thread starting it, so it
/// should be quick. A span it drops still gets ids and propagates, with
/// the sampled flag clear, but records nothing.
///
/// # Example: a dropped span still propagates
/// ```
/// use baton::sampling::AlwaysOff;
/// let spans = baton::InMemoryExporter::default();
/// let config = baton::Config::new().sampler(AlwaysOff).exporter(spans.clone());
/// let _pipeline = baton::init(config).unwrap();
/// let mut headers = std::collections::HashMap::new();
/// baton::in_span("request", || {
///     assert!(!baton::current_span().unwrap().is_recording());
///     baton::inject_context(&mut headers);
/// });
/// let sent = baton::wire::traceparent::parse(&headers["traceparent"]).unwrap();
/// assert!(!sent.flags.is_sampled());
/// assert!(spans.finished_spans().is_empty());
/// ```
pub trait Sampler: Any + Send + Sync {
    /// The decision for one span.
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult;

    /// A description such as `ParentBased{root:AlwaysOnSampler}`.
    fn description(&self) -> String;
}

impl fmt::Debug for dyn Sampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description())
    }
}

impl Sampler for Box<dyn Sampler> {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        (**self).should_sample(params)
    }

    fn description(&self) -> String {
        (**self).description()
    }
}

/// Records every span.
#[derive(Clone, Copy, Debug, Default)]
pub struct AlwaysOn;

impl Sampler for AlwaysOn {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingResult {
        SamplingDecision::RecordAndSample.into()
    }

    fn description(&self) -> String {
        "AlwaysOnSampler".into()
    }
}

/// Records no span.
///
/// ```
/// use baton::sampling::{AlwaysOff, Sampler, SamplingDecision, SamplingParams};
/// let id = baton::TraceId::random();
/// assert_eq!(AlwaysOff.should_sample(&SamplingParams::new(None, id, "x")), SamplingDecision::Drop);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AlwaysOff;

impl Sampler for AlwaysOff {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingResult {
        SamplingDecision::Drop.into()
    }

    fn description(&self) -> String {
        "AlwaysOffSampler".into()
    }
}

/// Samples a fixed fraction of traces, decided from the trace id alone so
/// that every service with the same ratio makes the same decision.
///
/// The decision follows the
/// [OpenTelemetry `TraceIdRatioBased` sampler](https://opentelemetry.io/docs/specs/otel/trace/sdk/#traceidratiobased):
/// the randomness `R` is the 56 least significant bits of the trace id (the
/// part W3C Trace Context level 2 makes random), the rejection threshold is
/// `T = (1 - ratio) * 2^56`, and a trace is sampled when `R >= T`. A trace
/// sampled at one ratio is therefore sampled at every larger ratio.
///
/// It leaves the tracestate as it is: it writes no `th` (threshold) and
/// reads no `rv` (explicit randomness) in the OpenTelemetry `ot` member.
/// The spec's TraceIdRatioBased section (stable) says SDKs shall not
/// change this sampler's behaviour before 1 January 2027; `th` belongs to
/// the `ProbabilitySampler` and `rv` to the SDK sampling requirements,
/// both still in development. A sampler that writes either can return it
/// with [`SamplingResult::with_trace_state`].
///
/// Use it as the root sampler of [`ParentBased`]. Deciding for a span with
/// a parent (bare, as `OTEL_TRACES_SAMPLER=traceidratio` installs it, or
/// as one of `ParentBased`'s delegates for a parent), it reports a
/// [`SamplerCompatibility`](crate::diagnostic::DiagnosticKind::SamplerCompatibility)
/// diagnostic once per process, as the spec's compatibility warnings ask
/// (in development): the algorithm was never specified, so other SDKs,
/// and later versions, may decide otherwise for the same trace. A parent
/// whose decision was deferred (B3 ids without one) is no such case: the
/// ratio makes the trace's first decision there.
///
/// ```
/// use baton::sampling::{Sampler, SamplingParams, TraceIdRatio};
/// let low = baton::TraceId::from_hex("000000000000000000ffffffffffffff").unwrap();
/// let sampled = |r: f64| TraceIdRatio::new(r).should_sample(&SamplingParams::new(None, low, "x")).is_sampled();
/// assert!(sampled(0.5) && sampled(0.01)); // R is the largest value
/// assert!(!TraceIdRatio::new(0.0).should_sample(&SamplingParams::new(None, low, "x")).is_sampled());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceIdRatio {
    ratio: f64,
    /// Traces whose randomness is below this are dropped.
    threshold: u64,
}

/// `2^56`: the range of a trace id's randomness.
const RANDOMNESS_RANGE: u64 = 1 << 56;

impl TraceIdRatio {
    /// Samples `ratio` of traces. A ratio outside `[0, 1]` (or NaN) is
    /// clamped into it, and reported as a diagnostic.
    pub fn new(ratio: f64) -> TraceIdRatio {
        let clamped = if ratio.is_nan() {
            0.0
        } else {
            ratio.clamp(0.0, 1.0)
        };
        if clamped != ratio {
            crate::diagnostic::report(
                crate::diagnostic::DiagnosticKind::InvalidArgument,
                &format_args!("sampling ratio {ratio} is outside [0, 1]; using {clamped}"),
                None,
            );
        }
        // `T = (1 - ratio) * 2^56`, computed as `2^56 - ratio * 2^56`:
        // scaling by a power of two is exact, while `1 - ratio` rounds to 1
        // for every ratio below 2^-54 (the spec's smallest is 2^-56).
        let kept = (clamped * RANDOMNESS_RANGE as f64).round() as u64;
        // Below 2^-57 the share of the randomness rounds to none: the
        // sampler keeps nothing, and says so rather than report a ratio it
        // does not apply.
        let clamped = if kept == 0 && clamped > 0.0 {
            report_below_smallest_ratio(&clamped);
            0.0
        } else {
            clamped
        };
        TraceIdRatio {
            // `+ 0.0` turns -0 into 0, for the description.
            ratio: clamped + 0.0,
            threshold: RANDOMNESS_RANGE - kept,
        }
    }

    /// The ratio in force, in `[0, 1]`: 0 for a positive ratio below
    /// 2^-57, which keeps no value of the 56-bit randomness (reported).
    pub fn ratio(&self) -> f64 {
        self.ratio
    }
}

/// Reports a positive sampling `ratio` too small to keep any trace: below
/// 2^-57, `ratio * 2^56` rounds to none of the randomness values.
pub(crate) fn report_below_smallest_ratio(ratio: &dyn fmt::Display) {
    crate::diagnostic::report(
        crate::diagnostic::DiagnosticKind::InvalidArgument,
        &format_args!(
            "sampling ratio {ratio} is below 2^-57, the smallest share of the 56-bit \
             trace id randomness a ratio can keep; using 0 (no trace is sampled)"
        ),
        None,
    );
}

/// Set once a [`TraceIdRatio`] has been warned about as a child sampler.
static WARNED_AS_CHILD: AtomicBool = AtomicBool::new(false);

/// The OpenTelemetry spec's compatibility warning for a [`TraceIdRatio`]
/// deciding for a child of `parent`: "When this sampler observes a
/// non-empty parent span context, meaning when it is used not as a root
/// sampler, the SDK SHOULD emit a warning" (Compatibility warnings for
/// `TraceIdRatioBased` sampler). Once per process: the warning is about
/// configuration, which every child span would repeat.
///
/// Out of line and cold, so that a root's decision pays one branch on its
/// parent and nothing else; a child's, once warned, a load of the flag.
#[cold]
#[inline(never)]
fn warn_as_child(sampler: &TraceIdRatio, parent: &SpanContext) {
    // A deferred parent (B3 ids without a decision) left the decision to
    // this span: the ratio makes the first one, as a root sampler does,
    // and `ParentBased` hands such a span to its root sampler.
    if parent.is_deferred() || !parent.is_valid() {
        return;
    }
    // Set before reporting: a handler that starts spans comes back here.
    if WARNED_AS_CHILD.swap(true, Ordering::Relaxed) {
        return;
    }
    // The spec's more direct warning (MAY): the parent's tracestate shows
    // a ProbabilitySampler (the `th` or `rv` subkey of the `ot` member).
    let probability_parent = parent.trace_state().get("ot").is_some_and(|ot| {
        ot.split(';')
            .any(|sub| sub.starts_with("th:") || sub.starts_with("rv:"))
    });
    let parent_note = if probability_parent {
        " and its parent is using ProbabilitySampler (tracestate ot=...th or rv)"
    } else {
        ""
    };
    crate::diagnostic::report(
        crate::diagnostic::DiagnosticKind::SamplerCompatibility,
        &format_args!(
            "{} is operating as a child sampler{parent_note}: its algorithm is not \
             specified across SDKs, so its decisions are subject to change and other \
             services may decide otherwise for the same trace; make it the root sampler of \
             ParentBased (OTEL_TRACES_SAMPLER=parentbased_traceidratio). Reported once per \
             process",
            sampler.description()
        ),
        None,
    );
}

impl Sampler for TraceIdRatio {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        // The flag read here, so that a child's decision after the warning
        // makes no call.
        if let Some(parent) = params
            .parent
            .filter(|_| !WARNED_AS_CHILD.load(Ordering::Relaxed))
        {
            warn_as_child(self, parent);
        }
        let randomness = (params.trace_id.to_u128() as u64) & (RANDOMNESS_RANGE - 1);
        if self.ratio > 0.0 && randomness >= self.threshold {
            SamplingDecision::RecordAndSample.into()
        } else {
            SamplingDecision::Drop.into()
        }
    }

    fn description(&self) -> String {
        format!("TraceIdRatioBased{{{}}}", self.ratio)
    }
}

/// Follows the parent's decision; `root` decides for roots.
///
/// As in the OpenTelemetry spec, four delegates decide for spans with a
/// parent: remote sampled (default [`AlwaysOn`]), remote not sampled (default
/// [`AlwaysOff`]), local sampled (default [`AlwaysOn`]) and local not sampled
/// (default [`AlwaysOff`]). On top of the spec, B3 decisions are honoured: a
/// remote debug parent is always sampled; a deferred parent (B3 ids without a
/// sampling state) is decided by `root`, as if there were no decision yet; and
/// a root whose context carries a B3 decision without ids is decided as a
/// child of a remote parent with that decision: a lone `0` is not sampled, a
/// lone `1` is (by default), whatever `root` would say, and a debug one
/// ([`SamplingParams::remote_decision`]) always is.
///
/// # Example: a remote unsampled parent is still sampled here
/// ```
/// use baton::sampling::{AlwaysOn, ParentBased, Sampler, SamplingParams};
/// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
/// let sampler = ParentBased::new(AlwaysOn).remote_parent_not_sampled(AlwaysOn);
/// let parent = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default())
///     .with_remote(true);
/// let params = SamplingParams::new(Some(&parent), parent.trace_id(), "x");
/// assert!(sampler.should_sample(&params).is_sampled());
/// ```
pub struct ParentBased<S> {
    root: S,
    remote_sampled: Option<Box<dyn Sampler>>,
    remote_not_sampled: Option<Box<dyn Sampler>>,
    local_sampled: Option<Box<dyn Sampler>>,
    local_not_sampled: Option<Box<dyn Sampler>>,
}

impl<S: Sampler + Default> Default for ParentBased<S> {
    fn default() -> Self {
        ParentBased::new(S::default())
    }
}

impl<S: fmt::Debug> fmt::Debug for ParentBased<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |d: &Option<Box<dyn Sampler>>| d.as_ref().map(|s| s.description());
        f.debug_struct("ParentBased")
            .field("root", &self.root)
            .field("remote_parent_sampled", &name(&self.remote_sampled))
            .field("remote_parent_not_sampled", &name(&self.remote_not_sampled))
            .field("local_parent_sampled", &name(&self.local_sampled))
            .field("local_parent_not_sampled", &name(&self.local_not_sampled))
            .finish()
    }
}

impl<S: Sampler> ParentBased<S> {
    /// Parent-based sampling with `root` for spans without a parent and the
    /// spec's default delegates for the rest.
    pub const fn new(root: S) -> Self {
        ParentBased {
            root,
            remote_sampled: None,
            remote_not_sampled: None,
            local_sampled: None,
            local_not_sampled: None,
        }
    }

    /// Decides for spans whose remote parent is sampled. Defaults to [`AlwaysOn`].
    pub fn remote_parent_sampled(mut self, sampler: impl Sampler) -> Self {
        self.remote_sampled = Some(Box::new(sampler));
        self
    }

    /// Decides for spans whose remote parent is not sampled. Defaults to [`AlwaysOff`].
    pub fn remote_parent_not_sampled(mut self, sampler: impl Sampler) -> Self {
        self.remote_not_sampled = Some(Box::new(sampler));
        self
    }

    /// Decides for spans whose local parent is sampled. Defaults to [`AlwaysOn`].
    pub fn local_parent_sampled(mut self, sampler: impl Sampler) -> Self {
        self.local_sampled = Some(Box::new(sampler));
        self
    }

    /// Decides for spans whose local parent is not sampled. Defaults to [`AlwaysOff`].
    pub fn local_parent_not_sampled(mut self, sampler: impl Sampler) -> Self {
        self.local_not_sampled = Some(Box::new(sampler));
        self
    }
}

impl<S> ParentBased<S> {
    /// The delegate for a child of `parent`, and the decision when there
    /// is none.
    #[inline]
    fn for_parent(&self, parent: ParentSampling) -> (&Option<Box<dyn Sampler>>, SamplingDecision) {
        use SamplingDecision::{Drop, RecordAndSample};
        match (parent.remote, parent.sampled) {
            (true, true) => (&self.remote_sampled, RecordAndSample),
            (true, false) => (&self.remote_not_sampled, Drop),
            (false, true) => (&self.local_sampled, RecordAndSample),
            (false, false) => (&self.local_not_sampled, Drop),
        }
    }
}

/// A new span's parent, as far as the samplers of this module look at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParentSampling {
    /// Its context came from another process.
    pub(crate) remote: bool,
    pub(crate) sampled: bool,
}

/// What `sampler` decides for a span whose parent is `parent` (`None`: a
/// root span without a sampling hint), when that is known without calling
/// it: `Some(true)` records and samples the span and adds it no
/// attributes and leaves the tracestate, `Some(false)` drops it. Known for the samplers of this
/// module, so that the span path can skip the call; `None` for any other
/// sampler, and for a decision that depends on more than the parent (a
/// trace id ratio, a delegate of `ParentBased`). A debug or deferred parent
/// is the caller's to leave to the sampler.
pub(crate) fn known_decision(
    sampler: &dyn Sampler,
    parent: Option<ParentSampling>,
) -> Option<bool> {
    fn parent_based<S: Sampler>(
        any: &dyn Any,
        parent: Option<ParentSampling>,
    ) -> Option<Option<bool>> {
        let parent_based = any.downcast_ref::<ParentBased<S>>()?;
        let Some(parent) = parent else {
            return Some(known_decision(&parent_based.root, None));
        };
        let (chosen, default) = parent_based.for_parent(parent);
        Some(chosen.is_none().then_some(default.is_sampled()))
    }
    let any: &dyn Any = sampler;
    if let Some(inner) = any.downcast_ref::<Box<dyn Sampler>>() {
        return known_decision(&**inner, parent);
    }
    if any.is::<AlwaysOn>() {
        return Some(true);
    }
    if any.is::<AlwaysOff>() {
        return Some(false);
    }
    parent_based::<AlwaysOn>(any, parent)
        .or_else(|| parent_based::<AlwaysOff>(any, parent))
        .or_else(|| parent_based::<TraceIdRatio>(any, parent))
        .or_else(|| parent_based::<Box<dyn Sampler>>(any, parent))
        .flatten()
}

fn delegate(
    chosen: &Option<Box<dyn Sampler>>,
    default: SamplingDecision,
    params: &SamplingParams<'_>,
) -> SamplingResult {
    chosen
        .as_ref()
        .map_or_else(|| default.into(), |s| s.should_sample(params))
}

impl<S: Sampler> Sampler for ParentBased<S> {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        use SamplingDecision::RecordAndSample;
        match params.parent {
            Some(p) if p.is_debug() => RecordAndSample.into(),
            Some(p) if p.is_deferred() => self.root.should_sample(params),
            Some(p) => {
                let (chosen, default) = self.for_parent(ParentSampling {
                    remote: p.is_remote(),
                    sampled: p.is_sampled(),
                });
                delegate(chosen, default, params)
            }
            None => match params.remote_decision {
                // A debug decision received without ids is sampled as a
                // debug parent is: `b3: d` is how a request asks to be
                // traced whatever the policy.
                Some(Sampling::Debug) => RecordAndSample.into(),
                // Any other (B3's lone `0` or `1`) is the caller's, as a
                // remote parent's would be.
                Some(decision) => {
                    let (chosen, default) = self.for_parent(ParentSampling {
                        remote: true,
                        sampled: decision == Sampling::Accept,
                    });
                    delegate(chosen, default, params)
                }
                None => self.root.should_sample(params),
            },
        }
    }

    fn description(&self) -> String {
        let name = |d: &Option<Box<dyn Sampler>>, default: &str| {
            d.as_ref()
                .map_or_else(|| default.to_owned(), |s| s.description())
        };
        format!(
            "ParentBased{{root:{},remoteParentSampled:{},remoteParentNotSampled:{},localParentSampled:{},localParentNotSampled:{}}}",
            self.root.description(),
            name(&self.remote_sampled, "AlwaysOnSampler"),
            name(&self.remote_not_sampled, "AlwaysOffSampler"),
            name(&self.local_sampled, "AlwaysOnSampler"),
            name(&self.local_not_sampled, "AlwaysOffSampler"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::SpanId;
    use crate::span_context::TraceFlags;

    /// The five parents a known decision is asked for: none, then local
    /// and remote spans, unsampled and sampled.
    const PARENTS: [Option<ParentSampling>; 5] = [
        None,
        Some(ParentSampling {
            remote: false,
            sampled: false,
        }),
        Some(ParentSampling {
            remote: false,
            sampled: true,
        }),
        Some(ParentSampling {
            remote: true,
            sampled: false,
        }),
        Some(ParentSampling {
            remote: true,
            sampled: true,
        }),
    ];

    fn parent(kind: ParentSampling) -> SpanContext {
        let flags = TraceFlags::from_bits(u8::from(kind.sampled));
        SpanContext::new(TraceId::random(), SpanId::random(), flags).with_remote(kind.remote)
    }

    /// A sampler and its known decisions for each of [`PARENTS`].
    type Known = (Box<dyn Sampler>, [Option<bool>; 5]);

    /// Where the decision is known, it is the one the sampler makes, with
    /// no attributes, for any trace id.
    #[test]
    fn a_known_decision_is_the_samplers_own() {
        let samplers: Vec<Known> = vec![
            (Box::new(AlwaysOn), [Some(true); 5]),
            (Box::new(AlwaysOff), [Some(false); 5]),
            (
                Box::new(ParentBased::new(AlwaysOn)),
                [Some(true), Some(false), Some(true), Some(false), Some(true)],
            ),
            (
                Box::new(ParentBased::new(AlwaysOff)),
                [
                    Some(false),
                    Some(false),
                    Some(true),
                    Some(false),
                    Some(true),
                ],
            ),
            (
                Box::new(ParentBased::new(TraceIdRatio::new(0.5))),
                [None, Some(false), Some(true), Some(false), Some(true)],
            ),
            (
                Box::new(Box::new(ParentBased::new(AlwaysOn)) as Box<dyn Sampler>),
                [Some(true), Some(false), Some(true), Some(false), Some(true)],
            ),
            (
                Box::new(ParentBased::new(Box::new(AlwaysOff) as Box<dyn Sampler>)),
                [
                    Some(false),
                    Some(false),
                    Some(true),
                    Some(false),
                    Some(true),
                ],
            ),
            (
                Box::new(ParentBased::new(AlwaysOn).local_parent_sampled(AlwaysOn)),
                [Some(true), Some(false), None, Some(false), Some(true)],
            ),
            (
                Box::new(ParentBased::new(AlwaysOn).local_parent_not_sampled(AlwaysOff)),
                [Some(true), None, Some(true), Some(false), Some(true)],
            ),
            (
                Box::new(ParentBased::new(AlwaysOn).remote_parent_sampled(AlwaysOff)),
                [Some(true), Some(false), Some(true), Some(false), None],
            ),
            (
                Box::new(ParentBased::new(AlwaysOn).remote_parent_not_sampled(AlwaysOn)),
                [Some(true), Some(false), Some(true), None, Some(true)],
            ),
            (Box::new(TraceIdRatio::new(1.0)), [None; 5]),
        ];
        for (sampler, expected) in samplers {
            let known = PARENTS.map(|parent| known_decision(&*sampler, parent));
            assert_eq!(known, expected, "{}", sampler.description());
            for (kind, known) in PARENTS.into_iter().zip(known) {
                let Some(sampled) = known else { continue };
                for _ in 0..100 {
                    let parent = kind.map(parent);
                    let params = SamplingParams::new(parent.as_ref(), TraceId::random(), "span");
                    let result = sampler.should_sample(&params);
                    assert_eq!(result.is_sampled(), sampled, "{}", sampler.description());
                    assert_eq!(result.is_recording(), sampled);
                    assert!(result.attributes.is_empty());
                    assert_eq!(result.trace_state, None);
                }
            }
        }
    }
}

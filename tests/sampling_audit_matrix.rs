//! Sampling audit matrix: for every sampler (the built-in ones, `ParentBased`
//! with every combination of default / on / off delegates under three
//! roots, nested and with ratio delegates, the samplers
//! `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` name, in any case and
//! with bad values, and samplers of the application's that add attributes,
//! set or clear the tracestate, record only, decide by name or kind, or
//! panic, bare and as a `ParentBased` root or delegate), under every parent
//! (none; a local entered span sampled, unsampled, record-only, ended
//! already, in a debug trace, or carrying a tracestate, each begun under a
//! pipeline before the one under test; remote W3C parents with a
//! tracestate and unknown flag bits; B3 debug, B3 multi debug without a
//! sampled header, B3 deferred; a lone `b3: 1` / `0` / `d`; Jaeger debug
//! and sampled), and every way to start a span (`enter`, `start`,
//! `in_span`, a `Tracer`'s `span` and `in_span`, a future's `in_span`, an
//! explicit `.parent(cx)` started and entered, `.root()`, a kind with and
//! without builder attributes, another thread, a job carrying the
//! context), with random ids, ids of the application's
//! (`Config::id_generator`) and a processor observing starts: the span's
//! decision (sampled flag, recording, ended into the processor, exported),
//! trace flags, tracestate, debug mark, parent, kind and the attributes
//! the sampler added are what calling the sampler's `should_sample` with
//! the same inputs gives; with ids of the application's every span id is
//! the generator's (no span takes the known way). The built-in samplers'
//! own decisions are checked against a model of the OpenTelemetry spec
//! (`ParentBased` delegates, with baton's documented B3 additions), and
//! `TraceIdRatioBased` decides by the trace id's 56 least significant bits
//! alone: the same for every span of a trace whatever the parent's flag,
//! and monotone in the ratio.
//!
//! Found: every combination here decides as the sampler does. (A child
//! entered under a no-op span begun before `init` with a remote parent is
//! recorded with `parent_is_remote` false on the short way; that case is
//! not in this matrix, see the audit report.) The matrix bites: making the
//! known decision for a default `ParentBased` delegate "sampled", or having
//! `enter_local_child` drop the parent's tracestate or the kind, fails it
//! with thousands of mismatches. Installs the global pipeline many times,
//! one after another, in one test.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use baton::export::{sampler_from_env, ExportError, SimpleProcessor, SpanProcessor};
use baton::propagation::{Jaeger, Propagator, TraceContext, B3};
use baton::sampling::{
    AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingDecision, SamplingParams, SamplingResult,
    TraceIdRatio,
};
use baton::wire::b3::Sampling;
use baton::{
    Config, Context, FutureExt, IdGenerator, InMemoryExporter, KeyValue, SpanContext, SpanData,
    SpanId, SpanKind, TraceFlags, TraceId, TraceState,
};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN: &str = "00f067aa0ba902b7";

// ---------------------------------------------------------------------------
// Samplers of the application's.

/// Samples, adding an attribute naming the span.
struct AddsAttribute;
impl Sampler for AddsAttribute {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        SamplingResult::from(SamplingDecision::RecordAndSample)
            .with_attribute(KeyValue::new("sampler.saw", params.name.to_owned()))
            .with_attribute(KeyValue::new("sampler.parent", params.parent.is_some()))
    }
    fn description(&self) -> String {
        "AddsAttribute".into()
    }
}

/// Samples, adding a member to the parent's tracestate.
struct SetsTraceState;
impl Sampler for SetsTraceState {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        let parent = params
            .parent
            .map_or(&TraceState::EMPTY, |p| p.trace_state());
        let state = parent.insert("smp", "yes").unwrap();
        SamplingResult::from(SamplingDecision::RecordAndSample).with_trace_state(state)
    }
    fn description(&self) -> String {
        "SetsTraceState".into()
    }
}

/// Clears the tracestate, and drops.
struct ClearsTraceState;
impl Sampler for ClearsTraceState {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingResult {
        SamplingResult::from(SamplingDecision::Drop).with_trace_state(TraceState::EMPTY)
    }
    fn description(&self) -> String {
        "ClearsTraceState".into()
    }
}

/// Records without sampling, with an attribute.
struct RecordOnly;
impl Sampler for RecordOnly {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingResult {
        SamplingResult::from(SamplingDecision::RecordOnly)
            .with_attribute(KeyValue::new("sampler.record_only", true))
    }
    fn description(&self) -> String {
        "RecordOnly".into()
    }
}

/// Samples spans named `keep*` and client spans, records builder
/// attributes' presence.
struct ByNameOrKind;
impl Sampler for ByNameOrKind {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        if params.name.starts_with("keep") || params.kind == SpanKind::Client {
            SamplingResult::from(SamplingDecision::RecordAndSample).with_attribute(KeyValue::new(
                "sampler.builder_attrs",
                params.attributes.len() as i64,
            ))
        } else {
            SamplingDecision::Drop.into()
        }
    }
    fn description(&self) -> String {
        "ByNameOrKind".into()
    }
}

/// Panics.
struct Panics;
impl Sampler for Panics {
    fn should_sample(&self, _: &SamplingParams<'_>) -> SamplingResult {
        panic!("sampler panics (audit)")
    }
    fn description(&self) -> String {
        "Panics".into()
    }
}

// ---------------------------------------------------------------------------
// A model of the spec's built-in samplers.

#[derive(Clone, Debug)]
enum Model {
    On,
    Off,
    Ratio(f64),
    /// Root, then remote sampled, remote not sampled, local sampled,
    /// local not sampled (`None`: the default).
    Parent(Box<Model>, [Option<Box<Model>>; 4]),
}

impl Model {
    fn build(&self) -> Box<dyn Sampler> {
        match self {
            Model::On => Box::new(AlwaysOn),
            Model::Off => Box::new(AlwaysOff),
            Model::Ratio(r) => Box::new(TraceIdRatio::new(*r)),
            Model::Parent(root, d) => {
                let mut pb = ParentBased::new(root.build());
                if let Some(s) = &d[0] {
                    pb = pb.remote_parent_sampled(s.build());
                }
                if let Some(s) = &d[1] {
                    pb = pb.remote_parent_not_sampled(s.build());
                }
                if let Some(s) = &d[2] {
                    pb = pb.local_parent_sampled(s.build());
                }
                if let Some(s) = &d[3] {
                    pb = pb.local_parent_not_sampled(s.build());
                }
                Box::new(pb)
            }
        }
    }

    /// Whether the spec (with baton's documented B3 additions) samples a
    /// span with `parent`, `lone` decision, in trace `trace_id`.
    fn decides(
        &self,
        parent: Option<&SpanContext>,
        lone: Option<Sampling>,
        trace: TraceId,
    ) -> bool {
        match self {
            Model::On => true,
            Model::Off => false,
            Model::Ratio(r) => ratio_samples(*r, trace),
            Model::Parent(root, d) => {
                let pick = |remote: bool, sampled: bool| {
                    let (i, default) = match (remote, sampled) {
                        (true, true) => (0, true),
                        (true, false) => (1, false),
                        (false, true) => (2, true),
                        (false, false) => (3, false),
                    };
                    d[i].as_ref()
                        .map_or(default, |m| m.decides(parent, lone, trace))
                };
                match (parent, lone) {
                    (Some(p), _) if p.is_debug() => true,
                    (Some(p), _) if p.is_deferred() => root.decides(parent, lone, trace),
                    (Some(p), _) => pick(p.is_remote(), p.is_sampled()),
                    (None, Some(Sampling::Debug)) => true,
                    (None, Some(s)) => pick(true, s == Sampling::Accept),
                    (None, None) => root.decides(None, None, trace),
                }
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Model::On => "on".into(),
            Model::Off => "off".into(),
            Model::Ratio(r) => format!("ratio({r})"),
            Model::Parent(root, d) => {
                let d: Vec<String> = d
                    .iter()
                    .map(|m| m.as_ref().map_or("-".into(), |m| m.name()))
                    .collect();
                format!("pb({};{})", root.name(), d.join(","))
            }
        }
    }
}

/// The spec's TraceIdRatioBased: the 56 least significant bits of the
/// trace id against `(1 - ratio) * 2^56`.
fn ratio_samples(ratio: f64, trace: TraceId) -> bool {
    let range = 1u64 << 56;
    let randomness = (trace.to_u128() as u64) & (range - 1);
    let kept = (ratio * range as f64).round() as u64;
    kept > 0 && randomness >= range - kept
}

// ---------------------------------------------------------------------------
// The pipeline the matrix installs.

#[derive(Clone)]
struct Capture {
    ended: Arc<Mutex<Vec<SpanData>>>,
    exported: InMemoryExporter,
    simple: Arc<SimpleProcessor>,
    observes_start: bool,
}

impl Capture {
    fn new(observes_start: bool) -> Capture {
        let exported = InMemoryExporter::default();
        Capture {
            ended: Arc::default(),
            simple: Arc::new(SimpleProcessor::new(exported.clone())),
            exported,
            observes_start,
        }
    }
}

impl SpanProcessor for Capture {
    fn observes_start(&self) -> bool {
        self.observes_start
    }
    fn on_end(&self, span: SpanData) {
        self.ended.lock().unwrap().push(span.clone());
        self.simple.on_end(span);
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.simple.force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.simple.shutdown(deadline)
    }
}

/// Ids of the application's: marked span ids, trace ids spread over the
/// randomness so that a ratio keeps some and drops some.
struct Ids(AtomicU64);
const SPAN_MARK: u64 = 0x5a5a_0000_0000_0000;
impl IdGenerator for Ids {
    fn new_trace_id(&self) -> TraceId {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        let low = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        TraceId::from_u128((0xabcd_u128 << 64) | u128::from(low)).unwrap()
    }
    fn new_span_id(&self) -> SpanId {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        SpanId::from_u64(SPAN_MARK | (n & 0xffff_ffff)).unwrap()
    }
    fn is_trace_id_random(&self) -> bool {
        false
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Setup {
    RandomIds,
    AppIds,
    ObservesStart,
}

// ---------------------------------------------------------------------------
// The parents.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Parent {
    Root,
    LocalSampled,
    LocalUnsampled,
    LocalRecordOnly,
    LocalEnded,
    LocalDebug,
    LocalWithTraceState,
    LocalUnsampledWithTraceState,
    W3cSampled,
    W3cUnsampled,
    W3cRandomAndUnknownFlags,
    B3Debug,
    B3DebugMultiWithoutSampled,
    B3Deferred,
    LoneAccept,
    LoneDeny,
    LoneDebug,
    JaegerDebug,
    JaegerSampled,
}

const PARENTS: [Parent; 19] = [
    Parent::Root,
    Parent::LocalSampled,
    Parent::LocalUnsampled,
    Parent::LocalRecordOnly,
    Parent::LocalEnded,
    Parent::LocalDebug,
    Parent::LocalWithTraceState,
    Parent::LocalUnsampledWithTraceState,
    Parent::W3cSampled,
    Parent::W3cUnsampled,
    Parent::W3cRandomAndUnknownFlags,
    Parent::B3Debug,
    Parent::B3DebugMultiWithoutSampled,
    Parent::B3Deferred,
    Parent::LoneAccept,
    Parent::LoneDeny,
    Parent::LoneDebug,
    Parent::JaegerDebug,
    Parent::JaegerSampled,
];

fn headers(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// The remote context of `parent`, if it is a remote one.
fn remote(parent: Parent) -> Option<Context> {
    let cx = Context::default().with_baggage("tenant", "gold");
    let w3c = |flags: &str| {
        TraceContext.extract(
            &cx,
            &headers(&[
                ("traceparent", format!("00-{TRACE}-{SPAN}-{flags}")),
                ("tracestate", "vendor=a,other=b".to_owned()),
            ]),
        )
    };
    let b3 = |value: String| B3::single().extract(&cx, &headers(&[("b3", value)]));
    let out = match parent {
        Parent::W3cSampled => w3c("01"),
        Parent::W3cUnsampled => w3c("00"),
        Parent::W3cRandomAndUnknownFlags => w3c("ff"),
        Parent::B3Debug => b3(format!("{TRACE}-{SPAN}-d")),
        Parent::B3DebugMultiWithoutSampled => B3::multi().extract(
            &cx,
            &headers(&[
                ("x-b3-traceid", TRACE.to_owned()),
                ("x-b3-spanid", SPAN.to_owned()),
                ("x-b3-flags", "1".to_owned()),
            ]),
        ),
        Parent::B3Deferred => b3(format!("{TRACE}-{SPAN}")),
        Parent::LoneAccept => b3("1".to_owned()),
        Parent::LoneDeny => b3("0".to_owned()),
        Parent::LoneDebug => b3("d".to_owned()),
        Parent::JaegerDebug => Jaeger.extract(
            &cx,
            &headers(&[("uber-trace-id", format!("{TRACE}:{SPAN}:0:3"))]),
        ),
        Parent::JaegerSampled => Jaeger.extract(
            &cx,
            &headers(&[("uber-trace-id", format!("{TRACE}:{SPAN}:0:1"))]),
        ),
        _ => return None,
    };
    Some(out)
}

/// The sampler a local parent is started under, in a pipeline before the
/// one under test.
fn local_parent_sampler(parent: Parent) -> Option<Box<dyn Sampler>> {
    match parent {
        Parent::LocalSampled
        | Parent::LocalEnded
        | Parent::LocalDebug
        | Parent::LocalWithTraceState => Some(Box::new(AlwaysOn)),
        Parent::LocalUnsampled | Parent::LocalUnsampledWithTraceState => Some(Box::new(AlwaysOff)),
        Parent::LocalRecordOnly => Some(Box::new(RecordOnly)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The ways to start a span.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Way {
    Enter,
    Start,
    InSpan,
    TracerEnter,
    TracerInSpan,
    Future,
    ExplicitStart,
    ExplicitEnter,
    Root,
    AttributesAndKind,
    KindOnly,
    OtherThread,
    Job,
}

const WAYS: [Way; 13] = [
    Way::Enter,
    Way::Start,
    Way::InSpan,
    Way::TracerEnter,
    Way::TracerInSpan,
    Way::Future,
    Way::ExplicitStart,
    Way::ExplicitEnter,
    Way::Root,
    Way::AttributesAndKind,
    Way::KindOnly,
    Way::OtherThread,
    Way::Job,
];

/// What a started span showed.
#[derive(Clone, Debug)]
struct Observed {
    span_context: SpanContext,
    recording: bool,
}

fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = TaskContext::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn current() -> Observed {
    let span = baton::current_span().expect("a current span");
    Observed {
        span_context: span.span_context().clone(),
        recording: span.is_recording(),
    }
}

/// Starts a span named `name` the way `way` says, under `cx` (the current
/// context); what it showed, or `None` if starting it panicked.
fn run(way: Way, name: &'static str, cx: &Context, tracer: &baton::Tracer) -> Option<Observed> {
    let quiet = |f: &dyn Fn() -> Observed| catch_unwind(AssertUnwindSafe(f)).ok();
    match way {
        Way::Enter => quiet(&|| {
            let g = baton::span(name).enter();
            let seen = current();
            assert_eq!(&seen.span_context, g.span_context());
            seen
        }),
        Way::Start => quiet(&|| {
            let s = baton::span(name).start();
            Observed {
                span_context: s.span_context().clone(),
                recording: s.is_recording(),
            }
        }),
        Way::InSpan => quiet(&|| baton::in_span(name, current)),
        Way::TracerEnter => quiet(&|| {
            let _g = tracer.span(name).enter();
            current()
        }),
        Way::TracerInSpan => quiet(&|| tracer.in_span(name, current)),
        Way::Future => quiet(&|| block_on(async { current() }.in_span(baton::span(name)))),
        Way::ExplicitStart => quiet(&|| {
            let _other = Context::default().with_baggage("tenant", "lead").attach();
            let s = baton::span(name).parent(cx).start();
            Observed {
                span_context: s.span_context().clone(),
                recording: s.is_recording(),
            }
        }),
        Way::ExplicitEnter => quiet(&|| {
            let _other = Context::default().attach();
            let _g = baton::span(name).parent(cx).enter();
            current()
        }),
        Way::Root => quiet(&|| {
            let s = baton::span(name).root().start();
            Observed {
                span_context: s.span_context().clone(),
                recording: s.is_recording(),
            }
        }),
        Way::AttributesAndKind => quiet(&|| {
            let _g = baton::span(name)
                .kind(SpanKind::Client)
                .attr("builder.attr", 7)
                .enter();
            current()
        }),
        Way::KindOnly => quiet(&|| {
            let _g = baton::span(name).kind(SpanKind::Client).enter();
            current()
        }),
        Way::OtherThread => {
            let cx = cx.clone();
            std::thread::spawn(move || {
                let _a = cx.attach();
                catch_unwind(|| {
                    let _g = baton::span(name).enter();
                    current()
                })
                .ok()
            })
            .join()
            .unwrap()
        }
        Way::Job => {
            let job = baton::copy_context_to_thread(move || {
                catch_unwind(|| {
                    let _g = baton::span(name).enter();
                    current()
                })
                .ok()
            });
            std::thread::spawn(job).join().unwrap()
        }
    }
}

/// The context the sampler sees for `way`, started under `cx`; the kind and
/// builder attributes.
fn sampler_inputs(way: Way, cx: &Context) -> (Context, SpanKind, Vec<KeyValue>) {
    match way {
        Way::Root => (
            Context::default().with_baggage_replaced(cx.baggage().clone()),
            SpanKind::Internal,
            Vec::new(),
        ),
        Way::AttributesAndKind => (
            cx.clone(),
            SpanKind::Client,
            vec![KeyValue::new("builder.attr", 7)],
        ),
        Way::KindOnly => (cx.clone(), SpanKind::Client, Vec::new()),
        _ => (cx.clone(), SpanKind::Internal, Vec::new()),
    }
}

// ---------------------------------------------------------------------------
// The samplers.

struct Case {
    name: String,
    /// The configuration installing the sampler (no processor yet).
    config: Box<dyn Fn() -> Config>,
    /// The same sampler, called directly for the expected result.
    reference: Box<dyn Fn() -> Box<dyn Sampler>>,
    model: Option<Model>,
}

fn code_case(name: String, make: impl Fn() -> Box<dyn Sampler> + Clone + 'static) -> Case {
    let m = make.clone();
    Case {
        name,
        config: Box::new(move || Config::new().sampler(m())),
        reference: Box::new(make),
        model: None,
    }
}

fn model_case(model: Model) -> Case {
    let m = model.clone();
    let mut case = code_case(model.name(), move || m.build());
    case.model = Some(model);
    case
}

fn env_case(sampler: Option<&str>, arg: Option<&str>, reference: Option<Model>) -> Case {
    let vars: HashMap<&'static str, String> = [
        ("OTEL_TRACES_SAMPLER", sampler),
        ("OTEL_TRACES_SAMPLER_ARG", arg),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, v?.to_owned())))
    .collect();
    let lookup = move |k: &str| vars.get(k).cloned();
    let from_env = lookup.clone();
    // A valid setting: the reference is what sampler_from_env builds; an
    // invalid one: what the spec says the process behaves as.
    let valid = sampler_from_env(&lookup).is_ok();
    let model = reference.clone();
    Case {
        name: format!("env({sampler:?},{arg:?})"),
        config: Box::new(move || Config::from_lookup(&from_env).unwrap()),
        reference: Box::new(move || match (&model, valid) {
            (_, true) => sampler_from_env(&lookup).unwrap(),
            (Some(m), false) => m.build(),
            (None, false) => unreachable!("an invalid setting has a model"),
        }),
        model: reference,
    }
}

fn cases() -> Vec<Case> {
    use Model::{Off, On, Ratio};
    let pb = |root: Model| Model::Parent(Box::new(root), [None, None, None, None]);
    let mut cases = vec![
        model_case(On),
        model_case(Off),
        model_case(Ratio(0.0)),
        model_case(Ratio(1e-6)),
        model_case(Ratio(0.5)),
        model_case(Ratio(1.0)),
    ];
    // ParentBased: every combination of default / on / off delegates, for
    // three roots.
    for root in [On, Off, Ratio(0.5)] {
        for combo in 0..81u32 {
            let pick = |i: u32| match (combo / 3u32.pow(i)) % 3 {
                0 => None,
                1 => Some(Box::new(On)),
                _ => Some(Box::new(Off)),
            };
            cases.push(model_case(Model::Parent(
                Box::new(root.clone()),
                [pick(0), pick(1), pick(2), pick(3)],
            )));
        }
    }
    // Nested: a ParentBased root of a ParentBased, and a ratio delegate.
    cases.push(model_case(pb(pb(Ratio(0.5)))));
    cases.push(model_case(Model::Parent(
        Box::new(On),
        [
            Some(Box::new(Ratio(0.5))),
            None,
            None,
            Some(Box::new(Ratio(0.5))),
        ],
    )));
    // The application's, bare, as a ParentBased root and as each delegate.
    type Make = fn() -> Box<dyn Sampler>;
    let apps: [(&str, Make); 6] = [
        ("adds-attribute", || Box::new(AddsAttribute)),
        ("sets-tracestate", || Box::new(SetsTraceState)),
        ("clears-tracestate", || Box::new(ClearsTraceState)),
        ("record-only", || Box::new(RecordOnly)),
        ("by-name-or-kind", || Box::new(ByNameOrKind)),
        ("panics", || Box::new(Panics)),
    ];
    for (name, make) in apps {
        cases.push(code_case(name.to_owned(), make));
        cases.push(code_case(format!("pb({name})"), move || {
            Box::new(ParentBased::new(make()))
        }));
        let delegate = |i: usize| {
            move || -> Box<dyn Sampler> {
                let pb = ParentBased::new(AlwaysOn);
                Box::new(match i {
                    0 => pb.remote_parent_sampled(make()),
                    1 => pb.remote_parent_not_sampled(make()),
                    2 => pb.local_parent_sampled(make()),
                    _ => pb.local_parent_not_sampled(make()),
                })
            }
        };
        for i in 0..4 {
            cases.push(code_case(format!("pb(on;{name}@{i})"), delegate(i)));
        }
    }
    // OTEL_TRACES_SAMPLER / _ARG: every documented name, in any case, and
    // bad values (read as the spec says: an unknown sampler is the
    // default, a bad argument is unset).
    let valid: [(Option<&str>, Option<&str>, Model); 14] = [
        (None, None, pb(On)),
        (Some(""), None, pb(On)),
        (Some("always_on"), None, On),
        (Some("ALWAYS_OFF"), None, Off),
        (Some("traceidratio"), None, Ratio(1.0)),
        (Some("traceidratio"), Some("0"), Ratio(0.0)),
        (Some("traceidratio"), Some("0.5"), Ratio(0.5)),
        (Some("traceidratio"), Some("1e-400"), Ratio(0.0)),
        (Some("parentbased_always_on"), None, pb(On)),
        (Some("parentbased_always_off"), None, pb(Off)),
        (Some("parentbased_traceidratio"), None, pb(Ratio(1.0))),
        (
            Some("ParentBased_TraceIdRatio"),
            Some(" 0.5 "),
            pb(Ratio(0.5)),
        ),
        (Some("parentbased_traceidratio"), Some("0"), pb(Ratio(0.0))),
        (Some("always_on"), Some("0.5"), On),
    ];
    for (s, a, m) in valid {
        cases.push(env_case(s, a, Some(m)));
    }
    let invalid: [(Option<&str>, Option<&str>, Model); 6] = [
        (Some("sometimes"), None, pb(On)),
        (Some("traceidratio"), Some("2"), Ratio(1.0)),
        (Some("traceidratio"), Some("-0.5"), Ratio(1.0)),
        (Some("traceidratio"), Some("half"), Ratio(1.0)),
        (
            Some("parentbased_traceidratio"),
            Some("-1e-400"),
            pb(Ratio(1.0)),
        ),
        (
            Some("parentbased_traceidratio"),
            Some("NaN"),
            pb(Ratio(1.0)),
        ),
    ];
    for (s, a, m) in invalid {
        cases.push(env_case(s, a, Some(m)));
    }
    cases
}

// ---------------------------------------------------------------------------
// The check.

struct Started {
    label: String,
    name: &'static str,
    parent_cx: Context,
    observed: Option<Observed>,
    expected: Result<SamplingResult, ()>,
    builder_attrs: Vec<KeyValue>,
    kind: SpanKind,
}

/// The expected result of `reference` for a span named `name` started the
/// way `way` under `cx` in trace `trace_id`.
fn expect(
    reference: &dyn Sampler,
    parent_cx: &Context,
    name: &str,
    kind: SpanKind,
    attrs: &[KeyValue],
    trace_id: TraceId,
) -> Result<SamplingResult, ()> {
    let mut params = SamplingParams::new(parent_cx.span_context(), trace_id, name)
        .with_remote_decision(parent_cx.remote_decision())
        .with_baggage(parent_cx.baggage())
        .with_attributes(attrs);
    params.kind = kind;
    catch_unwind(AssertUnwindSafe(|| reference.should_sample(&params))).map_err(|_| ())
}

fn check_started(s: &Started, setup: Setup, model: Option<&Model>, failures: &mut Vec<String>) {
    let mut fail = |what: String| failures.push(format!("{}: {what}", s.label));
    let parent = s.parent_cx.span_context();
    let (observed, expected) = match (&s.observed, &s.expected) {
        (None, Err(())) => return,
        (Some(o), Ok(e)) => (o, e),
        (o, e) => {
            return fail(format!(
                "panicked: span {}, sampler {}",
                o.is_none(),
                e.is_err()
            ))
        }
    };
    let sc = &observed.span_context;
    if let Some(model) = model {
        let lone = s.parent_cx.remote_decision();
        let spec = model.decides(parent, lone, sc.trace_id());
        if spec != expected.is_sampled() {
            fail(format!(
                "sampler decides {expected:?}, the spec model {spec}"
            ));
        }
    }
    if sc.is_sampled() != expected.is_sampled() {
        fail(format!(
            "sampled {} expected {:?}",
            sc.is_sampled(),
            expected.decision
        ));
    }
    if observed.recording != expected.is_recording() {
        fail(format!(
            "recording {} expected {:?}",
            observed.recording, expected.decision
        ));
    }
    if !sc.is_valid() || sc.is_remote() || sc.is_deferred() {
        fail(format!("context {sc:?}"));
    }
    let trace_state = expected
        .trace_state
        .clone()
        .unwrap_or_else(|| parent.map_or(TraceState::EMPTY, |p| p.trace_state().clone()));
    if sc.trace_state() != &trace_state {
        fail(format!(
            "tracestate {:?} expected {:?}",
            sc.trace_state(),
            trace_state
        ));
    }
    let random_root = setup != Setup::AppIds;
    let flags = parent
        .map_or(TraceFlags::default().with_random(random_root), |p| {
            TraceFlags::from_bits(p.flags().bits() & 0b11)
        })
        .with_sampled(expected.is_sampled());
    if sc.flags() != flags {
        fail(format!("flags {:?} expected {flags:?}", sc.flags()));
    }
    match parent {
        Some(p) => {
            if sc.trace_id() != p.trace_id() || sc.parent_span_id() != Some(p.span_id()) {
                fail(format!("not a child of {p:?}: {sc:?}"));
            }
        }
        None => {
            if sc.parent_span_id().is_some() {
                fail(format!("root with a parent: {sc:?}"));
            }
        }
    }
    let debug = expected.is_sampled()
        && (parent.is_some_and(SpanContext::is_debug)
            || (parent.is_none() && s.parent_cx.remote_decision() == Some(Sampling::Debug)));
    if sc.is_debug() != debug {
        fail(format!("debug {} expected {debug}", sc.is_debug()));
    }
    if setup == Setup::AppIds && sc.span_id().to_u64() & SPAN_MARK != SPAN_MARK {
        fail(format!("span id {} not the generator's", sc.span_id()));
    }
    let _ = &s.builder_attrs;
}

fn check_ended(
    s: &Started,
    ended: &HashMap<SpanId, SpanData>,
    exported: &HashMap<SpanId, SpanData>,
    failures: &mut Vec<String>,
) {
    let (Some(o), Ok(e)) = (&s.observed, &s.expected) else {
        return;
    };
    let mut fail = |what: String| failures.push(format!("{}: {what}", s.label));
    let id = o.span_context.span_id();
    match ended.get(&id) {
        None if o.recording => fail("recording, never ended into the processor".into()),
        Some(_) if !o.recording => fail("not recording, yet ended into the processor".into()),
        None => {}
        Some(data) => {
            if data.span_context != o.span_context {
                fail(format!(
                    "ended as {:?}, started as {:?}",
                    data.span_context, o.span_context
                ));
            }
            let mut want = e.attributes.clone();
            want.extend(s.builder_attrs.iter().cloned());
            if data.attributes != want {
                fail(format!(
                    "attributes {:?} expected {want:?}",
                    data.attributes
                ));
            }
            if data.kind != s.kind || data.name != s.name {
                fail(format!("ended as {:?} {:?}", data.kind, data.name));
            }
            let parent_remote = s
                .parent_cx
                .span_context()
                .is_some_and(SpanContext::is_remote);
            if data.parent_is_remote != parent_remote {
                fail(format!("parent_is_remote {}", data.parent_is_remote));
            }
        }
    }
    if exported.contains_key(&id) != e.is_sampled() {
        fail(format!(
            "exported {} expected {:?}",
            exported.contains_key(&id),
            e.decision
        ));
    }
}

/// Runs every parent and way for `case` under `setup`; the failures.
fn audit(case: &Case, setup: Setup) -> Vec<String> {
    let reference = (case.reference)();
    let mut failures = Vec::new();
    for parent in PARENTS {
        // A local parent is begun under a pipeline of its own, shut down
        // before the one under test is installed.
        let local = local_parent_sampler(parent).map(|sampler| {
            let p = baton::init(
                Config::new()
                    .sampler(sampler)
                    .processor(Capture::new(false)),
            )
            .unwrap();
            let g = match parent {
                // A local child of a remote debug parent: a debug trace.
                Parent::LocalDebug => baton::span("parent")
                    .parent(&remote(Parent::B3Debug).unwrap())
                    .enter(),
                // A local span carrying the W3C parent's tracestate.
                Parent::LocalWithTraceState | Parent::LocalUnsampledWithTraceState => {
                    baton::span("parent")
                        .parent(&remote(Parent::W3cSampled).unwrap())
                        .enter()
                }
                _ => baton::span("parent").enter(),
            };
            assert_eq!(g.span_context().is_debug(), parent == Parent::LocalDebug);
            assert!(!g.span_context().is_remote());
            if parent == Parent::LocalEnded {
                baton::current_span().unwrap().end();
            }
            p.shutdown(Duration::from_secs(5)).unwrap();
            g
        });
        let capture = Capture::new(setup == Setup::ObservesStart);
        let mut config = (case.config)().processor(capture.clone());
        if setup == Setup::AppIds {
            config = config.id_generator(Ids(AtomicU64::new(1)));
        }
        let pipeline = baton::init(config).unwrap();
        let attached = remote(parent).map(Context::attach);
        let cx = Context::current();
        let tracer = baton::tracer("audit").version("1").build();
        let mut started = Vec::new();
        for way in WAYS {
            for name in ["keep", "skip"] {
                let observed = run(way, name, &cx, &tracer);
                let (parent_cx, kind, attrs) = sampler_inputs(way, &cx);
                let trace_id = observed
                    .as_ref()
                    .map_or_else(TraceId::random, |o| o.span_context.trace_id());
                let expected = expect(&*reference, &parent_cx, name, kind, &attrs, trace_id);
                started.push(Started {
                    label: format!("{} / {setup:?} / {parent:?} / {way:?} / {name}", case.name),
                    name,
                    parent_cx,
                    observed,
                    expected,
                    builder_attrs: attrs,
                    kind,
                });
            }
        }
        drop(attached);
        drop(local);
        pipeline.shutdown(Duration::from_secs(5)).unwrap();
        let ended: HashMap<SpanId, SpanData> = capture
            .ended
            .lock()
            .unwrap()
            .drain(..)
            .map(|d| (d.span_context.span_id(), d))
            .collect();
        let exported: HashMap<SpanId, SpanData> = capture
            .exported
            .take()
            .into_iter()
            .map(|d| (d.span_context.span_id(), d))
            .collect();
        for s in &started {
            check_started(s, setup, case.model.as_ref(), &mut failures);
            check_ended(s, &ended, &exported, &mut failures);
        }
    }
    failures
}

/// Quiet: the panicking sampler's panics, and the diagnostics of the
/// pipelines installed and shut down (bad settings, spans ending after a
/// shutdown, a ratio deciding for a child).
fn quiet() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"sampler panics (audit)") {
                previous(info);
            }
        }));
        baton::set_diagnostic_handler(Box::new(|_| {})).unwrap();
    });
}

#[test]
fn every_sampler_parent_and_way_decides_as_the_sampler_itself() {
    quiet();
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases() {
        for setup in [Setup::RandomIds, Setup::AppIds, Setup::ObservesStart] {
            count += 1;
            failures.extend(audit(&case, setup));
        }
    }
    assert!(count > 900, "{count} combinations");
    let shown: Vec<&String> = failures.iter().take(60).collect();
    assert!(
        failures.is_empty(),
        "{} failures, the first:\n{shown:#?}",
        failures.len()
    );
}

/// The spec's TraceIdRatioBased, called directly: the decision is the 56
/// least significant bits' against the threshold, the same for any parent
/// (its sampled flag ignored) and any span of the trace, and a trace
/// sampled at one ratio is sampled at every larger one.
#[test]
fn trace_id_ratio_decides_by_the_trace_ids_low_56_bits_alone() {
    quiet();
    let ratios = [0.0, 1e-9, 1e-6, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0];
    let edges = [
        0u128,
        1,
        (1 << 55) - 1,
        1 << 55,
        (1 << 56) - 1,
        1 << 56,
        u128::MAX >> 8,
        u128::MAX,
    ];
    let mut ids: Vec<TraceId> = edges
        .iter()
        .filter_map(|&v| TraceId::from_u128(v))
        .collect();
    ids.extend((0..2000).map(|_| TraceId::random()));
    for &id in &ids {
        let mut last = false;
        for ratio in ratios {
            let sampler = TraceIdRatio::new(ratio);
            let root = sampler.should_sample(&SamplingParams::new(None, id, "root"));
            assert_eq!(
                root.is_sampled(),
                ratio_samples(ratio, id),
                "{id} at {ratio}"
            );
            assert!(root.is_sampled() >= last, "{id}: monotone at {ratio}");
            last = root.is_sampled();
            assert!(root.attributes.is_empty() && root.trace_state.is_none());
            // The high 72 bits do not count.
            let high = TraceId::from_u128(id.to_u128() ^ (0xdead_u128 << 100)).unwrap();
            let other = sampler.should_sample(&SamplingParams::new(None, high, "other"));
            assert_eq!(other.decision, root.decision, "{id} at {ratio}");
            for flags in [0u8, 1, 3] {
                for remote in [false, true] {
                    let parent =
                        SpanContext::new(id, SpanId::random(), TraceFlags::from_bits(flags))
                            .with_remote(remote);
                    let child = sampler.should_sample(&SamplingParams::new(Some(&parent), id, "c"));
                    assert_eq!(
                        child.decision, root.decision,
                        "{id} at {ratio}, parent {flags}"
                    );
                }
            }
        }
    }
    // About half of random traces at 0.5.
    let kept = (0..4000)
        .filter(|_| {
            TraceIdRatio::new(0.5)
                .should_sample(&SamplingParams::new(None, TraceId::random(), "x"))
                .is_sampled()
        })
        .count();
    assert!((1600..2400).contains(&kept), "{kept} of 4000");
}

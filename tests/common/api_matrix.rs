//! The state-matrix audit of the public API: every operation of
//! [`OPERATIONS`] run in every current context of [`STATES`], each pair (a
//! cell) from a fresh start, under the one pipeline state of the test file
//! that runs them (`tests/api_matrix_*.rs`: one process per pipeline
//! state, as the pipeline is global; `tests/api_matrix_across_pipeline_changes.rs`
//! changes it between a cell's setup and its operation).
//!
//! A [`Model`] says what each state should look like, built step by step
//! from what the API documents: a received parent is the current span
//! context but no local span (`current_span`); a lone B3 decision is no
//! span context; a span started with a pipeline is a child of the current
//! span context, sampled as `ParentBased` says (a lone decision decides a
//! root); a span started without a pipeline, or under a disabled SDK, is a
//! no-op span that carries its parent's span context (or the invalid one)
//! and a lone decision on (README, "Errors, panics and samplers": "the
//! OpenTelemetry API in the absence of an SDK"). Each operation checks
//! what it sees against the model, and these invariants:
//!
//! 1. nothing panics but what the cell makes panic (each cell runs under
//!    `catch_unwind`, and a panic is a failure of that cell);
//! 2. `current_span()` and `Context::current().span()` agree (present or
//!    not, span context, name, recording), also in a job on another thread,
//!    a future, and once the state is undone;
//! 3. what each propagator injects extracts back to the same trace id,
//!    span id and sampled flag (and debug, where the format has it), and
//!    nothing but what the format defines (baggage, a lone B3 decision) is
//!    injected without valid ids;
//! 4. a span started inside another is its child whenever the outer has
//!    valid ids (a received parent included), with a pipeline;
//! 5. log correlation ids are `Context::current().span_context()`'s;
//! 6. nothing is exported without a pipeline, under a disabled one or after
//!    shutdown (counted as dropped there); with a live one, every sampled
//!    span ended is exported exactly once, with its parent, its session,
//!    what its builder and handles gave it, and a panic that unwound
//!    through it;
//! 7. a cell raises no diagnostic on its thread but those its operation
//!    expects (and spans dropped after shutdown): a change to an ended span
//!    once per change if the span recorded, none if it never did; a guard
//!    leaked out of a job once when the job returns, and once when it drops.
//!
//! Relaxed where baton documents otherwise:
//! - a no-op span with no ids has the invalid span context
//!   (`SpanContext::INVALID`: "propagators inject nothing for it") through
//!   its handles (`span_context()` of the guard, the `Span`, a `SpanRef`),
//!   while its context has none (`Context::span_context()` gives `None`):
//!   span contexts are compared once the invalid one is taken as none
//!   ([`valid`]);
//! - a no-op span is not its parent's child but carries its parent's
//!   span context (invariant 4 holds with a pipeline only);
//! - once a span ended, `name()` gives the name it started with, not the
//!   last `update_name` (`Span::name`: "from then on this gives the first
//!   name"), which the exported span has.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::{Arc, Barrier, Mutex, Once, OnceLock};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use baton::export::{ExportError, SimpleProcessor, SpanProcessor};
use baton::propagation::{Jaeger, Propagator, TraceContext, W3cBaggage, B3};
use baton::sampling::{AlwaysOff, ParentBased};
use baton::wire::b3::Sampling;
use baton::{
    Config, Context, DiagnosticKind, FutureExt, InMemoryExporter, KeyValue, RandomIdGenerator,
    SpanBuilder, SpanContext, SpanData, SpanId, SpanKind, SpanRef, Status, TraceFlags, TraceId,
};

/// How the global pipeline stands in the process running the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pipeline {
    /// None was ever installed: the API without an SDK.
    None,
    /// Installed and live.
    Live,
    /// Installed with `OTEL_SDK_DISABLED=true`: a no-op tracer.
    Disabled,
    /// Installed, then shut down. Spans still get ids and a sampling
    /// decision (the recorder stays until another replaces it), and those
    /// that end are counted as dropped (`init`'s documentation).
    ShutDown,
}

impl Pipeline {
    /// Whether a new span gets ids of its own and a sampling decision.
    fn makes_spans(self) -> bool {
        matches!(self, Pipeline::Live | Pipeline::ShutDown)
    }
}

/// The pipeline of a test process and the exporter it was given.
pub struct Fixture {
    pub pipeline: Pipeline,
    /// The exporter of the pipeline installed, whatever its state.
    pub exporter: Option<InMemoryExporter>,
    /// See [`Sink::roots_sampled`].
    pub roots_sampled: bool,
}

impl Fixture {
    pub fn sink(&self) -> Sink<'_> {
        Sink {
            pipeline: self.pipeline,
            exporter: self.exporter.as_ref(),
            roots_sampled: self.roots_sampled,
        }
    }
}

/// Where spans that end go: the pipeline state, and the exporter of the
/// pipeline installed (`None` with none, or a disabled one, whose exporter
/// is never called).
#[derive(Clone, Copy)]
pub struct Sink<'a> {
    pub pipeline: Pipeline,
    pub exporter: Option<&'a InMemoryExporter>,
    /// Whether the sampler samples a root (`ParentBased(AlwaysOn)`, the
    /// default) or not (`ParentBased(AlwaysOff)`).
    pub roots_sampled: bool,
}

impl<'a> Sink<'a> {
    pub const NONE: Sink<'static> = Sink {
        pipeline: Pipeline::None,
        exporter: None,
        roots_sampled: true,
    };
    pub const DISABLED: Sink<'static> = Sink {
        pipeline: Pipeline::Disabled,
        exporter: None,
        roots_sampled: true,
    };

    /// A live pipeline with the default sampler, exporting to `exporter`.
    pub fn live(exporter: &'a InMemoryExporter) -> Sink<'a> {
        Sink {
            pipeline: Pipeline::Live,
            exporter: Some(exporter),
            roots_sampled: true,
        }
    }

    /// The same pipeline, shut down.
    pub fn shut_down(self) -> Sink<'a> {
        Sink {
            pipeline: Pipeline::ShutDown,
            ..self
        }
    }
}

/// How a test process installs its pipeline, once, before its first cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Install {
    /// Installs nothing.
    Nothing,
    /// `Config::new().exporter(..)`: the simple processor.
    Exporter,
    /// `Config::new().batch_exporter(..)`: the batch processor.
    BatchExporter,
    /// `OTEL_SDK_DISABLED=true`, with an exporter that must get nothing.
    Disabled,
    /// `Config::new().exporter(..)`, then `PipelineGuard::shutdown`.
    ShutDown,
    /// The simple processor behind one that observes starts
    /// ([`ObservingStarts`]): every span starts the general way.
    ObservingStarts,
    /// `ParentBased(AlwaysOff)` and an id generator of the application's
    /// (no decision is known beforehand: every span calls the sampler).
    RootsNotSampled,
}

/// This process's fixture, installed by the first caller.
pub fn fixture(install: Install) -> &'static Fixture {
    static FIXTURE: OnceLock<(Install, Fixture)> = OnceLock::new();
    let (installed, fixture) = FIXTURE.get_or_init(|| {
        let exporter = InMemoryExporter::default();
        let config = match install {
            Install::Nothing => {
                let fixture = Fixture {
                    pipeline: Pipeline::None,
                    exporter: None,
                    roots_sampled: true,
                };
                return (install, fixture);
            }
            Install::Exporter | Install::ShutDown => Config::new().exporter(exporter.clone()),
            Install::ObservingStarts => {
                Config::new().processor(ObservingStarts(SimpleProcessor::new(exporter.clone())))
            }
            Install::RootsNotSampled => Config::new()
                .sampler(ParentBased::new(AlwaysOff))
                .id_generator(RandomIdGenerator)
                .exporter(exporter.clone()),
            Install::BatchExporter => Config::new().batch_exporter(exporter.clone()),
            Install::Disabled => {
                Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into()))
                    .unwrap()
                    .exporter(exporter.clone())
            }
        };
        let guard = baton::init(config).expect("the one pipeline of this process");
        let pipeline = match install {
            Install::ShutDown => {
                guard.shutdown(Duration::from_secs(5)).unwrap();
                Pipeline::ShutDown
            }
            Install::Disabled => {
                // Lives as long as the test process.
                std::mem::forget(guard);
                Pipeline::Disabled
            }
            _ => {
                std::mem::forget(guard);
                Pipeline::Live
            }
        };
        let fixture = Fixture {
            pipeline,
            exporter: Some(exporter),
            roots_sampled: install != Install::RootsNotSampled,
        };
        (install, fixture)
    });
    assert_eq!(*installed, install, "one pipeline state per test process");
    fixture
}

/// The failures [`ObservingStarts`] saw, by span name.
static START_FAILURES: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// A processor that observes starts, and checks what `on_start` is handed:
/// the span, recording, whose parent is the span of the context it is
/// given ("Its span, if it has one, is the new span's parent").
pub struct ObservingStarts(pub SimpleProcessor);

impl SpanProcessor for ObservingStarts {
    fn on_start(&self, span: &baton::Span, parent: &Context) {
        let parent_id = valid(parent.span_context()).map(SpanContext::span_id);
        let mut failures = Vec::new();
        if !span.is_recording() {
            failures.push("handed a span that does not record".to_owned());
        }
        if span.parent_span_id() != parent_id {
            failures.push(format!(
                "handed parent {parent_id:?} for a span whose parent is {:?}",
                span.parent_span_id()
            ));
        }
        for failure in failures {
            START_FAILURES.lock().unwrap().push((span.name(), failure));
        }
    }
    fn on_end(&self, span: SpanData) {
        self.0.on_end(span);
    }
    fn force_flush(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.force_flush(deadline)
    }
    fn shutdown(&self, deadline: Instant) -> Result<(), ExportError> {
        self.0.shutdown(deadline)
    }
}

/// One `#[test]` per operation, each running it in every state:
///
/// ```ignore
/// every_operation!(Install::Nothing);
/// ```
#[allow(unused_macros)] // not by the test across changes of pipeline
macro_rules! every_operation {
    ($install:expr) => {
        crate::api_matrix::every_operation! {
            $install;
            current_span_and_context_span_agree_in_every_state: "current span",
            current_span_methods_in_every_state: "current_span() methods",
            context_span_methods_in_every_state: "Context::current().span() methods",
            changes_from_a_job_reach_the_span_in_every_state: "changes from a job",
            entered_spans_in_every_state: "enter",
            started_spans_in_every_state: "start",
            in_span_in_every_state: "in_span",
            panics_in_every_state: "panics",
            explicit_parents_and_roots_in_every_state: "explicit parent and root",
            inject_context_in_every_state: "inject_context",
            every_propagator_round_trips_in_every_state: "propagators",
            jobs_and_threads_see_this_threads_context_in_every_state: "jobs and threads",
            futures_in_a_span_in_every_state: "future in_span",
            futures_in_the_current_context_in_every_state: "future in_current_context",
            log_correlation_in_every_state: "log correlation",
            what_outlives_the_state_in_every_state: "outliving the state",
            guards_out_of_reach_keep_their_spans_in_every_state: "guard out of reach",
        }
    };
    ($install:expr; $($test:ident: $operation:literal,)*) => {
        #[test]
        fn every_operation_has_its_test() {
            let names: Vec<&str> = crate::api_matrix::OPERATIONS.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, [$($operation),*]);
        }

        $(
            #[test]
            fn $test() {
                let fixture = crate::api_matrix::fixture($install);
                crate::api_matrix::run_operation(fixture, $operation);
            }
        )*
    };
}
#[allow(unused_imports)]
pub(crate) use every_operation;

/// One step towards a state of the current context.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// `baton::propagated_context` of these headers (the global
    /// propagator, `tracecontext,baggage`).
    Propagated(&'static [(&'static str, &'static str)]),
    /// A `b3` header (ids, or a lone decision) extracted onto the current
    /// context with `B3::single()`, and attached.
    ReceivedB3(&'static str),
    /// An `uber-trace-id` header extracted onto the current context with
    /// `Jaeger`, and attached.
    ReceivedJaeger(&'static str),
    /// `baton::set_baggage(BAGGAGE_KEY, "v")`.
    Baggage,
    /// `baton::session(SESSION)`.
    Session,
    /// A local span context the application built, attached.
    AppSpanContext,
    /// `span(..).enter()`, kept entered.
    Enter,
    /// `span(..).enter()`, then `end()` on its guard, kept entered.
    EnterEnded,
    /// `span(..).start()`, its context attached.
    StartAttached,
    /// `baton::new_trace_context()`.
    NewTrace,
    /// The rest runs in a future wrapped with `in_span`, polled by hand.
    InFuture,
    /// The rest runs in a job from `copy_context_to_thread`, on another
    /// thread.
    InJob,
}

use Step::*;

const SAMPLED: &[(&str, &str)] = &[(
    "traceparent",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
)];
const UNSAMPLED: &[(&str, &str)] = &[(
    "traceparent",
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
)];
/// A parent with a tracestate, and baggage (`BAGGAGE_KEY`).
const WITH_STATE_AND_BAGGAGE: &[(&str, &str)] = &[
    (
        "traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ),
    ("tracestate", "vendor=v1"),
    ("baggage", "matrix.k=v"),
];
const B3_SAMPLED: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1";
const B3_DEBUG: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d";
const B3_DENIED: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0";
const B3_DEFERRED: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1";
const B3_WITH_PARENT: &str = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90";
const JAEGER_SAMPLED: &str = "3ce929d0e0e4736a3ce929d0e0e47360:a2fb4a1d1a96d312:0:1";
const JAEGER_DEBUG: &str = "3ce929d0e0e4736a3ce929d0e0e47360:a2fb4a1d1a96d312:0:3";

/// The current contexts every operation runs in: each is its steps, in order,
/// each inside the one before.
#[rustfmt::skip]
pub const STATES: &[(&str, &[Step])] = &[
    ("empty", &[]),
    ("received sampled", &[Propagated(SAMPLED)]),
    ("received unsampled", &[Propagated(UNSAMPLED)]),
    ("received with tracestate and baggage", &[Propagated(WITH_STATE_AND_BAGGAGE)]),
    ("b3 accept", &[ReceivedB3("1")]),
    ("b3 deny", &[ReceivedB3("0")]),
    ("b3 debug", &[ReceivedB3("d")]),
    ("b3 ids sampled", &[ReceivedB3(B3_SAMPLED)]),
    ("b3 ids debug", &[ReceivedB3(B3_DEBUG)]),
    ("b3 ids denied", &[ReceivedB3(B3_DENIED)]),
    ("b3 ids deferred", &[ReceivedB3(B3_DEFERRED)]),
    ("b3 ids with parent", &[ReceivedB3(B3_WITH_PARENT)]),
    ("jaeger sampled", &[ReceivedJaeger(JAEGER_SAMPLED)]),
    ("jaeger debug", &[ReceivedJaeger(JAEGER_DEBUG)]),
    ("baggage", &[Baggage]),
    ("session", &[Session]),
    ("app span context", &[AppSpanContext]),
    ("span", &[Enter]),
    ("ended span", &[EnterEnded]),
    ("started span attached", &[StartAttached]),
    ("span in span", &[Enter, Enter]),
    ("span in ended span", &[EnterEnded, Enter]),
    ("span under received sampled", &[Propagated(SAMPLED), Enter]),
    ("span under received unsampled", &[Propagated(UNSAMPLED), Enter]),
    ("span under received with tracestate and baggage", &[Propagated(WITH_STATE_AND_BAGGAGE), Enter]),
    ("span under b3 accept", &[ReceivedB3("1"), Enter]),
    ("span under b3 deny", &[ReceivedB3("0"), Enter]),
    ("span under b3 debug", &[ReceivedB3("d"), Enter]),
    ("span under b3 ids debug", &[ReceivedB3(B3_DEBUG), Enter]),
    ("span under b3 ids deferred", &[ReceivedB3(B3_DEFERRED), Enter]),
    ("span under jaeger debug", &[ReceivedJaeger(JAEGER_DEBUG), Enter]),
    ("span in span under b3 accept", &[ReceivedB3("1"), Enter, Enter]),
    ("ended span under b3 accept", &[ReceivedB3("1"), EnterEnded]),
    ("started span attached under b3 debug", &[ReceivedB3("d"), StartAttached]),
    ("span under app span context", &[AppSpanContext, Enter]),
    ("baggage in span", &[Enter, Baggage]),
    ("baggage in span under b3 accept", &[ReceivedB3("1"), Enter, Baggage]),
    ("session in span under received", &[Propagated(SAMPLED), Enter, Session]),
    ("baggage under b3 accept", &[ReceivedB3("1"), Baggage]),
    ("b3 accept under baggage", &[Baggage, ReceivedB3("1")]),
    ("b3 accept in span", &[Enter, ReceivedB3("1")]),
    ("b3 deny in span", &[Enter, ReceivedB3("0")]),
    ("b3 ids in span", &[Enter, ReceivedB3(B3_SAMPLED)]),
    ("received in span", &[Enter, Propagated(SAMPLED)]),
    ("span under received in span", &[Enter, Propagated(UNSAMPLED), Enter]),
    ("span under b3 accept in span", &[Enter, ReceivedB3("1"), Enter]),
    ("b3 accept in baggage in span", &[Enter, Baggage, ReceivedB3("1")]),
    ("app span context in span", &[Enter, AppSpanContext]),
    ("b3 accept under app span context", &[AppSpanContext, ReceivedB3("1")]),
    ("received under b3 deny", &[ReceivedB3("0"), Propagated(SAMPLED)]),
    ("span in span under b3 ids deferred", &[ReceivedB3(B3_DEFERRED), Enter, Enter]),
    ("baggage in ended span", &[EnterEnded, Baggage]),
    ("span in job in baggage in future span", &[InFuture, Baggage, InJob, Enter]),
    ("span in started span attached under b3 deny", &[ReceivedB3("0"), StartAttached, Enter]),
    ("new trace context under b3 accept", &[ReceivedB3("1"), NewTrace]),
    ("new trace context in span", &[Session, Enter, NewTrace]),
    ("span in new trace context in span", &[Enter, NewTrace, Enter]),
    ("future span", &[InFuture]),
    ("future span under b3 accept", &[ReceivedB3("1"), InFuture]),
    ("span in future span under received", &[Propagated(SAMPLED), InFuture, Enter]),
    ("job", &[InJob]),
    ("job in span", &[Enter, InJob]),
    ("span in job in span under b3 debug", &[ReceivedB3("d"), Enter, InJob, Enter]),
    ("future span in job under b3 accept", &[ReceivedB3("1"), InJob, InFuture]),
    ("job in ended span", &[EnterEnded, InJob]),
];

/// An operation, run in one state: it checks what it sees against the
/// cell's model.
pub type Operation = fn(&Cell);

/// Every operation, by name.
pub const OPERATIONS: &[(&str, Operation)] = &[
    ("current span", current_span_agrees),
    ("current_span() methods", |cell| {
        span_ref_methods(cell, baton::current_span())
    }),
    ("Context::current().span() methods", |cell| {
        span_ref_methods(cell, Context::current().span())
    }),
    ("changes from a job", changes_from_a_job),
    ("enter", enter_child),
    ("start", start_child),
    ("in_span", in_span_child),
    ("panics", panics),
    ("explicit parent and root", explicit_parent_and_root),
    ("inject_context", inject_global),
    ("propagators", propagators_round_trip),
    ("jobs and threads", jobs_and_threads),
    ("future in_span", future_in_span),
    ("future in_current_context", future_in_current_context),
    ("log correlation", log_correlation),
    ("outliving the state", outliving_the_state),
    ("guard out of reach", guard_out_of_reach),
];

const APP_TRACE: u128 = 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736;
const APP_SPAN: u64 = 0x00f0_67aa_0ba9_02b7;
pub const BAGGAGE_KEY: &str = "matrix.k";
pub const SESSION: &str = "s1";

/// What a state should look like.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The current span context, when valid.
    sc: Option<SpanContext>,
    /// A decision received without ids, still carried.
    decision: Option<Sampling>,
    /// The current local span: its name (empty for a span context the
    /// application built) and whether it records.
    local: Option<(String, bool)>,
    /// Whether the current local span recorded when it started (it may
    /// have ended since): changes to it once it ended are reported, and
    /// discarded quietly for a span that never recorded (README, "Errors,
    /// panics and samplers").
    recorded: bool,
    /// The baggage, in order.
    baggage: Vec<(String, String)>,
}

/// The span context, unless it is the invalid one (see the module's note).
pub fn valid(sc: Option<&SpanContext>) -> Option<&SpanContext> {
    sc.filter(|sc| sc.is_valid())
}

/// What the matrix compares of a span context: trace id, span id, sampled.
fn ids(sc: Option<&SpanContext>) -> Option<(TraceId, SpanId, bool)> {
    valid(sc).map(|sc| (sc.trace_id(), sc.span_id(), sc.is_sampled()))
}

impl Model {
    /// Checks a span just started in this model's context (its span
    /// context and whether it records), notes it for export if it
    /// should be exported, and gives the model of the context in which
    /// it is the current span.
    fn started(&self, cell: &Cell, name: &str, sc: &SpanContext, recording: bool) -> Model {
        let mut next = self.clone();
        if cell.pipeline.makes_spans() {
            // `ParentBased`: a debug parent is sampled, a deferred one
            // decided as a root, a root by its root sampler unless a lone
            // decision decides.
            let sampled = match (&self.sc, self.decision) {
                (Some(parent), _) if parent.is_debug() => true,
                (Some(parent), _) if parent.is_deferred() => cell.roots_sampled,
                (Some(parent), _) => parent.is_sampled(),
                (None, Some(decision)) => decision != Sampling::Deny,
                (None, None) => cell.roots_sampled,
            };
            assert!(sc.is_valid(), "{name}: a span with a pipeline has ids");
            assert!(!sc.is_remote(), "{name}: a local span");
            match &self.sc {
                Some(parent) => {
                    assert_eq!(
                        sc.trace_id(),
                        parent.trace_id(),
                        "{name}: its parent's trace"
                    );
                    assert_eq!(
                        sc.parent_span_id(),
                        Some(parent.span_id()),
                        "{name}: the child of the current span context"
                    );
                    assert_eq!(
                        sc.trace_state(),
                        parent.trace_state(),
                        "{name}: its parent's tracestate"
                    );
                    assert_eq!(
                        sc.is_debug(),
                        parent.is_debug(),
                        "{name}: debug as its parent"
                    );
                }
                None => {
                    assert_eq!(sc.parent_span_id(), None, "{name}: a root");
                    assert_eq!(
                        sc.is_debug(),
                        self.decision == Some(Sampling::Debug),
                        "{name}: a lone debug decision makes a debug trace"
                    );
                }
            }
            assert_eq!(
                sc.is_sampled(),
                sampled,
                "{name}: sampled as its parent says"
            );
            assert!(!sc.is_deferred(), "{name}: decided");
            assert_eq!(recording, sampled, "{name}: records when sampled");
            next.sc = Some(sc.clone());
            next.decision = None;
            if sampled {
                cell.exports.lock().unwrap().push(Export {
                    name: name.to_owned(),
                    span_id: sc.span_id(),
                    parent: self.sc.as_ref().map(SpanContext::span_id),
                    session: self.session().map(str::to_owned),
                    touched: false,
                    built: false,
                    panicked: false,
                    early: false,
                });
            }
        } else {
            // A no-op span: its parent's span context, or the invalid one,
            // and the parent's decision goes on with it.
            assert_eq!(
                valid(Some(sc)),
                self.sc.as_ref(),
                "{name}: its parent's span context"
            );
            assert!(!recording, "{name}: a no-op span records nothing");
        }
        next.local = Some((name.to_owned(), recording));
        next.recorded = recording;
        next
    }

    /// The model once the current span is ended (it stays current).
    fn ended(&self) -> Model {
        let mut next = self.clone();
        if let Some((_, recording)) = &mut next.local {
            *recording = false;
        }
        next
    }

    /// The model once a context extracted from `header` (whose first
    /// field is the trace id, or which is a lone B3 decision) is attached:
    /// checked against the context now current, whose span context is the
    /// model's from then on.
    fn extracted(&self, header: &str) -> Model {
        let lone = match header {
            "0" => Some(Sampling::Deny),
            "1" => Some(Sampling::Accept),
            "d" => Some(Sampling::Debug),
            _ => None,
        };
        if let Some(decision) = lone {
            // A decision beside a span context is not kept (see
            // `Context::with_remote_decision`).
            let mut next = self.clone();
            if self.sc.is_none() {
                next.decision = Some(decision);
            }
            return next;
        }
        let cx = Context::current();
        let sc = valid(cx.span_context()).expect("a received parent").clone();
        assert!(sc.is_remote(), "{header}: remote");
        let trace = header.split(['-', ':']).next().unwrap();
        assert_eq!(sc.trace_id().to_string(), trace, "{header}: its trace id");
        Model {
            sc: Some(sc),
            baggage: self.baggage.clone(),
            ..Model::default()
        }
    }

    fn baggage_value(&self, key: &str) -> Option<&str> {
        self.baggage
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn session(&self) -> Option<&str> {
        self.baggage_value("session.id")
    }

    fn with_baggage(&self, key: &str, value: &str) -> Model {
        let mut next = self.clone();
        next.baggage.push((key.to_owned(), value.to_owned()));
        next
    }
}

/// A span a cell expects exported once.
#[derive(Clone, Debug)]
struct Export {
    /// Its last name.
    name: String,
    span_id: SpanId,
    /// The parent span id it should be exported with.
    parent: Option<SpanId>,
    /// The session it started in: its `session.id` attribute.
    session: Option<String>,
    /// Whether the operation set an attribute, events and a status on it
    /// through a handle: the exported span must have them.
    touched: bool,
    /// Whether its builder was given an attribute and a kind (see
    /// [`built`]).
    built: bool,
    /// Whether a panic unwound through it: its status is an error.
    panicked: bool,
    /// Whether it ended while the state was set up (`Step::EnterEnded`),
    /// before the operation ran and the pipeline changed, if it did.
    early: bool,
}

/// Checks to run once the state is undone, on the thread that set it up.
type After = Mutex<Vec<Box<dyn FnOnce() + Send>>>;

/// One state and one operation.
#[derive(Clone)]
pub struct Cell {
    /// The pipeline state spans begin in now.
    pipeline: Pipeline,
    /// See [`Sink::roots_sampled`].
    roots_sampled: bool,
    /// Every span name of the cell starts with it.
    prefix: Arc<str>,
    /// The state the operation runs in.
    model: Model,
    /// The spans the cell expects exported.
    exports: Arc<Mutex<Vec<Export>>>,
    after: Arc<After>,
}

impl Cell {
    /// A span name of this cell.
    fn name(&self, what: &str) -> String {
        format!("{}{what}", self.prefix)
    }

    /// The same cell in the state `model` describes.
    fn with(&self, model: Model) -> Cell {
        Cell {
            model,
            ..self.clone()
        }
    }

    /// Runs `check` once the state is undone.
    fn after(&self, check: impl FnOnce() + Send + 'static) {
        self.after.lock().unwrap().push(Box::new(check));
    }

    /// Notes that span `span_id` was built by [`built`].
    fn built(&self, span_id: SpanId) {
        let mut exports = self.exports.lock().unwrap();
        if let Some(e) = exports.iter_mut().find(|e| e.span_id == span_id) {
            e.built = true;
        }
    }

    /// Notes that a panic unwound through span `span_id`.
    fn panicked(&self, span_id: SpanId) {
        let mut exports = self.exports.lock().unwrap();
        if let Some(e) = exports.iter_mut().find(|e| e.span_id == span_id) {
            e.panicked = true;
        }
    }

    /// Notes that span `span_id` ended while the state was set up.
    fn ended_early(&self, span_id: SpanId) {
        let mut exports = self.exports.lock().unwrap();
        if let Some(e) = exports.iter_mut().find(|e| e.span_id == span_id) {
            e.early = true;
        }
    }

    /// Notes that span `span_id` was renamed and given attributes, events
    /// and a status, when it records.
    fn touched(&self, span_id: SpanId, name: &str) {
        if let Some(e) = self
            .exports
            .lock()
            .unwrap()
            .iter_mut()
            .find(|e| e.span_id == span_id)
        {
            e.name = name.to_owned();
            e.touched = true;
        }
    }
}

fn header_map(fields: &[(&str, &str)]) -> HashMap<String, String> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Sets up `steps`, each inside the one before (`i` counts them, for span
/// names), checking each as it is made; runs `op` in the state they make;
/// and undoes them innermost first, as their guards drop.
fn within(cell: &Cell, steps: &[Step], i: usize, op: &(dyn Fn(&Cell) + Sync)) {
    let Some((step, rest)) = steps.split_first() else {
        return op(cell);
    };
    let outer = cell.name(&format!("outer {i}"));
    let next = |model: Model| {
        let cell = cell.with(model);
        check_current(&cell.model, &format!("after step {i} ({step:?})"));
        within(&cell, rest, i + 1, op);
    };
    let model = &cell.model;
    match *step {
        Propagated(headers) => {
            let _received = baton::propagated_context(&header_map(headers));
            let mut next_model = model.extracted(headers[0].1.split_at(3).1);
            if headers.iter().any(|(k, _)| *k == "baggage") {
                next_model = next_model.with_baggage(BAGGAGE_KEY, "v");
            }
            next(next_model);
        }
        ReceivedB3(header) => {
            let cx = B3::single().extract(&Context::current(), &header_map(&[("b3", header)]));
            let _received = cx.attach();
            next(model.extracted(header));
        }
        ReceivedJaeger(header) => {
            let headers = header_map(&[("uber-trace-id", header)]);
            let _received = Jaeger.extract(&Context::current(), &headers).attach();
            next(model.extracted(header));
        }
        Baggage => {
            let _baggage = baton::set_baggage(BAGGAGE_KEY, "v");
            next(model.with_baggage(BAGGAGE_KEY, "v"));
        }
        Session => {
            let _session = baton::session(SESSION);
            next(model.with_baggage("session.id", SESSION));
        }
        AppSpanContext => {
            let sc = app_span_context();
            let _attached = Context::default().with_span_context(sc.clone()).attach();
            next(Model {
                sc: Some(sc),
                local: Some((String::new(), false)),
                ..Model::default()
            });
        }
        Enter | EnterEnded => {
            let guard = baton::span(outer.clone()).enter();
            let mut entered =
                model.started(cell, &outer, guard.span_context(), guard.is_recording());
            if let EnterEnded = step {
                guard.end();
                cell.ended_early(guard.span_id());
                entered = entered.ended();
            }
            next(entered);
        }
        StartAttached => {
            let span = baton::span(outer.clone()).start();
            let started = model.started(cell, &outer, span.span_context(), span.is_recording());
            let _attached = span.context().attach();
            next(started);
        }
        NewTrace => {
            let _isolated = baton::new_trace_context();
            next(Model::default());
        }
        InFuture => {
            let fut = async {
                let span = baton::current_span().expect("the future's span");
                next(model.started(cell, &outer, span.span_context(), span.is_recording()));
            }
            .in_span(baton::span(outer.clone()));
            assert!(poll(pin!(fut)).is_ready());
        }
        InJob => std::thread::scope(|s| {
            let job = baton::copy_context_to_thread(|| next(model.clone()));
            if let Err(panic) = s.spawn(job).join() {
                std::panic::resume_unwind(panic);
            }
        }),
    }
}

fn app_span_context() -> SpanContext {
    SpanContext::new(
        TraceId::from_u128(APP_TRACE).unwrap(),
        SpanId::from_u64(APP_SPAN).unwrap(),
        TraceFlags::from_bits(1),
    )
}

/// Runs the cell (`state`, `operation`) under the pipeline `fixture`
/// installed; its failure, if it fails.
pub fn run_cell(fixture: &Fixture, state: &str, operation: &str) -> Result<(), String> {
    run_cell_across("", state, operation, fixture.sink(), None)
}

/// Runs the cell (`state`, `operation`): sets the state up under `before`;
/// then, if `change` is given, calls it (it returns once the pipeline
/// changed, and says how it stands) before the operation runs; undoes the
/// state and checks what was exported. Its failure, if it fails.
fn run_cell_across<'a>(
    phase: &str,
    state: &str,
    operation: &str,
    before: Sink<'a>,
    change: Option<&(dyn Fn() -> Sink<'a> + Sync)>,
) -> Result<(), String> {
    let steps = STATES
        .iter()
        .find(|(name, _)| *name == state)
        .unwrap_or_else(|| panic!("no state {state:?}"))
        .1;
    let op = OPERATIONS
        .iter()
        .find(|(name, _)| *name == operation)
        .unwrap_or_else(|| panic!("no operation {operation:?}"))
        .1;
    let prefix = format!("{phase}{state} | {operation} | ");
    let cell = Cell {
        pipeline: before.pipeline,
        roots_sampled: before.roots_sampled,
        prefix: prefix.as_str().into(),
        model: Model::default(),
        exports: Arc::default(),
        after: Arc::default(),
    };
    // Where the spans that end once the operation runs go.
    let late = Mutex::new(None);
    let changed = |cell: &Cell| {
        let mut cell = cell.with(cell.model.clone());
        if let Some(change) = change {
            let now = change();
            *late.lock().unwrap() = Some(now);
            cell.pipeline = now.pipeline;
            cell.roots_sampled = now.roots_sampled;
        }
        op(&cell);
    };
    note_diagnostics();
    let dropped_before = baton::export::dropped_spans();
    let mut diagnostics = Vec::new();
    let ran = catch_unwind(AssertUnwindSafe(|| {
        diagnostics = reported(|| {
            within(&cell, steps, 0, &changed);
            check_current(&Model::default(), "after the state's guards dropped");
            for check in std::mem::take(&mut *cell.after.lock().unwrap()) {
                check();
            }
            check_current(&Model::default(), "after the checks that outlive the state");
        });
    }));
    let late = late.lock().unwrap().take();
    if let (Some(change), None) = (change, late) {
        // The state failed before the change: the other cells wait for
        // this one to reach it.
        change();
    }
    if let Err(panic) = ran {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(a panic without a message)");
        return Err(format!("{phase}{state} × {operation}: {message}"));
    }
    // Nothing is misuse or bad input here but what an operation checked
    // and took (see `reported`), and spans ending after shutdown.
    diagnostics.retain(|k| *k != DiagnosticKind::SpanDropped);
    if !diagnostics.is_empty() {
        return Err(format!(
            "{phase}{state} × {operation}: diagnostics {diagnostics:?}"
        ));
    }
    let exports = cell.exports.lock().unwrap();
    check_exports(
        &prefix,
        &exports,
        before,
        late.unwrap_or(before),
        dropped_before,
    )
    .map_err(|e| format!("{phase}{state} × {operation}: {e}"))
}

/// Runs `operation` in every state, and fails with every failing cell.
pub fn run_operation(fixture: &Fixture, operation: &str) {
    let failures: Vec<String> = STATES
        .iter()
        .filter_map(|(state, _)| run_cell(fixture, state, operation).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} cell(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs every cell across a change of pipeline: each
/// on a thread of its own, sets its state up under `before`; once all are
/// set up, `change` runs and gives how the pipeline stands then; then each
/// runs its operation under it. Fails with every failing cell. `phase`
/// names the change, and begins the names of the spans its cells make.
pub fn run_across<'a>(phase: &str, before: Sink<'a>, change: impl FnOnce() -> Sink<'a> + Send) {
    let cells: Vec<(&str, &str)> = STATES
        .iter()
        .flat_map(|(state, _)| OPERATIONS.iter().map(move |(op, _)| (*state, *op)))
        .collect();
    let phase = &format!("{phase}: ");
    let set_up = Barrier::new(cells.len() + 1);
    let changed = Barrier::new(cells.len() + 1);
    let now = OnceLock::new();
    let wait = || {
        set_up.wait();
        changed.wait();
        *now.get().unwrap()
    };
    let failures: Vec<String> = std::thread::scope(|s| {
        let threads: Vec<_> = cells
            .iter()
            .map(|(state, op)| {
                let wait = &wait;
                std::thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn_scoped(s, move || {
                        run_cell_across(phase, state, op, before, Some(wait))
                    })
                    .unwrap()
            })
            .collect();
        set_up.wait();
        let _ = now.set(change());
        changed.wait();
        threads
            .into_iter()
            .filter_map(|t| t.join().unwrap().err())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} cell(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Invariant 6: what the pipelines got of the cell's spans (named with
/// `prefix`): each sampled span once, in the exporter of the pipeline in
/// force when it ended (`early`: ended while the state was set up), if that
/// one was live; nowhere otherwise.
fn check_exports(
    prefix: &str,
    exports: &[Export],
    early: Sink<'_>,
    late: Sink<'_>,
    dropped_before: u64,
) -> Result<(), String> {
    if late.pipeline == Pipeline::Live {
        baton::export::force_flush(Duration::from_secs(5)).map_err(|e| format!("flush: {e}"))?;
    }
    let mut exporters: Vec<&InMemoryExporter> = Vec::new();
    for exporter in [early.exporter, late.exporter].into_iter().flatten() {
        if !exporters.iter().any(|e| std::ptr::eq(*e, exporter)) {
            exporters.push(exporter);
        }
    }
    let goes_to = |sink: Sink<'_>, exporter: &InMemoryExporter| {
        sink.pipeline == Pipeline::Live && sink.exporter.is_some_and(|e| std::ptr::eq(e, exporter))
    };
    for exporter in exporters {
        let got: Vec<_> = exporter
            .finished_spans()
            .into_iter()
            .filter(|s| s.name.starts_with(prefix))
            .collect();
        let want: Vec<&Export> = exports
            .iter()
            .filter(|e| goes_to(if e.early { early } else { late }, exporter))
            .collect();
        let mut got_ids: Vec<_> = got
            .iter()
            .map(|s| (s.name.to_string(), s.span_id()))
            .collect();
        let mut want_ids: Vec<_> = want.iter().map(|e| (e.name.clone(), e.span_id)).collect();
        got_ids.sort();
        want_ids.sort();
        if got_ids != want_ids {
            return Err(format!(
                "exported {got_ids:?}, expected each sampled span once: {want_ids:?}"
            ));
        }
        for e in want {
            let span = got.iter().find(|s| s.span_id() == e.span_id).unwrap();
            if span.parent_span_id != e.parent {
                return Err(format!(
                    "{}: exported with parent {:?}, started under {:?}",
                    e.name, span.parent_span_id, e.parent
                ));
            }
            let session = span.attribute("session.id").map(|v| v.to_string());
            if session != e.session {
                return Err(format!(
                    "{}: session.id {session:?}, started in {:?}",
                    e.name, e.session
                ));
            }
            let built = span.attribute("matrix.builder") == Some(&true.into())
                && span.kind == SpanKind::Client;
            if e.built && !built {
                return Err(format!("{}: lost what its builder set: {span:?}", e.name));
            }
            let failed = matches!(&span.status, Status::Error { description }
                if description.contains("matrix panic"));
            if e.panicked && !failed {
                return Err(format!("{}: a panic unwound through it: {span:?}", e.name));
            }
            if e.touched {
                let has_event = |name: &str| span.events.iter().any(|ev| ev.name == name);
                let complete = span.attribute("matrix.attr") == Some(&1i64.into())
                    && has_event("matrix.event")
                    && has_event("exception")
                    && matches!(span.status, Status::Error { .. });
                if !complete {
                    return Err(format!("{}: lost what its handle set: {span:?}", e.name));
                }
            }
        }
    }
    let start_failures: Vec<_> = START_FAILURES
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name.starts_with(prefix))
        .cloned()
        .collect();
    if !start_failures.is_empty() {
        return Err(format!("on_start: {start_failures:?}"));
    }
    // Ended after shutdown, also under a disabled SDK installed after it
    // (whose own spans record nothing): counted as dropped (other cells'
    // too, so at least these).
    let dropped = exports
        .iter()
        .filter(|e| {
            matches!(
                (if e.early { early } else { late }).pipeline,
                Pipeline::ShutDown | Pipeline::Disabled
            )
        })
        .count() as u64;
    let counted = baton::export::dropped_spans() - dropped_before;
    if counted < dropped {
        return Err(format!(
            "{dropped} sampled span(s) ended after shutdown, {counted} counted as dropped"
        ));
    }
    Ok(())
}

/// Invariant 2 (and the model): the current span and context, asked every
/// way on this thread.
fn check_current(model: &Model, when: &str) {
    let cx = Context::current();
    let by_current = baton::current_span();
    let by_context = cx.span();
    assert_eq!(
        by_current.is_some(),
        by_context.is_some(),
        "{when}: current_span() {by_current:?}, Context::current().span() {by_context:?}"
    );
    assert_eq!(
        by_current.as_ref().map(|s| (s.name(), s.is_recording())),
        model.local,
        "{when}: the current local span (name, recording)"
    );
    if let (Some(a), Some(b)) = (&by_current, &by_context) {
        assert_eq!(
            a.span_context(),
            b.span_context(),
            "{when}: the two span contexts"
        );
        assert_eq!(a.name(), b.name(), "{when}: the two names");
        assert_eq!(a.is_recording(), b.is_recording(), "{when}: recording");
        assert_eq!(
            valid(Some(a.span_context())),
            valid(cx.span_context()),
            "{when}: the span's context is the current one"
        );
    }
    assert_eq!(
        ids(cx.span_context()),
        ids(model.sc.as_ref()),
        "{when}: the current span context"
    );
    assert_eq!(
        cx.remote_decision(),
        model.decision,
        "{when}: a lone decision carried"
    );
    let baggage: Vec<_> = cx
        .baggage()
        .iter()
        .map(|(k, v, _)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(baggage, model.baggage, "{when}: the baggage");
}

/// What a thread sees of the current context, to compare across threads.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    current_span: Option<(String, SpanContext, bool)>,
    context_span: Option<(String, SpanContext, bool)>,
    span_context: Option<(TraceId, SpanId, bool)>,
    decision: Option<Sampling>,
    baggage: Option<String>,
    session: Option<String>,
    log_ids: String,
}

fn seen() -> Seen {
    let cx = Context::current();
    let span = |s: SpanRef| (s.name(), s.span_context().clone(), s.is_recording());
    Seen {
        current_span: baton::current_span().map(span),
        context_span: cx.span().map(span),
        span_context: ids(cx.span_context()),
        decision: cx.remote_decision(),
        baggage: baton::baggage(BAGGAGE_KEY),
        session: baton::current_session().map(|s| s.id().to_owned()),
        log_ids: baton::log_ids().to_string(),
    }
}

fn current_span_agrees(cell: &Cell) {
    check_current(&cell.model, "in the state");
    let here = seen();
    assert_eq!(here.current_span, here.context_span);
}

/// Every `SpanRef` method on the current span, got one way or the other.
fn span_ref_methods(cell: &Cell, got: Option<SpanRef>) {
    let Some((name, recording)) = cell.model.local.clone() else {
        assert!(got.is_none(), "no local span, yet {got:?}");
        return;
    };
    let span = got.expect("the current local span");
    let sc = span.span_context().clone();
    assert_eq!(span.name(), name);
    assert_eq!(ids(Some(&sc)), ids(cell.model.sc.as_ref()));
    assert_eq!(span.span_id(), sc.span_id());
    assert_eq!(span.trace_id(), sc.trace_id());
    assert_eq!(span.parent_span_id(), sc.parent_span_id());
    assert_eq!(span.is_recording(), recording);
    // Its context has it as the active span.
    let again = span.context().span().expect("the span in its own context");
    assert_eq!((again.name(), again.span_context()), (name.clone(), &sc));
    assert_eq!(ids(span.context().span_context()), ids(Some(&sc)));

    let renamed = cell.name("renamed");
    // A span that ended already reports changes; one that never recorded
    // discards them quietly.
    assert_late_changes_reported(
        cell.model.recorded && !recording,
        0,
        || touch(&span, &renamed),
        "changes to the current span reported",
    );
    let expected_name = if recording { &renamed } else { &name };
    assert_eq!(&span.name(), expected_name, "renamed only while recording");
    if recording {
        cell.touched(sc.span_id(), &renamed);
    }
    // Ended once: a span ended already reports the end too.
    let reports = usize::from(cell.model.recorded && !recording);
    assert_eq!(reports_of(|| span.end()), reports, "end() reported");
    assert!(!span.is_recording(), "ended");
    // Still current until its owner lets go of it. Its name is the first
    // again: "The record that holds a new name is handed on when the span
    // ends: from then on this gives the first name" (`Span::name`).
    let current = baton::current_span().expect("still current after end()");
    assert_eq!(current.span_context(), &sc);
    assert_eq!(current.name(), name);
    // Discarded once ended, and ends nothing more.
    let late_changes = || {
        touch(&span, &cell.name("renamed after end"));
        span.end();
    };
    assert_late_changes_reported(
        cell.model.recorded,
        1,
        late_changes,
        "changes after end() reported",
    );
    assert_eq!(span.name(), name);
}

thread_local! {
    /// The diagnostics raised on this thread.
    static REPORTS: RefCell<Vec<DiagnosticKind>> = const { RefCell::new(Vec::new()) };
}

/// Installs, once, a diagnostic handler that notes each diagnostic on the
/// thread that raised it ("called on the thread that hit the problem"),
/// so that a cell counts its own while others run beside it.
fn note_diagnostics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        baton::set_diagnostic_handler(Box::new(|d| {
            let _ = REPORTS.try_with(|r| r.borrow_mut().push(d.kind));
        }))
        .expect("the one diagnostic handler of this process");
    });
}

/// The diagnostics `f` raised on this thread, taken: a check of the
/// diagnostics of a larger scope (the cell's) does not see them again.
fn reported(f: impl FnOnce()) -> Vec<DiagnosticKind> {
    let before = REPORTS.with(|r| r.borrow().len());
    f();
    REPORTS.with(|r| r.borrow_mut().split_off(before))
}

/// How many changes to an ended span `f` reported on this thread.
fn reports_of(f: impl FnOnce()) -> usize {
    reported(f)
        .into_iter()
        .filter(|k| *k == DiagnosticKind::SpanAlreadyEnded)
        .count()
}

/// The changes [`touch_with!`] makes: each is reported once when made to
/// an ended span that recorded.
const TOUCHES: usize = 5;

/// Asserts that `late`, which makes [`TOUCHES`] changes to an ended span
/// and ends it `ends` more times, raises one report per call if the span
/// `recorded`, and none if it never did.
fn assert_late_changes_reported(recorded: bool, ends: usize, late: impl FnOnce(), what: &str) {
    let expected = if recorded { TOUCHES + ends } else { 0 };
    assert_eq!(reports_of(late), expected, "{what}");
}

/// Changes made to the current span from a job on another thread, the
/// span left to its owner to end: they reach the span while it records.
fn changes_from_a_job(cell: &Cell) {
    let Some((name, recording)) = cell.model.local.clone() else {
        return;
    };
    let renamed = cell.name("renamed in a job");
    let in_job = renamed.clone();
    let job = baton::copy_context_to_thread(move || {
        let span = baton::current_span().expect("the current span, in a job");
        let reports = reports_of(|| touch(&span, &in_job));
        (span.span_context().clone(), span.is_recording(), reports)
    });
    let (sc, recording_there, reports) = std::thread::spawn(job).join().unwrap();
    assert_eq!(recording_there, recording);
    let ended = cell.model.recorded && !recording;
    assert_eq!(reports, if ended { TOUCHES } else { 0 }, "changes reported");
    let span = baton::current_span().expect("the current span");
    assert_eq!(span.span_context(), &sc);
    assert_eq!(span.name(), if recording { renamed.clone() } else { name });
    if recording {
        cell.touched(sc.span_id(), &renamed);
    }
}

/// Sets an attribute, events, a status and a name through any handle.
macro_rules! touch_with {
    ($span:expr, $name:expr) => {{
        $span.set_attribute("matrix.attr", 1i64);
        $span.add_event("matrix.event", vec![KeyValue::new("k", "v")]);
        $span.set_status(Status::Error {
            description: "matrix".into(),
        });
        $span.record_error(&std::fmt::Error);
        $span.update_name($name.to_owned());
    }};
}

fn touch(span: &SpanRef, name: &str) {
    touch_with!(span, name);
}

/// `span(..).enter()`, a grandchild inside it, and every `SpanGuard`
/// method, also after `end()`.
fn enter_child(cell: &Cell) {
    let name = cell.name("child");
    let guard = baton::span(name.clone()).enter();
    let sc = guard.span_context().clone();
    let model = cell.model.started(cell, &name, &sc, guard.is_recording());
    check_current(&model, "inside the entered child");
    assert_eq!(guard.name(), name);
    assert_eq!(
        (guard.span_id(), guard.trace_id()),
        (sc.span_id(), sc.trace_id())
    );
    assert_eq!(guard.parent_span_id(), sc.parent_span_id());
    let own = guard
        .context()
        .span()
        .expect("the guard's span in its context");
    assert_eq!((own.name(), own.span_context()), (name.clone(), &sc));

    // Built with an attribute and a kind: the general way, not the
    // child's fast one.
    let grandchild_name = cell.name("grandchild");
    let grandchild = built(baton::span(grandchild_name.clone())).enter();
    let inner = model.started(
        cell,
        &grandchild_name,
        grandchild.span_context(),
        grandchild.is_recording(),
    );
    if grandchild.is_recording() {
        // A no-op span has its parent's ids, not its own.
        cell.built(grandchild.span_id());
    }
    check_current(&inner, "inside the grandchild");
    drop(grandchild);
    check_current(&model, "back in the child");

    let renamed = cell.name("child renamed");
    touch_with!(guard, renamed);
    if model.local.as_ref().is_some_and(|(_, r)| *r) {
        assert_eq!(guard.name(), renamed);
        cell.touched(sc.span_id(), &renamed);
    }
    guard.end();
    assert!(!guard.is_recording());
    // Named as it started once ended (see `span_ref_methods`).
    assert_eq!(guard.name(), name);
    check_current(&model.ended(), "inside the child after end()");
    // After the end: the same ids, discarded changes, nothing ended twice.
    assert_eq!(guard.span_context(), &sc);
    assert_eq!(ids(guard.context().span_context()), ids(valid(Some(&sc))));
    let late_changes = || {
        touch_with!(guard, cell.name("child renamed after end"));
        guard.end();
    };
    assert_late_changes_reported(
        model.recorded,
        1,
        late_changes,
        "changes after end() reported",
    );
    assert_eq!(guard.name(), name);
    drop(guard);
    check_current(&cell.model, "after the child");
}

/// A builder given an attribute and a kind.
fn built(builder: SpanBuilder) -> SpanBuilder {
    builder.attr("matrix.builder", true).kind(SpanKind::Client)
}

/// `span(..).start()` and every `Span` method, its context attached.
fn start_child(cell: &Cell) {
    let name = cell.name("started");
    let span = baton::span(name.clone()).start();
    let sc = span.span_context().clone();
    let model = cell.model.started(cell, &name, &sc, span.is_recording());
    check_current(&cell.model, "a started span is not current");
    assert_eq!(span.name(), name);
    assert_eq!(
        (span.span_id(), span.trace_id()),
        (sc.span_id(), sc.trace_id())
    );
    assert_eq!(span.parent_span_id(), sc.parent_span_id());
    {
        let _attached = span.context().attach();
        check_current(&model, "inside the started span's context");
        let child_name = cell.name("started child");
        baton::in_span(child_name.clone(), || {
            let child = baton::current_span().expect("in_span");
            model.started(
                cell,
                &child_name,
                child.span_context(),
                child.is_recording(),
            );
        });
    }
    check_current(&cell.model, "the started span's context detached");
    let renamed = cell.name("started renamed");
    touch_with!(span, renamed);
    if span.is_recording() {
        assert_eq!(span.name(), renamed);
        cell.touched(sc.span_id(), &renamed);
    }
    // Ended at a time given, as the OpenTelemetry `End` may be.
    span.end_at(baton::now_unix_nanos());
    assert!(!span.is_recording());
    assert_eq!(span.span_context(), &sc);
    let own = span.context().span().expect("an ended span in its context");
    assert_eq!(own.span_context(), &sc);
    let late_changes = || {
        touch_with!(span, cell.name("started renamed after end"));
        span.end();
    };
    assert_late_changes_reported(
        model.recorded,
        1,
        late_changes,
        "changes after end() reported",
    );
    // Named as it started once ended (see `span_ref_methods`).
    assert_eq!(span.name(), name);
    drop(span);
    check_current(&cell.model, "after the started span");
}

/// `in_span`: the closure runs in a child, and its value comes back.
fn in_span_child(cell: &Cell) {
    let name = cell.name("in_span");
    let out = baton::in_span(name.clone(), || {
        let span = baton::current_span().expect("in_span's span is current");
        let model = cell
            .model
            .started(cell, &name, span.span_context(), span.is_recording());
        check_current(&model, "inside in_span");
        7
    });
    assert_eq!(out, 7);
    check_current(&cell.model, "after in_span");
}

/// `.parent(&Context::current())` is the same as the current context;
/// `.root()` keeps the baggage and nothing else, `.parent(&empty)` nothing.
fn explicit_parent_and_root(cell: &Cell) {
    let name = cell.name("explicit parent");
    let guard = baton::span(name.clone())
        .parent(&Context::current())
        .enter();
    let model = cell
        .model
        .started(cell, &name, guard.span_context(), guard.is_recording());
    check_current(&model, "in a span given the current context as parent");
    drop(guard);

    let name = cell.name("root");
    let root = baton::span(name.clone()).root().start();
    let baggage_only = Model {
        baggage: cell.model.baggage.clone(),
        ..Model::default()
    };
    let model = baggage_only.started(cell, &name, root.span_context(), root.is_recording());
    {
        let _attached = root.context().attach();
        check_current(&model, "in a root's context");
    }
    drop(root);

    let name = cell.name("child of the empty context");
    let orphan = baton::span(name.clone())
        .parent(&Context::default())
        .start();
    let model = Model::default().started(cell, &name, orphan.span_context(), orphan.is_recording());
    let _attached = orphan.context().attach();
    check_current(&model, "in the context of a child of the empty context");
}

/// A panic unwinding through a span (`in_span`, a job, a future): the
/// span records it, and the context is restored.
fn panics(cell: &Cell) {
    let started = Mutex::new(Vec::new());
    let note = |name: &str| {
        let span = baton::current_span().expect("the panicking span");
        let sc = span.span_context().clone();
        started
            .lock()
            .unwrap()
            .push((name.to_owned(), sc, span.is_recording()));
    };
    let name = cell.name("panicking in_span");
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        baton::in_span(name.clone(), || {
            note(&name);
            panic!("matrix panic in in_span");
        })
    }));
    assert!(unwound.is_err());
    check_current(&cell.model, "after a panic in in_span");

    let job_name = cell.name("panicking job");
    let job = baton::copy_context_to_thread(|| {
        let _span = baton::span(job_name.clone()).enter();
        note(&job_name);
        panic!("matrix panic in a job");
    });
    std::thread::scope(|s| assert!(s.spawn(job).join().is_err()));

    let future_name = cell.name("panicking future");
    let fut = async {
        note(&future_name);
        panic!("matrix panic in a future");
    }
    .in_span(baton::span(future_name.clone()));
    let mut fut = Box::pin(fut);
    assert!(catch_unwind(AssertUnwindSafe(|| poll(fut.as_mut()))).is_err());
    // Never polled again after a poll panicked (`FutureExt`).
    drop(fut);
    check_current(&cell.model, "after a panic in a future");

    for (name, sc, recording) in std::mem::take(&mut *started.lock().unwrap()) {
        cell.model.started(cell, &name, &sc, recording);
        if recording {
            cell.panicked(sc.span_id());
        }
    }
}

/// The default global propagator: `tracecontext,baggage`.
fn inject_global(cell: &Cell) {
    let mut carrier = HashMap::new();
    baton::inject_context(&mut carrier);
    let mut want = BTreeSet::new();
    if let Some(sc) = &cell.model.sc {
        want.insert("traceparent");
        if !sc.trace_state().is_empty() {
            want.insert("tracestate");
        }
    }
    if !cell.model.baggage.is_empty() {
        want.insert("baggage");
    }
    assert_eq!(keys(&carrier), want, "{carrier:?}");
    let back = baton::propagation::global_propagator().extract(&Context::default(), &carrier);
    assert_eq!(ids(back.span_context()), ids(cell.model.sc.as_ref()));
    assert_eq!(baggage_of(&back), cell.model.baggage);
}

fn keys(carrier: &HashMap<String, String>) -> BTreeSet<&str> {
    carrier.keys().map(String::as_str).collect()
}

fn baggage_of(cx: &Context) -> Vec<(String, String)> {
    cx.baggage()
        .iter()
        .map(|(k, v, _)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A carrier as another request left it: every field of every format.
const STALE: &[(&str, &str)] = &[
    (
        "traceparent",
        "00-11111111111111111111111111111111-2222222222222222-01",
    ),
    ("tracestate", "stale=1"),
    ("baggage", "stale=1"),
    ("b3", "11111111111111111111111111111111-2222222222222222-1"),
    ("x-b3-traceid", "11111111111111111111111111111111"),
    ("x-b3-spanid", "2222222222222222"),
    ("x-b3-parentspanid", "3333333333333333"),
    ("x-b3-sampled", "1"),
    ("x-b3-flags", "1"),
    (
        "uber-trace-id",
        "11111111111111111111111111111111:2222222222222222:0:1",
    ),
    ("uberctx-stale", "1"),
    ("jaeger-baggage", "stale=1"),
];

/// Whether `format`'s propagator reads the field `key` (`extract_fields`,
/// and Jaeger's baggage fields), which its inject must not leave stale.
fn owned_by(format: &str, key: &str) -> bool {
    match format {
        "tracecontext" => matches!(key, "traceparent" | "tracestate"),
        "baggage" => key == "baggage",
        "b3" | "b3multi" => key == "b3" || key.starts_with("x-b3-"),
        "jaeger" => {
            key == "uber-trace-id" || key == "jaeger-baggage" || key.starts_with("uberctx-")
        }
        _ => unreachable!("{format}"),
    }
}

/// Invariant 3, for every propagator.
fn propagators_round_trip(cell: &Cell) {
    let model = &cell.model;
    let cx = Context::current();
    let decision = model.decision.filter(|_| model.sc.is_none());
    let b3_multi_decision = match decision {
        Some(Sampling::Debug) => "x-b3-flags",
        _ => "x-b3-sampled",
    };
    let jaeger_baggage: Vec<String> = model
        .baggage
        .iter()
        .map(|(k, _)| format!("uberctx-{k}"))
        .collect();
    // (name, propagator, carries ids, carries baggage, carries a lone
    // decision, the fields it writes for the model)
    let ids_fields: &[&str] = match &model.sc {
        Some(sc) if !sc.trace_state().is_empty() => &["traceparent", "tracestate"],
        Some(_) => &["traceparent"],
        None => &[],
    };
    type Row<'a> = (&'a str, Box<dyn Propagator>, bool, bool, bool, Vec<String>);
    let rows: Vec<Row<'_>> = vec![
        (
            "tracecontext",
            Box::new(TraceContext),
            true,
            false,
            false,
            ids_fields.iter().map(|f| f.to_string()).collect(),
        ),
        (
            "baggage",
            Box::new(W3cBaggage),
            false,
            true,
            false,
            if model.baggage.is_empty() {
                vec![]
            } else {
                vec!["baggage".into()]
            },
        ),
        (
            "b3",
            Box::new(B3::single()),
            true,
            false,
            true,
            if model.sc.is_some() || decision.is_some() {
                vec!["b3".into()]
            } else {
                vec![]
            },
        ),
        (
            "b3multi",
            Box::new(B3::multi()),
            true,
            false,
            true,
            match (&model.sc, decision) {
                (Some(sc), _) => {
                    let mut fields = vec!["x-b3-traceid".into(), "x-b3-spanid".into()];
                    if sc.is_debug() {
                        fields.push("x-b3-flags".into());
                    } else if !sc.is_deferred() {
                        fields.push("x-b3-sampled".into());
                    }
                    fields
                }
                (None, Some(_)) => vec![b3_multi_decision.into()],
                (None, None) => vec![],
            },
        ),
        (
            "jaeger",
            Box::new(Jaeger),
            true,
            true,
            false,
            model
                .sc
                .iter()
                .map(|_| "uber-trace-id".to_owned())
                .chain(jaeger_baggage)
                .collect(),
        ),
    ];
    for (format, propagator, carries_ids, carries_baggage, carries_decision, fields) in rows {
        let mut carrier = HashMap::new();
        propagator.inject(&cx, &mut carrier);
        let want: BTreeSet<&str> = fields.iter().map(String::as_str).collect();
        assert_eq!(keys(&carrier), want, "{format} injected {carrier:?}");
        // Into a carrier reused from another request, every format's
        // fields in it: a format leaves no field of its own that it did not
        // write (a receiver would read it as current), and no other's.
        let mut reused = header_map(STALE);
        propagator.inject(&cx, &mut reused);
        let others = STALE
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !owned_by(format, k));
        assert_eq!(
            keys(&reused),
            want.iter().copied().chain(others).collect(),
            "{format} injected into a reused carrier: {reused:?}"
        );
        assert_eq!(
            want.iter().map(|k| (*k, &carrier[*k])).collect::<Vec<_>>(),
            want.iter().map(|k| (*k, &reused[*k])).collect::<Vec<_>>(),
            "{format}: the same values into a reused carrier"
        );
        let back = propagator.extract(&Context::default(), &carrier);
        let want_ids = if carries_ids {
            ids(model.sc.as_ref())
        } else {
            None
        };
        assert_eq!(ids(back.span_context()), want_ids, "{format}: {carrier:?}");
        let want_baggage = if carries_baggage {
            model.baggage.clone()
        } else {
            vec![]
        };
        assert_eq!(baggage_of(&back), want_baggage, "{format}: {carrier:?}");
        let want_decision = if carries_decision { decision } else { None };
        assert_eq!(
            back.remote_decision(),
            want_decision,
            "{format}: {carrier:?}"
        );
        // Debug travels in B3 and Jaeger; W3C has no flag for it.
        if let (true, Some(sc)) = (carries_ids && format != "tracecontext", &model.sc) {
            let back_sc = back.span_context().unwrap();
            assert_eq!(back_sc.is_debug(), sc.is_debug(), "{format}: debug");
        }
    }
}

/// `copy_context_to_thread` (a job on another thread and one on this
/// thread), `copy_context_to_fn` run twice, `baton::thread::spawn`: each
/// sees what this thread sees, and a span started in a job is a child.
fn jobs_and_threads(cell: &Cell) {
    let here = seen();
    let there = std::thread::spawn(baton::copy_context_to_thread(seen))
        .join()
        .unwrap();
    assert_eq!(there, here, "a job on another thread");
    assert_eq!(
        baton::copy_context_to_thread(seen)(),
        here,
        "a job on this thread"
    );
    let f = baton::copy_context_to_fn(|()| seen());
    assert_eq!(f(()), here, "a wrapped fn, once");
    assert_eq!(f(()), here, "a wrapped fn, twice");
    let g = f.clone();
    assert_eq!(std::thread::spawn(move || g(())).join().unwrap(), here);
    assert_eq!(
        baton::thread::spawn(seen).join().unwrap(),
        here,
        "thread::spawn"
    );
    assert_eq!(seen(), here, "this thread's own context restored");

    let name = cell.name("job span");
    let job_name = name.clone();
    let job = baton::copy_context_to_thread(move || {
        let guard = baton::span(job_name).enter();
        (guard.span_context().clone(), guard.is_recording())
    });
    let (sc, recording) = std::thread::spawn(job).join().unwrap();
    cell.model.started(cell, &name, &sc, recording);
}

/// A future in a span of its own, polled by hand: the span is current in
/// each poll, on this thread and another, and not between them.
fn future_in_span(cell: &Cell) {
    let name = cell.name("future");
    let fut = async {
        let first = seen();
        YieldOnce(false).await;
        (first, seen())
    }
    .in_span(baton::span(name.clone()));
    let mut fut = Box::pin(fut);
    assert!(poll(fut.as_mut()).is_pending());
    check_current(&cell.model, "between the future's polls");
    let out = std::thread::spawn(move || poll(fut.as_mut()))
        .join()
        .unwrap();
    let Poll::Ready((first, second)) = out else {
        panic!("the future did not complete");
    };
    assert_eq!(first, second, "the future's context across threads");
    assert_eq!(first.current_span, first.context_span);
    let (span_name, sc, recording) = first.current_span.expect("the future's span");
    assert_eq!(span_name, name);
    cell.model.started(cell, &name, &sc, recording);
    check_current(&cell.model, "after the future");
}

/// A future in the context current when it was wrapped, polled on another
/// thread, and one given the context explicitly.
fn future_in_current_context(cell: &Cell) {
    let here = seen();
    let mut fut = Box::pin(async { seen() }.in_current_context());
    let there = std::thread::spawn(move || poll(fut.as_mut()))
        .join()
        .unwrap();
    assert_eq!(there, Poll::Ready(here.clone()));
    let fut = pin!(async { seen() }.in_context(Context::current()));
    assert_eq!(poll(fut), Poll::Ready(here));
    check_current(&cell.model, "after the futures");
}

/// A future pending once, then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut TaskContext<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

fn poll<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut TaskContext::from_waker(Waker::noop()))
}

/// What the state hands out, used once it is undone (its spans ended):
/// a job and a future wrapped in it see what it saw, but for the spans no
/// longer recording; its context attached again is the same, and a span
/// started there is a child of its span; a `SpanRef` to its span still
/// has its ids and records nothing.
fn outliving_the_state(cell: &Cell) {
    let mut then = seen();
    for (_, _, recording) in then.current_span.iter_mut().chain(&mut then.context_span) {
        *recording = false;
    }
    let job = baton::copy_context_to_thread(seen);
    let fut = async { seen() }.in_current_context();
    let cx = Context::current();
    let span = baton::current_span();
    let late = cell.with(cell.model.ended());
    cell.after(move || {
        assert_eq!(std::thread::spawn(job).join().unwrap(), then, "a job");
        assert_eq!(poll(pin!(fut)), Poll::Ready(then.clone()), "a future");
        if let Some(span) = span {
            assert!(!span.is_recording());
            assert_eq!(
                Some(span.span_context().clone()),
                then.current_span.map(|s| s.1)
            );
            let late_changes = || touch(&span, &late.name("renamed after the state"));
            assert_late_changes_reported(late.model.recorded, 0, late_changes, "changes reported");
        }
        let _attached = cx.attach();
        check_current(
            &late.model,
            "the state's context attached once it is undone",
        );
        let name = late.name("after the state");
        let guard = baton::span(name.clone()).enter();
        late.model
            .started(&late, &name, guard.span_context(), guard.is_recording());
    });
}

/// A guard returned out of the job that entered its span (a misuse,
/// reported as `GuardDroppedOutOfOrder` when the job returns, and again
/// when the guard drops): the job took its frame off and ended its span,
/// which is exported once; the guard still gives the span, its name and
/// its context (the span's ids, name and decision), records nothing, and
/// reports changes through it as to an ended span if the span recorded
/// (`SpanGuard::context`, `MAX_LEFT_BEHIND`).
fn guard_out_of_reach(cell: &Cell) {
    let name = cell.name("returned by a job");
    let mut returned = None;
    let job = baton::copy_context_to_thread(|| {
        let guard = baton::span(name.clone()).enter();
        let recording = guard.is_recording();
        (guard, recording)
    });
    let leak = reported(|| returned = Some(job()));
    assert_eq!(misuse(leak), 1, "the leak reported");
    let (guard, recording) = returned.unwrap();
    let sc = guard.span_context().clone();
    let model = cell.model.started(cell, &name, &sc, recording);
    check_current(&cell.model, "after the job");
    assert!(!guard.is_recording(), "ended with the job");
    assert_eq!(ids(guard.context().span_context()), ids(model.sc.as_ref()));
    assert_eq!(guard.name(), name, "the guard's name");
    let own = guard
        .context()
        .span()
        .expect("the guard's span in its context");
    assert_eq!((own.name(), own.span_context()), (name.clone(), &sc));
    assert_eq!(guard.context().remote_decision(), model.decision);
    let changes = || {
        touch_with!(guard, cell.name("renamed out of reach"));
        guard.end();
    };
    assert_late_changes_reported(recording, 1, changes, "changes reported");
    let late_drop = reported(|| drop(guard));
    assert_eq!(misuse(late_drop), 1, "the drop reported");
    check_current(&cell.model, "after the guard dropped");
}

/// How many of `reports` are guards dropped out of order.
fn misuse(reports: Vec<DiagnosticKind>) -> usize {
    reports
        .into_iter()
        .filter(|k| *k == DiagnosticKind::GuardDroppedOutOfOrder)
        .count()
}

/// Invariant 5: the log correlation ids are the current span context's;
/// baggage and session read the current context.
fn log_correlation(cell: &Cell) {
    let cx = Context::current();
    let sc = valid(cx.span_context());
    assert_eq!(ids(sc), ids(cell.model.sc.as_ref()));
    assert_eq!(baton::current_trace_id(), sc.map(SpanContext::trace_id));
    assert_eq!(baton::current_span_id(), sc.map(SpanContext::span_id));
    let log = baton::log_ids();
    assert_eq!(log.trace_id(), sc.map(SpanContext::trace_id));
    assert_eq!(log.span_id(), sc.map(SpanContext::span_id));
    assert_eq!(log.trace_flags(), sc.map(SpanContext::flags));
    assert_eq!(log.is_empty(), sc.is_none());
    assert_eq!(log.is_sampled(), sc.is_some_and(SpanContext::is_sampled));
    let line = match sc {
        Some(sc) => format!(
            "trace_id={} span_id={} trace_flags={:02x}",
            sc.trace_id(),
            sc.span_id(),
            sc.flags().bits()
        ),
        None => String::new(),
    };
    assert_eq!(log.to_string(), line);
    assert_eq!(
        baton::baggage(BAGGAGE_KEY).as_deref(),
        cx.baggage().get(BAGGAGE_KEY)
    );
    assert_eq!(
        baton::baggage(BAGGAGE_KEY).as_deref(),
        cell.model.baggage_value(BAGGAGE_KEY)
    );
    let session = baton::current_session();
    assert_eq!(session, cx.session());
    assert_eq!(session.as_ref().map(|s| s.id()), cell.model.session());
}

//! The public API as DESIGN.md's "Public API (the contract)" writes it:
//! code outside the crate (examples, users' services, conformance
//! harnesses) is written against those lines, so each is used here in
//! exactly that form and its documented behaviour asserted. A renamed
//! function, a changed signature or a changed meaning fails here first.
//!
//! The pipeline is global, so each test installs its own under one lock
//! and drops it at the end.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use baton::propagation::{
    Composite, EnvCarrier, Extractor, Injector, Jaeger, Propagator, TraceContext, W3cBaggage, B3,
};
use baton::{
    Context, DiagnosticKind, FutureExt, InMemoryExporter, SpanData, SpanKind, SpanType, Status,
    TraceFlags, Value,
};

const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// One pipeline at a time, whichever test runs.
fn pipeline() -> (
    MutexGuard<'static, ()>,
    baton::PipelineGuard,
    InMemoryExporter,
) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let lock = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let spans = InMemoryExporter::default();
    let guard = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
    (lock, guard, spans)
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name:?} among {spans:?}"))
}

fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut TaskContext::from_waker(Waker::noop())) {
            return v;
        }
    }
}

// spans

#[test]
fn an_entered_span_is_current_until_its_guard_drops_and_ends_then() {
    let (_lock, _pipeline, spans) = pipeline();
    let url = "https://example.com/a";
    {
        let _g = baton::span("fetch")
            .kind(SpanKind::Client)
            .span_type(SpanType::Retrieval)
            .attr("url", url)
            .enter();
        assert_eq!(baton::current_span().unwrap().name(), "fetch");
        assert!(spans.finished_spans().is_empty(), "not ended while entered");
    }
    assert!(baton::current_span().is_none());
    let finished = spans.finished_spans();
    let fetch = named(&finished, "fetch");
    assert_eq!(fetch.kind, SpanKind::Client);
    assert_eq!(fetch.span_type, Some(SpanType::Retrieval));
    assert_eq!(fetch.attribute("url"), Some(&Value::from(url)));
}

#[test]
fn a_started_span_is_not_current_and_ends_on_end_or_drop() {
    let (_lock, _pipeline, spans) = pipeline();
    let span = baton::span("job").start();
    assert!(baton::current_span().is_none(), "started, not current");
    assert!(spans.finished_spans().is_empty());
    span.end();
    assert_eq!(spans.take().len(), 1);
    drop(span);
    assert!(spans.take().is_empty(), "an ended span ends once");

    drop(baton::span("dropped").start());
    assert_eq!(spans.take()[0].name, "dropped");
}

#[test]
fn in_span_runs_the_closure_inside_the_span() {
    let (_lock, _pipeline, spans) = pipeline();
    let work = || baton::current_span().map(|s| s.name());
    assert_eq!(baton::in_span("step", work).as_deref(), Some("step"));
    assert_eq!(spans.finished_spans()[0].name, "step");
}

#[test]
fn current_span_reads_ids_and_records() {
    let (_lock, _pipeline, spans) = pipeline();
    let outer = baton::span("outer").enter();
    let _inner = baton::span("inner").enter();
    let span = baton::current_span().unwrap();
    assert_eq!(span.name(), "inner");
    assert_eq!(span.trace_id(), outer.trace_id());
    assert_eq!(span.parent_span_id(), Some(outer.span_id()));
    assert_ne!(span.span_id(), outer.span_id());
    assert_eq!(baton::current_trace_id(), Some(outer.trace_id()));
    assert_eq!(baton::current_span_id(), Some(span.span_id()));
    span.set_attribute("rows", 3);
    span.add_event("cache miss", vec![baton::KeyValue::new("key", "k1")]);
    span.set_status(Status::Error {
        description: "timed out".into(),
    });
    drop(_inner);
    drop(outer);
    let finished = spans.finished_spans();
    let inner = named(&finished, "inner");
    assert_eq!(inner.attribute("rows"), Some(&Value::I64(3)));
    assert_eq!(inner.events[0].name, "cache miss");
    assert_eq!(
        inner.status,
        Status::Error {
            description: "timed out".into()
        }
    );
    assert_eq!(baton::current_trace_id(), None);
    assert_eq!(baton::current_span_id(), None);
}

#[test]
fn log_ids_display_the_current_ids_and_nothing_outside_a_span() {
    let (_lock, _pipeline, _spans) = pipeline();
    assert_eq!(baton::log_ids().to_string(), "");
    let g = baton::span("logged").enter();
    assert_eq!(
        baton::log_ids().to_string(),
        format!(
            "trace_id={} span_id={} trace_flags={:02x}",
            g.trace_id(),
            g.span_id(),
            g.span_context().flags().bits()
        )
    );
}

#[test]
fn a_new_root_has_nonzero_lowercase_hex_ids_and_the_random_flag() {
    let (_lock, _pipeline, _spans) = pipeline();
    let g = baton::span("root").enter();
    let sc = g.span_context();
    let (trace, span) = (sc.trace_id().to_string(), sc.span_id().to_string());
    for (hex, len) in [(&trace, 32), (&span, 16)] {
        assert_eq!(hex.len(), len);
        assert!(hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert!(hex.bytes().any(|b| b != b'0'));
    }
    assert!(sc.flags().is_sampled() && sc.flags().is_random());
}

#[test]
fn an_unsampled_span_still_gets_ids_and_propagates() {
    let _lock = pipeline().0;
    // Not through `pipeline()`: this one samples nothing.
    let _pipeline = baton::init(
        baton::Config::new()
            .exporter(InMemoryExporter::default())
            .sampler(baton::sampling::AlwaysOff),
    )
    .unwrap();
    let g = baton::span("unsampled").enter();
    assert!(!g.is_recording() && g.span_context().is_valid());
    let mut out = HashMap::new();
    baton::inject_context(&mut out);
    assert_eq!(
        out["traceparent"],
        format!("00-{}-{}-02", g.trace_id(), g.span_id())
    );
}

// context

#[test]
fn a_snapshot_never_sees_later_changes_and_attach_restores() {
    let (_lock, _pipeline, _spans) = pipeline();
    let cx = baton::Context::current();
    let _b = baton::set_baggage("k", "later");
    assert_eq!(cx.baggage().get("k"), None, "the snapshot is immutable");
    {
        let _g = cx.attach();
        assert_eq!(baton::baggage("k"), None);
    }
    assert_eq!(baton::baggage("k").as_deref(), Some("later"));
}

#[test]
fn new_trace_context_makes_the_next_span_a_root() {
    let (_lock, _pipeline, _spans) = pipeline();
    let outer = baton::span("outer").enter();
    let _b = baton::set_baggage("k", "v");
    let _s = baton::session("s-1");
    let _g = baton::new_trace_context();
    assert!(baton::Context::current().is_empty());
    let inner = baton::span("inner").enter();
    assert_eq!(inner.parent_span_id(), None);
    assert_ne!(inner.trace_id(), outer.trace_id());
    assert_eq!(baton::baggage("k"), None);
    assert!(baton::current_session().is_none());
}

// baggage and sessions

#[test]
fn baggage_is_scoped_and_reaches_what_starts_in_the_scope() {
    let (_lock, _pipeline, _spans) = pipeline();
    {
        let _g = baton::set_baggage("user_id", "u1");
        assert_eq!(baton::baggage("user_id").as_deref(), Some("u1"));
        let mut out = HashMap::new();
        baton::inject_context(&mut out);
        assert_eq!(out["baggage"], "user_id=u1");
        let job = baton::copy_context_to_thread(|| baton::baggage("user_id"));
        assert_eq!(
            std::thread::spawn(job).join().unwrap().as_deref(),
            Some("u1")
        );
    }
    assert_eq!(baton::baggage("user_id"), None, "it ends with the scope");
    let _g = baton::Context::current()
        .with_baggage("user_id", "u2")
        .attach();
    assert_eq!(baton::baggage("user_id").as_deref(), Some("u2"));
}

#[test]
fn a_session_is_baggage_and_a_span_attribute() {
    let (_lock, _pipeline, spans) = pipeline();
    {
        let _g = baton::session("user-session-123");
        assert_eq!(
            baton::current_session()
                .map(|s| s.id().to_owned())
                .as_deref(),
            Some("user-session-123")
        );
        assert_eq!(
            baton::baggage("session.id").as_deref(),
            Some("user-session-123")
        );
        baton::in_span("in session", || {});
    }
    assert!(baton::current_session().is_none());
    assert_eq!(
        spans.finished_spans()[0].attribute("session.id"),
        Some(&Value::from("user-session-123"))
    );
}

// threads and pools

#[test]
fn copy_context_to_thread_captures_now_and_restores_the_workers_own() {
    let (_lock, _pipeline, _spans) = pipeline();
    let request = baton::span("request").enter();
    let job = baton::copy_context_to_thread(|| (baton::current_trace_id(), baton::baggage("k")));
    let _later = baton::set_baggage("k", "set after the capture");
    let worker = std::thread::spawn(move || {
        let _own = baton::set_baggage("worker", "own");
        let seen = job();
        (seen, baton::baggage("worker"), baton::current_trace_id())
    });
    let ((trace, baggage), own, after) = worker.join().unwrap();
    assert_eq!(trace, Some(request.trace_id()));
    assert_eq!(baggage, None, "captured when wrapped, not when run");
    assert_eq!(own.as_deref(), Some("own"), "the worker's context is back");
    assert_eq!(after, None);
}

#[test]
fn thread_spawn_starts_inside_the_current_context() {
    let (_lock, _pipeline, _spans) = pipeline();
    let g = baton::span("parent").enter();
    let seen = baton::thread::spawn(|| baton::current_span().map(|s| s.span_id()))
        .join()
        .unwrap();
    assert_eq!(seen, Some(g.span_id()));
}

// futures

#[test]
fn futures_carry_their_context_and_span() {
    let (_lock, _pipeline, spans) = pipeline();
    let _b = baton::set_baggage("k", "v");
    let current = async { baton::baggage("k") }.in_current_context();
    let given = async { baton::baggage("k") }.in_context(Context::default());
    let in_span = async { baton::current_span().map(|s| s.name()) }.in_span(baton::span("name"));
    drop(_b);
    assert_eq!(block_on(current).as_deref(), Some("v"));
    assert_eq!(block_on(given), None);
    assert_eq!(block_on(in_span).as_deref(), Some("name"));
    assert_eq!(spans.finished_spans()[0].name, "name");
    assert_eq!(baton::baggage("k"), None, "nothing leaks after a poll");
}

// propagation

#[test]
fn inject_extract_and_propagated_context_use_the_default_propagators() {
    let (_lock, _pipeline, _spans) = pipeline();
    let incoming = headers(&[("traceparent", PARENT), ("baggage", "k=v")]);
    let cx = baton::extract_context(&incoming);
    let sc = cx.span_context().unwrap();
    assert!(sc.is_remote());
    assert_eq!(cx.baggage().get("k"), Some("v"));
    {
        let _g = baton::propagated_context(&incoming);
        assert_eq!(
            baton::current_trace_id().unwrap().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let mut out = HashMap::new();
        baton::inject_context(&mut out);
        assert_eq!(out["traceparent"], PARENT);
        assert_eq!(out["baggage"], "k=v");
    }
    assert_eq!(baton::current_trace_id(), None);
}

#[test]
fn extract_never_fails_an_invalid_header_is_left_out() {
    let (_lock, _pipeline, _spans) = pipeline();
    let before = baton::diagnostic_count(DiagnosticKind::InvalidHeader);
    let cx = baton::extract_context(&headers(&[
        ("traceparent", "00-not-a-trace-01"),
        ("baggage", "k=v"),
    ]));
    assert!(cx.span_context().is_none());
    assert_eq!(cx.baggage().get("k"), Some("v"), "the valid part is kept");
    assert!(baton::diagnostic_count(DiagnosticKind::InvalidHeader) > before);
}

// setup and export

#[test]
fn init_from_env_flushes_and_shuts_down_on_drop() -> Result<(), Box<dyn std::error::Error>> {
    let _lock = pipeline().0;
    let spans = InMemoryExporter::default();
    {
        let _pipeline = baton::init(baton::Config::from_env()?.batch_exporter(spans.clone()))?;
        baton::in_span("queued", || {});
    }
    assert_eq!(spans.finished_spans()[0].name, "queued", "flushed on drop");
    // Shut down: another pipeline may be installed.
    drop(baton::init(baton::Config::new())?);
    Ok(())
}

// reading a context

#[test]
fn an_empty_context_has_no_span_baggage_or_session() {
    let cx = baton::Context::default();
    assert!(cx.span_context().is_none());
    assert!(cx.baggage().is_empty());
    assert!(cx.session().is_none());
}

#[test]
fn a_span_context_reads_as_the_design_lists() {
    let cx = TraceContext.extract(
        &Context::default(),
        &headers(&[
            (
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0b",
            ),
            ("tracestate", "a=1,b=2"),
        ]),
    );
    let sc = cx.span_context().unwrap();
    assert_eq!(
        sc.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(sc.span_id().to_string(), "00f067aa0ba902b7");
    assert!(sc.is_remote());
    let flags: TraceFlags = sc.flags();
    assert!(flags.is_sampled() && flags.is_random());
    assert_eq!(flags.bits(), 0x0b, "kept bit for bit");
    let mut out = HashMap::new();
    TraceContext.inject(&cx, &mut out);
    assert!(out["traceparent"].ends_with("-0b"), "and sent on so");
    assert!(!sc.is_debug() && !sc.is_deferred());
    assert_eq!(sc.parent_span_id(), None, "traceparent carries none");
    let members: Vec<(&str, &str)> = sc.trace_state().iter().collect();
    assert_eq!(members, [("a", "1"), ("b", "2")]);
    assert_eq!(sc.trace_state().get("b"), Some("2"));
}

#[test]
fn b3_and_jaeger_carry_debug_deferred_and_the_parents_parent() {
    let b3 = B3::single().extract(
        &Context::default(),
        &headers(&[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-d")]),
    );
    assert!(b3.span_context().unwrap().is_debug());
    let deferred = B3::single().extract(
        &Context::default(),
        &headers(&[("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]),
    );
    assert!(deferred.span_context().unwrap().is_deferred());
    let multi = B3::multi().extract(
        &Context::default(),
        &headers(&[
            ("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736"),
            ("x-b3-spanid", "00f067aa0ba902b7"),
            ("x-b3-parentspanid", "b7ad6b7169203331"),
            ("x-b3-sampled", "1"),
        ]),
    );
    assert_eq!(
        multi
            .span_context()
            .unwrap()
            .parent_span_id()
            .map(|p| p.to_string()),
        Some("b7ad6b7169203331".into())
    );
    let jaeger = Jaeger.extract(
        &Context::default(),
        &headers(&[(
            "uber-trace-id",
            "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:b7ad6b7169203331:1",
        )]),
    );
    assert_eq!(
        jaeger
            .span_context()
            .unwrap()
            .parent_span_id()
            .map(|p| p.to_string()),
        Some("b7ad6b7169203331".into())
    );
}

#[test]
fn baggage_iterates_key_value_and_properties_in_order() {
    let cx = W3cBaggage.extract(
        &Context::default(),
        &headers(&[("baggage", "b=2;ttl=60, a=1")]),
    );
    let entries: Vec<(&str, &str, &str)> = cx.baggage().iter().collect();
    assert_eq!(entries, [("b", "2", "ttl=60"), ("a", "1", "")]);
    assert_eq!(cx.baggage().get("a"), Some("1"));
}

// the Propagator trait and the built-in propagators

/// A propagator written outside the crate against the trait as designed.
struct Tenant;

impl Propagator for Tenant {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        if let Some(t) = cx.baggage().get("tenant") {
            carrier.set("x-tenant", t.to_owned());
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        match carrier.get("x-tenant") {
            Some(t) => cx.with_baggage("tenant", &t),
            None => cx.clone(),
        }
    }

    fn fields(&self) -> &[&str] {
        &["x-tenant"]
    }
}

#[test]
fn the_propagator_trait_takes_a_propagator_written_outside_the_crate() {
    let all: Vec<Box<dyn Propagator>> = vec![
        Box::new(TraceContext),
        Box::new(W3cBaggage),
        Box::new(B3::single()),
        Box::new(B3::multi()),
        Box::new(Jaeger),
        Box::new(Tenant),
    ];
    let composite = Composite::new(all);
    // No `x-b3-parentspanid`: B3 never sends the parent's parent.
    assert_eq!(
        composite.fields(),
        [
            "traceparent",
            "tracestate",
            "baggage",
            "b3",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-sampled",
            "x-b3-flags",
            "uber-trace-id",
            "x-tenant",
        ]
    );
    let given = Context::default().with_baggage("k", "v");
    let cx = composite.extract(&given, &headers(&[("X-Tenant", "acme")]));
    assert_eq!(cx.baggage().get("k"), Some("v"), "extract adds to cx");
    assert_eq!(cx.baggage().get("tenant"), Some("acme"));
    let mut out = HashMap::new();
    Tenant.inject(&cx, &mut out);
    assert_eq!(out["x-tenant"], "acme");
}

#[test]
fn composite_from_env_returns_the_propagation_config_error() {
    // The type only: the process environment is not this test's to set.
    let _: fn() -> Result<Composite, baton::propagation::ConfigError> = Composite::from_env;
    for name in [
        "tracecontext",
        "baggage",
        "b3",
        "b3multi",
        "jaeger",
        "none",
        "session",
    ] {
        let c = Composite::from_lookup(|k| (k == "OTEL_PROPAGATORS").then(|| name.into()));
        assert!(c.is_ok(), "{name}: {c:?}");
    }
    let unknown = Composite::from_lookup(|k| (k == "OTEL_PROPAGATORS").then(|| "xray".into()));
    assert!(unknown.is_err());
    let session = Composite::from_list("tracecontext,baggage,session").unwrap();
    assert_eq!(
        session.fields(),
        ["traceparent", "tracestate", "baggage", "baton-session-id"]
    );
}

// carriers

#[test]
fn every_carrier_the_design_names_round_trips() {
    let cx = TraceContext.extract(&Context::default(), &headers(&[("traceparent", PARENT)]));
    let cx = cx.with_baggage("k", "v");
    let both = Composite::new(vec![Box::new(TraceContext), Box::new(W3cBaggage)]);
    fn round_trip<C: Injector + Extractor + Default>(both: &Composite, cx: &Context) -> Context {
        let mut carrier = C::default();
        both.inject(cx, &mut carrier);
        both.extract(&Context::default(), &carrier)
    }
    for back in [
        round_trip::<HashMap<String, String>>(&both, &cx),
        round_trip::<BTreeMap<String, String>>(&both, &cx),
        round_trip::<Vec<(String, String)>>(&both, &cx),
        round_trip::<EnvCarrier>(&both, &cx),
    ] {
        assert_eq!(
            back.span_context().unwrap().span_id(),
            cx.span_context().unwrap().span_id()
        );
        assert_eq!(back.baggage().get("k"), Some("v"));
    }
    let mut env = EnvCarrier::default();
    let cx = cx.with_span_context(
        cx.span_context()
            .unwrap()
            .clone()
            .with_trace_state(baton::TraceState::EMPTY.insert("a", "1").unwrap()),
    );
    both.inject(&cx, &mut env);
    let names: Vec<&str> = env.vars().map(|(k, _)| k).collect();
    assert_eq!(names, ["TRACEPARENT", "TRACESTATE", "BAGGAGE"]);
}

#[test]
fn names_are_case_insensitive_on_extract_and_lowercase_on_inject() {
    let cx = TraceContext.extract(&Context::default(), &headers(&[("TraceParent", PARENT)]));
    assert!(cx.span_context().is_some());
    let mut out: Vec<(String, String)> = Vec::new();
    TraceContext.inject(&cx, &mut out);
    assert_eq!(out, [("traceparent".to_string(), PARENT.to_string())]);
}

#[test]
fn a_repeated_field_is_read_in_full() {
    let lines = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let two_parents = lines(&[
        ("traceparent", PARENT),
        (
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ),
    ]);
    assert!(TraceContext
        .extract(&Context::default(), &two_parents)
        .span_context()
        .is_none());
    let states = lines(&[
        ("traceparent", PARENT),
        ("tracestate", "a=1"),
        ("Tracestate", "b=2"),
    ]);
    let cx = TraceContext.extract(&Context::default(), &states);
    assert_eq!(cx.span_context().unwrap().trace_state().as_str(), "a=1,b=2");
    let baggage = lines(&[("baggage", "a=1"), ("BAGGAGE", "b=2")]);
    let cx = W3cBaggage.extract(&Context::default(), &baggage);
    let keys: Vec<&str> = cx.baggage().iter().map(|(k, _, _)| k).collect();
    assert_eq!(keys, ["a", "b"]);
}

// the strict wire functions

#[test]
fn each_format_has_a_strict_parser_with_a_precise_error() {
    use baton::wire::{b3_single, baggage, traceparent, tracestate, uber_trace_id, Field};
    let bad_trace = "4bf92f3577b34da6a3ce929d0e0e473X";
    let errors = [
        traceparent::parse(&format!("00-{bad_trace}-00f067aa0ba902b7-01")).unwrap_err(),
        b3_single::parse_single(&format!("{bad_trace}-00f067aa0ba902b7")).unwrap_err(),
        uber_trace_id::parse(&format!("{bad_trace}:1:0:1")).unwrap_err(),
    ];
    let at: Vec<_> = errors.iter().map(|e| (e.field(), e.offset())).collect();
    assert_eq!(
        at,
        [
            (Field::TraceparentTraceId, 34),
            (Field::B3TraceId, 31),
            (Field::JaegerTraceId, 31)
        ]
    );
    assert!(tracestate::parse("a=1,=2").is_err());
    assert!(baggage::parse("=v").is_err());
}

// limits

#[test]
fn the_limits_are_the_designs() {
    use baton::export::{
        DEFAULT_EXPORT_TIMEOUT, DEFAULT_MAX_EXPORT_BATCH_SIZE, DEFAULT_MAX_QUEUE_SIZE,
        DEFAULT_SCHEDULE_DELAY, MAX_RESPONSE_BODY,
    };
    use baton::{Baggage, SpanLimits, TraceState};
    assert_eq!(
        (
            TraceState::MAX_MEMBERS,
            TraceState::MAX_KEY_LEN,
            TraceState::MAX_VALUE_LEN
        ),
        (32, 256, 256)
    );
    assert_eq!((Baggage::MAX_MEMBERS, Baggage::MAX_BYTES), (64, 8192));
    assert_eq!(baton::wire::b3_single::MAX_SINGLE_LEN, 68);
    let limits = SpanLimits::default();
    assert_eq!(
        (limits.max_attributes, limits.max_events, limits.max_links),
        (128, 128, 128)
    );
    assert_eq!(
        (DEFAULT_MAX_QUEUE_SIZE, DEFAULT_MAX_EXPORT_BATCH_SIZE),
        (2048, 512)
    );
    assert_eq!(DEFAULT_SCHEDULE_DELAY, Duration::from_secs(5));
    assert_eq!(DEFAULT_EXPORT_TIMEOUT, Duration::from_secs(30));
    assert_eq!(MAX_RESPONSE_BODY, 4 << 20);
}

// diagnostics

#[test]
fn guards_dropped_out_of_order_keep_the_stack_consistent_and_are_counted() {
    let before = baton::diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder);
    let a = baton::set_baggage("k", "a");
    let b = baton::set_baggage("k", "b");
    drop(a);
    assert_eq!(
        baton::baggage("k").as_deref(),
        Some("b"),
        "the top live frame"
    );
    drop(b);
    assert_eq!(baton::baggage("k"), None);
    assert!(baton::diagnostic_count(DiagnosticKind::GuardDroppedOutOfOrder) > before);
}

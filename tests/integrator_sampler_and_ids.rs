//! A vendor's sampler and id generator plugged into baton, as an
//! integrator writes them from `sampling.rs`'s and `id_generator.rs`'s
//! docs: what the sampler is given for spans started every way a framework
//! starts them (a request extracted from headers, a future's span, a
//! library's tracer, an explicit parent), and what it may return.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context as TaskContext, Poll, Waker};

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{
    Context, FutureExt, IdGenerator, InMemoryExporter, KeyValue, SpanContext, SpanId, SpanKind,
    TraceFlags, TraceId, TraceState,
};

fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A pipeline with the vendor's sampler and an in-memory exporter.
fn install_vendor() -> (Vendor, InMemoryExporter, baton::PipelineGuard) {
    let sampler = Vendor::default();
    let spans = InMemoryExporter::default();
    let config = baton::Config::new()
        .sampler(sampler.clone())
        .exporter(spans.clone());
    (sampler, spans, baton::init(config).unwrap())
}

/// What one `should_sample` call was given, owned.
#[derive(Clone, Debug)]
struct Seen {
    name: String,
    kind: SpanKind,
    trace_id: TraceId,
    parent: Option<(SpanId, bool, bool)>,
    attributes: Vec<String>,
    links: usize,
    baggage: Vec<String>,
}

/// Records what it is given. Decides by the `decision` attribute
/// (`drop`, `record`, else sampled), adds `sampler=vendor` and
/// `k=from-sampler`, and writes `vendor=seen` into the tracestate.
#[derive(Clone, Default)]
struct Vendor(Arc<Mutex<Vec<Seen>>>);

impl Vendor {
    fn seen(&self, name: &str) -> Seen {
        let seen = self.0.lock().unwrap();
        let found: Vec<&Seen> = seen.iter().filter(|s| s.name == name).collect();
        assert_eq!(found.len(), 1, "{name}: {seen:?}");
        found[0].clone()
    }
}

impl Sampler for Vendor {
    fn should_sample(&self, p: &SamplingParams<'_>) -> SamplingResult {
        self.0.lock().unwrap().push(Seen {
            name: p.name.to_owned(),
            kind: p.kind,
            trace_id: p.trace_id,
            parent: p
                .parent
                .map(|sc| (sc.span_id(), sc.is_remote(), sc.is_sampled())),
            attributes: p
                .attributes
                .iter()
                .map(|kv| format!("{}={}", kv.key, kv.value))
                .collect(),
            links: p.links.len(),
            baggage: p
                .baggage
                .iter()
                .map(|(k, v, _)| format!("{k}={v}"))
                .collect(),
        });
        let decision = match p.attribute("decision").map(|v| v.to_string()).as_deref() {
            Some("drop") => SamplingDecision::Drop,
            Some("record") => SamplingDecision::RecordOnly,
            _ => SamplingDecision::RecordAndSample,
        };
        let parent_state = p.parent.map_or(&TraceState::EMPTY, |sc| sc.trace_state());
        SamplingResult::from(decision)
            .with_attribute(KeyValue::new("sampler", "vendor"))
            .with_attribute(KeyValue::new("k", "from-sampler"))
            .with_trace_state(parent_state.insert("vendor", "seen").unwrap())
    }

    fn description(&self) -> String {
        "Vendor".into()
    }
}

fn poll_once<F: Future>(f: F) -> Poll<F::Output> {
    let mut f = std::pin::pin!(f);
    f.as_mut().poll(&mut TaskContext::from_waker(Waker::noop()))
}

/// A request continued from headers, its handler's future with a span, a
/// library's tracer span and a span given an explicit parent context: the
/// sampler sees each one's name, kind, attributes in order, links, parent
/// (remote or local) and that parent context's baggage, and the trace id
/// the span gets.
#[test]
fn the_sampler_sees_each_span_as_a_framework_starts_it() {
    let _serial = serial();
    let (sampler, spans, pipeline) = install_vendor();

    let headers = HashMap::from([
        (
            "traceparent".to_string(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
        ),
        ("baggage".to_string(), "tenant=acme".to_string()),
    ]);
    let remote = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    let trace = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
    let linked = SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::from_bits(1),
    );
    let other = Context::default().with_baggage("queue", "jobs");
    {
        let _incoming = baton::propagated_context(&headers);
        let server = baton::span("GET /orders")
            .kind(SpanKind::Server)
            .attr("http.route", "/orders")
            .attr("http.method", "GET")
            .link(linked.clone(), vec![KeyValue::new("why", "batch")])
            .enter();
        let server_id = server.context().span_context().unwrap().span_id();
        let handler = async { baton::in_span("db", || {}) }.in_span(
            baton::span("handler")
                .kind(SpanKind::Internal)
                .attr("step", 1i64),
        );
        assert!(poll_once(handler).is_ready());
        baton::tracer("orm").build().in_span("query", || {});
        drop(
            baton::span("consume")
                .kind(SpanKind::Consumer)
                .parent(&other)
                .start(),
        );
        drop(server);

        let s = sampler.seen("GET /orders");
        assert_eq!(s.kind, SpanKind::Server);
        assert_eq!(s.trace_id, trace);
        assert_eq!(s.parent, Some((remote, true, true)));
        assert_eq!(s.attributes, ["http.route=/orders", "http.method=GET"]);
        assert_eq!(s.links, 1);
        assert_eq!(s.baggage, ["tenant=acme"]);
        for child in ["handler", "db", "query"] {
            let s = sampler.seen(child);
            assert_eq!(s.parent.map(|p| p.1), Some(false), "{child}");
            assert_eq!(s.trace_id, trace, "{child}");
            assert_eq!(s.baggage, ["tenant=acme"], "{child}");
        }
        assert_eq!(sampler.seen("handler").parent.unwrap().0, server_id);
        assert_eq!(sampler.seen("handler").attributes, ["step=1"]);
        let consume = sampler.seen("consume");
        assert_eq!((consume.kind, consume.parent), (SpanKind::Consumer, None));
        assert_eq!(consume.baggage, ["queue=jobs"]);
        assert_ne!(consume.trace_id, trace);
    }
    pipeline
        .shutdown(std::time::Duration::from_secs(5))
        .unwrap();
    let finished = spans.take();
    assert_eq!(finished.len(), 5);
    let consume = finished.iter().find(|s| s.name == "consume").unwrap();
    assert_eq!(consume.trace_id(), sampler.seen("consume").trace_id);
}

/// The sampler's attributes are "set before the builder's own": a key
/// both give records the builder's value, and the sampler's come first.
/// Its tracestate is the span's, also on what an inject sends on.
#[test]
fn sampler_attributes_come_first_and_the_builders_win() {
    let _serial = serial();
    let (_sampler, spans, pipeline) = install_vendor();
    let mut headers = HashMap::new();
    baton::span("op")
        .attr("k", "from-builder")
        .attr("x", 1i64)
        .enter_with(|| {
            baton::inject_context(&mut headers);
        });
    pipeline
        .shutdown(std::time::Duration::from_secs(5))
        .unwrap();
    let op = &spans.take()[0];
    let keys: Vec<&str> = op.attributes.iter().map(|kv| kv.key.as_ref()).collect();
    assert_eq!(keys, ["sampler", "k", "x"]);
    assert_eq!(op.attribute("k").unwrap().to_string(), "from-builder");
    assert_eq!(op.span_context.trace_state().get("vendor"), Some("seen"));
    assert_eq!(headers["tracestate"], "vendor=seen");
}

trait EnterWith {
    fn enter_with(self, f: impl FnOnce());
}

impl EnterWith for baton::SpanBuilder {
    fn enter_with(self, f: impl FnOnce()) {
        let _g = self.enter();
        f();
    }
}

/// A span the sampler drops or only records still carries the
/// `SamplingResult`'s tracestate: the OpenTelemetry `SamplingResult`'s
/// tracestate is "associated with the Span through the new SpanContext"
/// whatever the decision, and baton's doc ("The span's tracestate; `None`
/// keeps the parent's") sets no condition. A dropped span propagates
/// (with the sampled flag clear) and its children are asked again, seeing
/// it as an unsampled local parent.
#[test]
fn dropped_and_record_only_spans_carry_the_samplers_tracestate() {
    let _serial = serial();
    let (sampler, spans, pipeline) = install_vendor();
    let mut dropped_headers = HashMap::new();
    let mut recorded_headers = HashMap::new();
    baton::span("dropped")
        .attr("decision", "drop")
        .enter_with(|| {
            baton::inject_context(&mut dropped_headers);
            baton::in_span("under dropped", || {});
        });
    baton::span("recorded")
        .attr("decision", "record")
        .enter_with(|| {
            assert!(baton::current_span().unwrap().is_recording());
            baton::inject_context(&mut recorded_headers);
        });
    pipeline
        .shutdown(std::time::Duration::from_secs(5))
        .unwrap();
    // Exported: only the sampled child; not the dropped or record-only.
    let names: Vec<String> = spans.take().iter().map(|s| s.name.to_string()).collect();
    assert_eq!(names, ["under dropped"]);
    let under = sampler.seen("under dropped");
    assert_eq!(under.parent.map(|p| (p.1, p.2)), Some((false, false)));
    // Not sampled; random (`02`), as the default generator's ids are.
    assert!(
        dropped_headers["traceparent"].ends_with("-02"),
        "{dropped_headers:?}"
    );
    assert!(
        recorded_headers["traceparent"].ends_with("-02"),
        "{recorded_headers:?}"
    );
    assert_eq!(
        recorded_headers.get("tracestate").map(String::as_str),
        Some("vendor=seen")
    );
    assert_eq!(
        dropped_headers.get("tracestate").map(String::as_str),
        Some("vendor=seen")
    );
}

/// A generator whose span ids repeat (seeded per process from the clock
/// and restarted, say) cannot make an all-zero id (the types forbid it);
/// what it makes is used as given, and the sampler of each span sees the
/// trace id the generator made.
#[test]
fn the_generators_ids_are_what_the_sampler_and_exporter_see() {
    let _serial = serial();
    struct Sequence(AtomicU64);
    impl IdGenerator for Sequence {
        fn new_trace_id(&self) -> TraceId {
            TraceId::from_u128(
                0xabc0_0000_0000_0000_0000_0000_0000_0000
                    | u128::from(self.0.fetch_add(1, Ordering::SeqCst)),
            )
            .unwrap()
        }
        fn new_span_id(&self) -> SpanId {
            SpanId::from_u64(0x5000 + self.0.fetch_add(1, Ordering::SeqCst)).unwrap()
        }
    }
    assert!(TraceId::from_u128(0).is_none() && SpanId::from_u64(0).is_none());
    let sampler = Vendor::default();
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(sampler.clone())
            .id_generator(Sequence(AtomicU64::new(1)))
            .exporter(spans.clone()),
    )
    .unwrap();
    baton::in_span("root", || baton::in_span("child", || {}));
    pipeline
        .shutdown(std::time::Duration::from_secs(5))
        .unwrap();
    let finished = spans.take();
    let root = finished.iter().find(|s| s.name == "root").unwrap();
    let child = finished.iter().find(|s| s.name == "child").unwrap();
    assert_eq!(root.trace_id().to_u128() >> 112, 0xabc0);
    assert_eq!(sampler.seen("root").trace_id, root.trace_id());
    assert_eq!(child.parent_span_id, Some(root.span_id()));
    assert_eq!(root.span_id().to_u64() & !0xfff, 0x5000);
    // Not random: no W3C random flag on the root.
    assert!(!root.span_context.flags().is_random());
}

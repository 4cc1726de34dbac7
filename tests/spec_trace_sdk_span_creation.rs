//! The OpenTelemetry Trace SDK's span creation, sentence by sentence
//! (https://opentelemetry.io/docs/specs/otel/trace/sdk/#sdk-span-creation,
//! #shouldsample, #recording-sampled-reaction-table): what the sampler is
//! given, ids independent of its decision, and which spans reach a
//! processor. (RecordOnly spans reaching no exporter:
//! `exporters_receive_only_sampled_spans.rs`; the sampler's tracestate:
//! `sampler_sets_trace_state.rs`.) Installs the global pipeline once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use baton::export::{ExportError, SpanProcessor};
use baton::propagation::{Propagator, TraceContext};
use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{span, Context, Span, SpanContext, SpanData, SpanId, SpanKind, TraceFlags, TraceId};

/// What the sampler was given, per span name.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    name: String,
    trace_id: TraceId,
    parent: Option<SpanContext>,
    kind: SpanKind,
    attributes: Vec<String>,
    links: Vec<SpanId>,
}

/// Drops spans named `drop…`, records without sampling `record…`, samples
/// the rest; notes what it was given.
struct ByName(Arc<Mutex<Vec<Seen>>>);

impl Sampler for ByName {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        self.0.lock().unwrap().push(Seen {
            name: params.name.to_owned(),
            trace_id: params.trace_id,
            parent: params.parent.cloned(),
            kind: params.kind,
            attributes: params
                .attributes
                .iter()
                .map(|kv| kv.key.to_string())
                .collect(),
            links: params
                .links
                .iter()
                .map(|l| l.span_context.span_id())
                .collect(),
        });
        let decision = if params.name.starts_with("drop") {
            SamplingDecision::Drop
        } else if params.name.starts_with("record") {
            SamplingDecision::RecordOnly
        } else {
            SamplingDecision::RecordAndSample
        };
        decision.into()
    }

    fn description(&self) -> String {
        "ByName".into()
    }
}

/// Notes the names of the spans it is handed at start and end.
#[derive(Clone, Default)]
struct Names {
    started: Arc<Mutex<Vec<String>>>,
    ended: Arc<Mutex<Vec<String>>>,
}

impl SpanProcessor for Names {
    fn on_start(&self, span: &Span, _parent: &Context) {
        self.started.lock().unwrap().push(span.name());
    }
    fn on_end(&self, span: SpanData) {
        self.ended.lock().unwrap().push(span.name.to_string());
    }
    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
fn sdk_span_creation_follows_the_spec() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let names = Names::default();
    let _pipeline = baton::init(
        baton::Config::new()
            .sampler(ByName(seen.clone()))
            .processor(names.clone()),
    )
    .unwrap();
    let seen_for = |name: &str| -> Seen {
        let seen = seen.lock().unwrap();
        let found: Vec<&Seen> = seen.iter().filter(|s| s.name == name).collect();
        assert_eq!(found.len(), 1, "{name}: {seen:?}");
        found[0].clone()
    };

    // "Required arguments: [...] `TraceId` of the `Span` to be created. If
    // the parent `SpanContext` contains a valid `TraceId`, they MUST always
    // match. Name of the `Span` to be created. `SpanKind` of the `Span` to be
    // created. Initial set of `Attributes` of the `Span` to be created.
    // Collection of links that will be associated with the `Span` to be
    // created." (ShouldSample)
    let headers = HashMap::from([(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    )]);
    let remote = TraceContext.extract(&Context::default(), &headers);
    let linked = SpanContext::new(
        TraceId::from_u128(9).unwrap(),
        SpanId::from_u64(9).unwrap(),
        TraceFlags::default(),
    );
    let server = span("server")
        .parent(&remote)
        .kind(SpanKind::Server)
        .attr("http.route", "/a")
        .link(linked.clone(), vec![])
        .enter();
    let s = seen_for("server");
    assert_eq!(s.trace_id, remote.span_context().unwrap().trace_id());
    assert_eq!(s.parent.as_ref(), remote.span_context());
    assert_eq!(s.kind, SpanKind::Server);
    assert!(s.attributes.contains(&"http.route".to_owned()));
    assert_eq!(s.links, [linked.span_id()]);
    let local = span("local child").start();
    assert_eq!(seen_for("local child").trace_id, server.trace_id());

    // "Generate a new span ID for the `Span`, independently of the sampling
    // decision. This is done so other components (such as logs or exception
    // handling) can rely on a unique span ID, even if the `Span` is a
    // non-recording instance." (SDK Span creation, step 3)
    let dropped = span("drop a").start();
    let dropped_too = span("drop b").start();
    assert!(!dropped.is_recording());
    assert!(dropped.span_context().is_valid());
    assert_eq!(dropped.trace_id(), server.trace_id());
    let ids = [
        server.span_id(),
        local.span_id(),
        dropped.span_id(),
        dropped_too.span_id(),
    ];
    for (i, a) in ids.iter().enumerate() {
        assert!(ids[i + 1..].iter().all(|b| a != b), "{ids:?}");
    }
    let dropped_root = span("drop root").root().start();
    assert!(dropped_root.span_context().is_valid());
    assert_ne!(dropped_root.trace_id(), server.trace_id());

    // "`RECORD_ONLY` - `IsRecording` will be `true`, but the `Sampled` flag
    // MUST NOT be set. `RECORD_AND_SAMPLE` - `IsRecording` will be `true`
    // and the `Sampled` flag MUST be set." (ShouldSample)
    let record_only = span("record only").start();
    assert!(record_only.is_recording());
    assert!(!record_only.span_context().is_sampled());
    assert!(server.is_recording() && server.span_context().is_sampled());
    // A span sampled under a RecordOnly parent: the flag follows the decision.
    let sampled_child = span("sampled child").parent(&record_only.context()).start();
    assert!(sampled_child.span_context().is_sampled());

    // "[Span Processor] MUST receive only those spans which have this field
    // [IsRecording] set to `true`." (Sampling); the table's row "false |
    // false | false | false".
    for s in [
        dropped,
        dropped_too,
        dropped_root,
        sampled_child,
        record_only,
        local,
    ] {
        s.end();
    }
    drop(server);
    let started = names.started.lock().unwrap().clone();
    let ended = names.ended.lock().unwrap().clone();
    for list in [&started, &ended] {
        assert!(list.iter().all(|n| !n.starts_with("drop")), "{list:?}");
        for name in ["server", "local child", "record only", "sampled child"] {
            assert!(list.iter().any(|n| n == name), "{name} in {list:?}");
        }
    }
}

//! A child of a local span whose sampling decision baton knows without
//! calling the sampler (the default parent-based one) is entered on a
//! shorter path. It must be the span the general path makes: the same
//! trace, parent, flags, tracestate, debug mark, kind, session attribute
//! and sampling decision. A sampler whose decision is not known (here a
//! delegate that decides the same) is still asked for every child. A span
//! started under a remote context, or as a root, skips the sampler the same
//! way, except where the sampler decides on terms of its own (a debug or
//! deferred parent, a lone sampling hint).
//! Installs the global pipeline, one test at a time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton::propagation::{Propagator, TraceContext, B3};
use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler, SamplingParams, SamplingResult};
use baton::{
    Context, InMemoryExporter, SpanContext, SpanData, SpanId, SpanKind, TraceFlags, TraceId,
};

/// The tests share the global pipeline.
static PIPELINE: Mutex<()> = Mutex::new(());

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Decides as `S`, counting its calls; as a delegate of `ParentBased` it
/// makes the decision unknown to baton in advance.
#[derive(Clone, Default)]
struct Counting<S>(Arc<AtomicUsize>, S);

impl<S: Sampler> Sampler for Counting<S> {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        self.0.fetch_add(1, Ordering::SeqCst);
        self.1.should_sample(params)
    }

    fn description(&self) -> String {
        "Counting".into()
    }
}

/// The spans of: the remote context in `headers`, in session `s-1`, a
/// local `parent` and its `child` (a client span), under `sampler`.
fn spans(
    sampler: impl Sampler,
    propagator: &dyn Propagator,
    headers: &[(&str, &str)],
) -> Vec<SpanData> {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let exporter = InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(sampler)
            .exporter(exporter.clone()),
    )
    .unwrap();
    let carrier: HashMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    {
        let _remote = propagator.extract(&Context::default(), &carrier).attach();
        let _session = baton::session("s-1");
        let _parent = baton::span("parent").enter();
        let child = baton::span("child").kind(SpanKind::Client).enter();
        assert_eq!(baton::current_span_id(), Some(child.span_id()));
    }
    pipeline.shutdown(Duration::MAX).unwrap();
    exporter.finished_spans()
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> Option<&'a SpanData> {
    spans.iter().find(|s| s.name == name)
}

/// The known decision's child and the asked sampler's child agree on
/// everything but their own ids and times; `calls` is how often the
/// delegate is asked.
fn assert_same_child(
    propagator: &dyn Propagator,
    headers: &[(&str, &str)],
    calls: usize,
) -> SpanData {
    let counting = Counting::<AlwaysOn>::default();
    let known = spans(ParentBased::new(AlwaysOn), propagator, headers);
    let asked = spans(
        ParentBased::new(AlwaysOn).local_parent_sampled(counting.clone()),
        propagator,
        headers,
    );
    assert_eq!(counting.0.load(Ordering::SeqCst), calls);
    let [known_child, asked_child] = [&known, &asked].map(|s| named(s, "child").unwrap().clone());
    for (spans, child) in [(&known, &known_child), (&asked, &asked_child)] {
        let parent = named(spans, "parent").unwrap();
        assert_eq!(child.parent_span_id, Some(parent.span_context.span_id()));
        assert_eq!(
            child.span_context.parent_span_id(),
            Some(parent.span_context.span_id())
        );
        assert_ne!(child.span_context.span_id(), parent.span_context.span_id());
    }
    let a = &known_child.span_context;
    let b = &asked_child.span_context;
    assert_eq!(a.trace_id(), TraceId::from_hex(TRACE).unwrap());
    assert_eq!(a.trace_id(), b.trace_id());
    assert_eq!(a.flags(), b.flags());
    assert_eq!(a.trace_state(), b.trace_state());
    assert_eq!(a.is_debug(), b.is_debug());
    assert_eq!(
        (a.is_remote(), a.is_deferred()),
        (b.is_remote(), b.is_deferred())
    );
    assert_eq!(known_child.kind, asked_child.kind);
    assert_eq!(known_child.kind, SpanKind::Client);
    assert_eq!(known_child.parent_is_remote, asked_child.parent_is_remote);
    assert!(!known_child.parent_is_remote);
    assert_eq!(known_child.attributes, asked_child.attributes);
    assert_eq!(known_child.status, asked_child.status);
    known_child
}

#[test]
fn a_child_keeps_the_tracestate_and_records_the_session() {
    let child = assert_same_child(
        &TraceContext,
        &[
            ("traceparent", &format!("00-{TRACE}-00f067aa0ba902b7-01")),
            ("tracestate", "vendor=a,other=b"),
        ],
        1,
    );
    let members: Vec<_> = child.span_context.trace_state().iter().collect();
    assert_eq!(members, [("vendor", "a"), ("other", "b")]);
    assert_eq!(
        child.attribute("session.id").map(ToString::to_string),
        Some("s-1".to_owned())
    );
    assert!(child.span_context.flags().is_sampled());
}

#[test]
fn a_child_of_a_debug_trace_stays_debug() {
    // A debug parent is sampled without asking the delegate.
    let b3 = format!("{TRACE}-00f067aa0ba902b7-d");
    let child = assert_same_child(&B3::single(), &[("b3", &b3)], 0);
    assert!(child.span_context.is_debug());
    assert!(child.span_context.flags().is_sampled());
}

#[test]
fn a_child_of_an_unsampled_span_is_dropped_on_either_path() {
    let traceparent = format!("00-{TRACE}-00f067aa0ba902b7-00");
    let headers = [("traceparent", traceparent.as_str())];
    let counting = Counting::<AlwaysOff>::default();
    let sampler = ParentBased::new(AlwaysOn).local_parent_not_sampled(counting.clone());
    for spans in [
        spans(ParentBased::new(AlwaysOn), &TraceContext, &headers),
        spans(sampler, &TraceContext, &headers),
    ] {
        assert!(spans.is_empty(), "{spans:?}");
    }
    assert_eq!(
        counting.0.load(Ordering::SeqCst),
        1,
        "asked for the child alone"
    );
}

#[test]
fn a_sampler_with_a_delegate_is_asked_for_every_child() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let counting = Counting::<AlwaysOn>::default();
    let exporter = InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(ParentBased::new(AlwaysOn).local_parent_sampled(counting.clone()))
            .exporter(exporter.clone()),
    )
    .unwrap();
    baton::in_span("root", || {
        for _ in 0..3 {
            baton::in_span("child", || baton::in_span("grandchild", || {}));
        }
    });
    pipeline.shutdown(Duration::MAX).unwrap();
    assert_eq!(counting.0.load(Ordering::SeqCst), 6);
    assert_eq!(exporter.finished_spans().len(), 7);
}

/// Whether a span started (not entered) in `cx` records, under `sampler`.
fn records_under(sampler: impl Sampler, cx: &Context) -> bool {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(sampler)
            .exporter(InMemoryExporter::default()),
    )
    .unwrap();
    let _cx = cx.clone().attach();
    let recording = baton::span("span").start().is_recording();
    pipeline.shutdown(Duration::MAX).unwrap();
    recording
}

fn remote(flags: u8) -> SpanContext {
    SpanContext::new(
        TraceId::from_hex(TRACE).unwrap(),
        SpanId::random(),
        TraceFlags::from_bits(flags),
    )
    .with_remote(true)
}

fn b3(value: &str) -> Context {
    let carrier = HashMap::from([("b3".to_owned(), value.to_owned())]);
    B3::single().extract(&Context::default(), &carrier)
}

#[test]
fn remote_parents_and_roots_are_decided_as_the_sampler_decides() {
    let with = |sc: SpanContext| Context::default().with_span_context(sc);
    let on = || ParentBased::new(AlwaysOn);
    let off = || ParentBased::new(AlwaysOff);
    // Known: a remote parent's flag, and the root sampler.
    assert!(records_under(on(), &with(remote(1))));
    assert!(!records_under(on(), &with(remote(0))));
    assert!(records_under(on(), &Context::default()));
    assert!(!records_under(off(), &Context::default()));
    // The sampler's own terms, which no known decision may override.
    let debug = remote(0).with_debug(true);
    assert!(records_under(off(), &with(debug)), "debug forces sampling");
    let deferred = remote(0).with_deferred(true);
    assert!(
        records_under(on(), &with(deferred.clone())),
        "deferred: the root sampler"
    );
    assert!(!records_under(off(), &with(deferred)));
    assert!(!records_under(on(), &b3("0")), "a lone deny hint");
    assert!(
        records_under(on(), &b3(&format!("{TRACE}-00f067aa0ba902b7"))),
        "b3 without a decision"
    );
}

#[test]
fn a_remote_parents_delegate_is_asked_for_every_span() {
    let counting = Counting::<AlwaysOn>::default();
    let sampler = || ParentBased::new(AlwaysOff).remote_parent_not_sampled(counting.clone());
    let cx = Context::default().with_span_context(remote(0));
    assert!(records_under(sampler(), &cx));
    assert!(records_under(sampler(), &cx));
    assert_eq!(counting.0.load(Ordering::SeqCst), 2);
}

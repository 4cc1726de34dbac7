//! A B3 decision received without ids (`b3: d`, `b3: 0`) counts only
//! where the context has no span context: under a parent, local or
//! remote, the parent decides, and a child is a debug span only under a
//! debug parent. Found: the decision stayed in the context beside the
//! span context, when extracted onto the current context inside a local
//! span or by `b3,tracecontext` beside a `traceparent`, and under a
//! sampler whose decision baton does not know in advance every child
//! sampled there was marked debug (B3 inject sent `-d` on, asking every
//! later hop to record the trace whatever its policy), and the sampler
//! was handed the decision (`SamplingParams::remote_decision`), which is
//! for a root span. Beside a remote parent the ignored decision is
//! reported (`tests/lone_decision_beside_a_parent_is_reported.rs`).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use baton::propagation::{Composite, Problem, Propagator, B3};
use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::wire::b3::Sampling;
use baton::{Context, SpanContext};

/// What the sampler was handed for spans with a parent as a decision
/// received without ids.
static SEEN_UNDER_A_PARENT: Mutex<Vec<Option<Sampling>>> = Mutex::new(Vec::new());

/// Samples every span, as a custom sampler baton cannot decide for in
/// advance, and notes what it is handed for a child.
struct SamplesAll;

impl Sampler for SamplesAll {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        if params.parent.is_some() {
            let mut seen = SEEN_UNDER_A_PARENT.lock().unwrap();
            seen.push(params.remote_decision);
        }
        SamplingDecision::RecordAndSample.into()
    }

    fn description(&self) -> String {
        "SamplesAll".into()
    }
}

fn install() {
    static PIPELINE: OnceLock<()> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let config = baton::Config::new()
            .sampler(SamplesAll)
            .exporter(baton::InMemoryExporter::default());
        std::mem::forget(baton::init(config).unwrap());
    });
}

fn carrier(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The `b3` header a child entered under `cx` sends on, and whether the
/// child is a debug span.
fn child_under(cx: Context) -> (String, bool) {
    let _attached = cx.attach();
    let child = baton::span("child").enter();
    let mut out = HashMap::new();
    B3::single().inject(&Context::current(), &mut out);
    (out["b3"].clone(), child.span_context().is_debug())
}

fn sampler_saw_no_decision_under_a_parent() {
    let seen = std::mem::take(&mut *SEEN_UNDER_A_PARENT.lock().unwrap());
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(Option::is_none),
        "the sampler was handed a decision without ids for a child: {seen:?}"
    );
}

static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn a_lone_debug_extracted_inside_a_local_span_leaves_the_span_to_decide() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    install();
    let parent = baton::span("local").enter();
    for lone in ["d", "0"] {
        let cx = B3::single().extract(&Context::current(), &carrier(&[("b3", lone)]));
        assert_eq!(cx.remote_decision(), None, "b3: {lone}");
        assert_eq!(cx.span_context(), Some(parent.span_context()));
        let (sent, debug) = child_under(cx.clone());
        assert!(!debug, "b3: {lone}");
        assert!(sent.ends_with("-1"), "b3: {lone} went on as {sent}");
    }
    sampler_saw_no_decision_under_a_parent();
}

#[test]
fn a_lone_debug_beside_a_traceparent_leaves_the_remote_parent_to_decide() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    install();
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    let headers = carrier(&[("b3", "d"), ("traceparent", traceparent)]);
    let both = Composite::from_list("b3,tracecontext").unwrap();
    let (cx, problems) = both.extract_with_problems(&Context::default(), &headers);
    // Ignored, but not silently.
    assert_eq!(
        problems.iter().copied().collect::<Vec<_>>(),
        [Problem::DecisionBesideParent {
            parent: "traceparent",
            parent_sampled: Some(false),
            ignored: "b3",
            ignored_decision: Sampling::Debug,
        }]
    );
    let remote = cx.span_context().unwrap();
    assert!(remote.is_remote() && !remote.is_sampled());
    assert_eq!(
        cx.remote_decision(),
        None,
        "the traceparent carries the decision"
    );
    let (sent, debug) = child_under(cx.clone());
    assert!(!debug);
    assert!(sent.ends_with("-1"), "went on as {sent}");
    sampler_saw_no_decision_under_a_parent();
}

/// Either order of building the context gives the same: a span context
/// set on a context with a decision without ids replaces the decision,
/// and a decision set on a context with a span context is not taken.
#[test]
fn a_context_holds_a_decision_without_ids_only_without_ids() {
    let remote = SpanContext::new(
        baton::TraceId::from_u128(1).unwrap(),
        baton::SpanId::from_u64(2).unwrap(),
        baton::TraceFlags::default(),
    )
    .with_remote(true);
    let decided = Context::default()
        .with_baggage("k", "v")
        .with_remote_decision(Some(Sampling::Debug));
    let ids_after = decided.with_span_context(remote.clone());
    let ids_first = Context::default()
        .with_baggage("k", "v")
        .with_span_context(remote.clone())
        .with_remote_decision(Some(Sampling::Debug));
    for cx in [ids_after, ids_first] {
        assert_eq!(cx.remote_decision(), None);
        assert_eq!(cx.span_context(), Some(&remote));
        assert_eq!(cx.baggage().get("k"), Some("v"));
    }
    // Without ids again, the context has no decision to fall back on.
    let cleared = decided
        .with_span_context(remote)
        .with_span_context(SpanContext::INVALID);
    assert_eq!(cleared.remote_decision(), None);
    assert_eq!(
        decided.remote_decision(),
        Some(Sampling::Debug),
        "unchanged"
    );
}

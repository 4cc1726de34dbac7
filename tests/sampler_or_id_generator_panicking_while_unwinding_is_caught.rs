//! A span started in a drop while its thread unwinds a panic calls the
//! application's sampler and id generator there, where a second panic
//! escaping the drop aborts the process. Bug: a sampler or generator that
//! panicked then took the process down. Now the panic is caught and
//! reported: the span records nothing for the sampler's, and gets an id
//! of baton's own for the generator's.
//! Outside unwinding, the panic still reaches the code that started the
//! span. Its own process: it installs global pipelines and counts
//! diagnostics.

use std::panic::{catch_unwind, AssertUnwindSafe};

use baton::sampling::{Sampler, SamplingDecision, SamplingParams, SamplingResult};
use baton::{
    diagnostic_count, span, Config, DiagnosticKind, IdGenerator, InMemoryExporter, SpanContext,
    SpanId, TraceId,
};

/// The span every test starts in a drop: the faulty code panics on it.
const IN_DROP: &str = "in drop";

/// Samples every span but [`IN_DROP`], on which it panics.
struct PanicsInDrop;

impl Sampler for PanicsInDrop {
    fn should_sample(&self, params: &SamplingParams<'_>) -> SamplingResult {
        assert_ne!(params.name, IN_DROP, "sampler bug");
        SamplingDecision::RecordAndSample.into()
    }

    fn description(&self) -> String {
        "PanicsInDrop".into()
    }
}

/// Counts up from 1; panics once [`ARMED`] is set.
struct PanicsWhenArmed;

static ARMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl PanicsWhenArmed {
    fn next() -> u64 {
        assert!(
            !ARMED.load(std::sync::atomic::Ordering::SeqCst),
            "generator bug"
        );
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }
}

impl IdGenerator for PanicsWhenArmed {
    fn new_trace_id(&self) -> TraceId {
        TraceId::from_u128(u128::from(Self::next())).unwrap()
    }

    fn new_span_id(&self) -> SpanId {
        SpanId::from_u64(Self::next()).unwrap()
    }
}

/// Starts [`IN_DROP`] when dropped and keeps its context.
struct StartsInDrop<'a>(&'a mut Option<SpanContext>, bool);

impl Drop for StartsInDrop<'_> {
    fn drop(&mut self) {
        if self.1 {
            ARMED.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let guard = span(IN_DROP).enter();
        *self.0 = Some(guard.span_context().clone());
    }
}

/// Panics inside "outer" with a [`StartsInDrop`] on the way; the context
/// of the span it started.
fn span_started_while_unwinding(arm: bool) -> (SpanContext, SpanContext) {
    let mut outer = None;
    let mut in_drop = None;
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        let guard = span("outer").enter();
        outer = Some(guard.span_context().clone());
        let _starts = StartsInDrop(&mut in_drop, arm);
        panic!("the application's panic");
    }));
    ARMED.store(false, std::sync::atomic::Ordering::SeqCst);
    // The application's panic, not the sampler's or the generator's.
    let payload = unwound.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the application's panic")
    );
    assert_eq!(baton::__stack_depth(), 0);
    (outer.unwrap(), in_drop.unwrap())
}

#[test]
fn a_sampler_or_id_generator_panicking_during_unwinding_is_caught_and_reported() {
    std::panic::set_hook(Box::new(|_| {}));

    let spans = InMemoryExporter::default();
    let pipeline =
        baton::init(Config::new().sampler(PanicsInDrop).exporter(spans.clone())).unwrap();
    // Outside unwinding, the sampler's panic reaches the caller.
    assert!(catch_unwind(|| drop(span(IN_DROP).enter())).is_err());
    let before = diagnostic_count(DiagnosticKind::CallbackPanicked);
    let (outer, in_drop) = span_started_while_unwinding(false);
    assert_eq!(
        diagnostic_count(DiagnosticKind::CallbackPanicked) - before,
        1
    );
    // The span is the child of the open one, with an id of its own, and
    // records nothing.
    assert_eq!(in_drop.trace_id(), outer.trace_id());
    assert_ne!(in_drop.span_id(), outer.span_id());
    assert!(in_drop.is_valid());
    assert!(!in_drop.is_sampled());
    let names: Vec<_> = spans.take().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["outer"]);
    drop(pipeline);

    let spans = InMemoryExporter::default();
    let _pipeline = baton::init(
        Config::new()
            .id_generator(PanicsWhenArmed)
            .exporter(spans.clone()),
    )
    .unwrap();
    ARMED.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(catch_unwind(|| drop(span(IN_DROP).enter())).is_err());
    ARMED.store(false, std::sync::atomic::Ordering::SeqCst);
    let before = diagnostic_count(DiagnosticKind::CallbackPanicked);
    let (outer, in_drop) = span_started_while_unwinding(true);
    assert_eq!(
        diagnostic_count(DiagnosticKind::CallbackPanicked) - before,
        1
    );
    // The generator's ids count up from 1; the span's id is baton's own
    // (random: below 100 once in 10^17), and the span records.
    assert!(outer.span_id().to_u64() < 100);
    assert_eq!(in_drop.trace_id(), outer.trace_id());
    assert!(in_drop.span_id().to_u64() >= 100);
    assert!(in_drop.is_sampled());
    let names: Vec<_> = spans.take().into_iter().map(|s| s.name).collect();
    assert_eq!(names, [IN_DROP, "outer"]);
    // A root: its trace id is baton's own too.
    let mut root = None;
    let unwound = catch_unwind(AssertUnwindSafe(|| {
        let _starts = StartsInDrop(&mut root, true);
        panic!("the application's panic");
    }));
    ARMED.store(false, std::sync::atomic::Ordering::SeqCst);
    assert!(unwound.is_err());
    // Each call that panicked is reported: the trace id's and the span id's.
    assert_eq!(
        diagnostic_count(DiagnosticKind::CallbackPanicked) - before,
        3
    );
    let root = root.unwrap();
    assert!(root.trace_id().to_u128() >= 100);
    assert!(root.span_id().to_u64() >= 100);
    let names: Vec<_> = spans.take().into_iter().map(|s| s.name).collect();
    assert_eq!(names, [IN_DROP]);
    // Unarmed, the generator is called again.
    let next = span("after").start();
    assert!(next.span_context().span_id().to_u64() < 100);
}

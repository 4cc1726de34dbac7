//! A span under a parent context is decided without calling the sampler
//! where the decision is known beforehand (a table kept by the pipeline,
//! indexed by the parent's sampled, remote, debug and deferred marks).
//! For every combination of those marks, under samplers whose known
//! decisions differ, the span started, entered and started with an
//! explicit parent is decided exactly as the sampler itself decides; and
//! so is a child entered under a local span entered there.

use baton::export::{BatchConfig, BatchProcessor, SpanExporter};
use baton::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler};
use baton::{Config, Context, SpanContext, SpanData, SpanId, TraceFlags, TraceId};

#[path = "common/child_decision.rs"]
mod child_decision;
use child_decision::child;

struct Discard;

impl SpanExporter for Discard {
    fn export(&mut self, _: &[SpanData]) -> Result<(), baton::export::ExportError> {
        Ok(())
    }
}

fn parent(sampled: bool, remote: bool, debug: bool, deferred: bool) -> SpanContext {
    SpanContext::new(
        TraceId::random(),
        SpanId::random(),
        TraceFlags::default().with_sampled(sampled),
    )
    .with_remote(remote)
    .with_debug(debug)
    .with_deferred(deferred)
}

/// Each way a span takes its parent from a context: (sampled, recording).
fn decided_by_baton(cx: &Context) -> [(bool, bool); 3] {
    let seen = |sc: &SpanContext, recording: bool| (sc.is_sampled(), recording);
    let started = {
        let _g = cx.clone().attach();
        let span = baton::span("started").start();
        seen(span.span_context(), span.is_recording())
    };
    let entered = {
        let _g = cx.clone().attach();
        let _entered = baton::span("entered").enter();
        let span = baton::current_span().expect("the entered span is current");
        seen(span.span_context(), span.is_recording())
    };
    let explicit = {
        let span = baton::span("explicit").parent(cx).start();
        seen(span.span_context(), span.is_recording())
    };
    [started, entered, explicit]
}

type MakeSampler = fn() -> Box<dyn Sampler>;

fn samplers() -> Vec<(&'static str, MakeSampler)> {
    vec![
        ("parentbased_always_off", || {
            Box::new(ParentBased::new(AlwaysOff))
        }),
        ("parentbased_always_on", || {
            Box::new(ParentBased::new(AlwaysOn))
        }),
        ("parentbased inverted", || {
            Box::new(
                ParentBased::new(AlwaysOn)
                    .remote_parent_sampled(AlwaysOff)
                    .remote_parent_not_sampled(AlwaysOn)
                    .local_parent_sampled(AlwaysOff)
                    .local_parent_not_sampled(AlwaysOn),
            )
        }),
        ("always_on", || Box::new(AlwaysOn)),
        ("always_off", || Box::new(AlwaysOff)),
    ]
}

#[test]
fn every_parent_mark_combination_is_decided_as_the_sampler_decides() {
    for (name, make) in samplers() {
        let processor = BatchProcessor::new(Discard, BatchConfig::default());
        let pipeline = baton::init(Config::new().sampler(make()).processor(processor))
            .expect("a pipeline is installed once the last one is dropped");
        let sampler = make();
        for key in 0..16 {
            let [sampled, remote, debug, deferred] = [1, 2, 4, 8].map(|bit| key & bit != 0);
            let parent = parent(sampled, remote, debug, deferred);
            let asked = child(&*sampler, &parent);
            let expected = (asked.is_sampled(), asked.is_recording());
            let cx = Context::default().with_span_context(parent);
            for (way, got) in ["started", "entered", "explicit"]
                .into_iter()
                .zip(decided_by_baton(&cx))
            {
                assert_eq!(
                    got, expected,
                    "{name}, parent sampled={sampled} remote={remote} debug={debug} \
                     deferred={deferred}: {way} span (sampled, recording)"
                );
            }
            // A child entered under a span entered there: its parent is
            // the local span on top of the stack.
            let _g = cx.attach();
            let _middle = baton::span("middle").enter();
            let middle = baton::current_span().expect("the middle span is current");
            let local = middle.span_context().clone();
            let asked = child(&*sampler, &local);
            let _child = baton::span("child").enter();
            let child = baton::current_span().expect("the child is current");
            assert_eq!(
                (child.span_context().is_sampled(), child.is_recording()),
                (asked.is_sampled(), asked.is_recording()),
                "{name}, under a local span whose context is {local:?}"
            );
        }
        drop(pipeline);
    }
}

//! A span begun before `init` under a sampling decision that came without
//! ids (`b3: 0`, `b3: d`) is a no-op that carries that decision on (the
//! OpenTelemetry Trace API in the absence of an SDK passes what a
//! propagator gave "through to any child span and ultimately also
//! `Inject`"). Once a pipeline is installed, a child started inside it is
//! a root for the new pipeline to decide, and the decision it carries is
//! the caller's: a parent-based sampler honours `b3: 0` and makes `b3: d`
//! a debug trace, as it does for the same decision received directly.
//!
//! Found: only a child given the no-op span's context as an explicit
//! parent (`.parent(&span.context())`) was decided with the decision; a
//! child entered or started in it as the current span (`enter`, `start`,
//! `in_span`, `FutureExt::in_span`) was decided as a root with no
//! decision, so the caller's deny was sampled and recorded, and its debug
//! request lost: one parent, two answers. Installs the global pipeline:
//! one test.

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::{Context, FutureExt};
use common::block_on;

mod common;

fn received(b3: &str) -> Context {
    let carrier = HashMap::from([("b3".to_owned(), b3.to_owned())]);
    B3::single().extract(&Context::default(), &carrier)
}

/// (sampled, debug) of each way of starting a child in the current no-op
/// span, and of one given `explicit` as its parent.
fn children(explicit: &Context) -> Vec<(&'static str, bool, bool)> {
    let of = |sc: &baton::SpanContext| (sc.is_sampled(), sc.is_debug());
    let mut seen = Vec::new();
    let entered = baton::span("entered").enter();
    seen.push(("enter", of(entered.span_context())));
    drop(entered);
    let started = baton::span("started").start();
    seen.push(("start", of(started.span_context())));
    drop(started);
    seen.push((
        "in_span",
        baton::in_span("in_span", || {
            of(baton::Context::current().span_context().unwrap())
        }),
    ));
    seen.push((
        "future",
        block_on(
            async { of(baton::Context::current().span_context().unwrap()) }
                .in_span(baton::span("future")),
        ),
    ));
    let explicit = baton::span("explicit").parent(explicit).start();
    seen.push(("explicit", of(explicit.span_context())));
    seen.into_iter().map(|(w, (s, d))| (w, s, d)).collect()
}

#[test]
fn children_after_init_honour_the_decision_their_no_op_parent_carries() {
    // Before init: no-op spans, each carrying its decision on.
    let _deny_cx = received("0").attach();
    let deny = baton::span("denied request").enter();
    let deny_cx = deny.context();
    assert_eq!(deny_cx.remote_decision(), received("0").remote_decision());
    let _debug_cx = received("d").attach();
    let debug = baton::span("debug request").enter();
    let debug_cx = debug.context();
    assert_eq!(debug_cx.remote_decision(), received("d").remote_decision());

    let _pipeline = baton::init(baton::Config::new()).unwrap();

    // Under `b3: d`: sampled, and a debug trace.
    let expected = ["enter", "start", "in_span", "future", "explicit"].map(|w| (w, true, true));
    assert_eq!(children(&debug_cx), expected);
    drop(debug);
    drop(_debug_cx);
    // Under `b3: 0`: not sampled.
    let expected = ["enter", "start", "in_span", "future", "explicit"].map(|w| (w, false, false));
    assert_eq!(children(&deny_cx), expected);
}

//! A future wrapped in a span lets go of everything its span held when it
//! completes: the span's owned name, its tracestate and the baggage it
//! carries. Also when the span records nothing (no pipeline, or not
//! sampled), and when it ends into its thread's batch inside its open
//! parent (the batch processor): the wrapper forgets its emptied holder
//! after the end, so what the end leaves in place must own nothing.
//! One test: the live count is the whole process's, and the first part
//! runs before any pipeline is installed.

use std::time::Duration;

use baton::{Context, FutureExt as _, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

/// Live bytes `f` left behind, run `times` times after a warm-up.
fn left_behind(times: usize, f: &dyn Fn()) -> isize {
    for _ in 0..50 {
        f();
    }
    let before = counting_alloc::live_bytes();
    for _ in 0..times {
        f();
    }
    counting_alloc::live_bytes() - before
}

/// A future in a span with an owned name, run to completion.
fn future_in_a_span() {
    common::block_on(async {}.in_span(baton::span(String::from("a name the span owns"))));
}

#[test]
fn futures_whose_spans_end_quietly_or_inside_their_parent_leak_nothing() {
    // What one future would leak is 20 bytes or more (the name), 100 or
    // more (a baggage). Half of the least, 10 bytes a future, is the bar:
    // the batch worker's buffers come and go beside the futures (about a
    // kilobyte either way under load), a leak grows with every future.
    let times = 2000;
    let bar = 10 * times as isize;
    let mut leaks = Vec::new();
    let mut check = |what: &str, f: &dyn Fn()| {
        let grown = left_behind(times, f);
        if grown >= bar {
            leaks.push(format!("{what}: {grown} bytes after {times} futures"));
        }
    };

    check("no pipeline, owned name", &future_in_a_span);
    check("no pipeline, baggage", &|| {
        let _bag = baton::set_baggage("k", &String::from("v"));
        future_in_a_span();
    });

    let exporter = baton::InMemoryExporter::default();
    let _pipeline = baton::init(baton::Config::new().batch_exporter(exporter.clone())).unwrap();
    let flushed = |expected: usize| {
        baton::export::force_flush(Duration::MAX).unwrap();
        assert_eq!(exporter.take().len(), expected);
    };
    let unsampled = Context::default().with_span_context(
        SpanContext::new(
            TraceId::from_u128(7).unwrap(),
            SpanId::from_u64(8).unwrap(),
            TraceFlags::from_bits(0),
        )
        .with_remote(true)
        .with_trace_state(TraceState::default().insert("vendor", "v1").unwrap()),
    );
    check("not sampled, owned name", &|| {
        let _remote = unsampled.clone().attach();
        future_in_a_span();
    });
    check("not sampled, a tracestate of its own", &|| {
        let state = TraceState::default()
            .insert("vendor", &String::from("v2"))
            .unwrap();
        let _remote = unsampled
            .with_span_context(
                unsampled
                    .span_context()
                    .unwrap()
                    .clone()
                    .with_trace_state(state),
            )
            .attach();
        common::block_on(async {}.in_span(baton::span("borrowed name")));
    });
    check("recording, inside its parent, baggage", &|| {
        {
            let _bag = baton::set_baggage("k", &String::from("v"));
            let _parent = baton::span("parent").enter();
            future_in_a_span();
        }
        flushed(2);
    });
    check("recording, no parent, baggage", &|| {
        {
            let _bag = baton::set_baggage("k", &String::from("v"));
            future_in_a_span();
        }
        flushed(1);
    });
    assert!(leaks.is_empty(), "{leaks:#?}");
}

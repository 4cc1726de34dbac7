//! Entered spans that end into their thread's batch are taken apart as
//! they leave the stack: their ids (with a shared tracestate), owned name,
//! record and the baggage they carried. Run many times over, with every
//! kind of span beside them (shared, ended early, not sampled, recorded
//! only), the process's live memory comes back to where it was: nothing a
//! span held is forgotten.
//! One test: the live count is the whole process's.

use std::time::Duration;

use baton::{Context, KeyValue, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;
#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;
#[path = "common/sampler_by_name.rs"]
mod sampler_by_name;

use sampler_by_name::ByName;

/// One request's spans; how many the exporter must get.
fn request(remote: &Context) -> usize {
    let _remote = remote.clone().attach();
    let _bag = baton::set_baggage("tenant", &String::from("t-1"));
    let parent = baton::span(String::from("parent")).enter();
    drop(baton::span(String::from("owned")).enter());
    drop(
        baton::span("built")
            .attr(String::from("k"), String::from("v"))
            .link(
                remote.span_context().unwrap().clone(),
                vec![KeyValue::new("a", String::from("b"))],
            )
            .enter(),
    );
    {
        let g = baton::span("changed").enter();
        g.add_event(String::from("e"), vec![KeyValue::new("x", 1i64)]);
        g.update_name(String::from("renamed"));
    }
    {
        let _g = baton::span("shared").enter();
        let _bag = baton::set_baggage("inner", "yes");
        drop(Context::current());
        drop(baton::span("under shared").enter());
    }
    {
        let g = baton::span("ended early").enter();
        g.end();
    }
    drop(baton::span("drop me").enter());
    drop(baton::span("record only").enter());
    drop(parent);
    7
}

#[test]
fn spans_of_every_kind_ending_many_times_leave_live_memory_where_it_was() {
    let installed = flushed_pipeline::install_with(baton::Config::new().sampler(ByName));
    let remote = Context::default().with_span_context(
        SpanContext::new(
            TraceId::from_u128(7).unwrap(),
            SpanId::from_u64(8).unwrap(),
            TraceFlags::from_bits(1),
        )
        .with_remote(true)
        .with_trace_state(TraceState::default().insert("vendor", "v1").unwrap()),
    );
    let run = |times: usize| {
        for _ in 0..times {
            let expected = request(&remote);
            baton::export::force_flush(Duration::MAX).unwrap();
            assert_eq!(installed.exporter.take().len(), expected);
        }
    };
    // Buffers reach the size they keep: the stack's, the batch's, the
    // queue's and the exporter's.
    run(200);
    let before = counting_alloc::live_bytes();
    run(2000);
    let grown = counting_alloc::live_bytes() - before;
    // A span part kept per request (a tracestate or baggage share is
    // 100 bytes or more) would grow it by 200 KB here.
    assert!(grown < 32 * 1024, "live memory grew by {grown} bytes");
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!(stats.produced, 2200 * 7);
    assert_eq!(
        (stats.exported, stats.dropped, stats.in_flight),
        (stats.produced, 0, 0)
    );
}

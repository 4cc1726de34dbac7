//! A span entered with no pipeline yet (a no-op span), under a remote
//! parent, carries that parent's context unchanged; once `init` has run, a
//! child entered inside it is the remote span's child, and must say so
//! (`SpanData::parent_is_remote`, OTLP's span flags), whichever way it
//! starts. Found by the sampling audit: the child entered the short way
//! (`span(..).enter()` with no attributes, `SpanBuilder::enter_local_child`)
//! was recorded with `parent_is_remote == false`, while the same child
//! started with `.start()` or with a builder attribute (the general way)
//! said `true`. Installs the global pipeline.

use std::time::Duration;

use baton::propagation::{Propagator, TraceContext};
use baton::sampling::AlwaysOn;
use baton::{Context, InMemoryExporter, SpanData};

fn remote() -> Context {
    let headers = vec![(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    )];
    TraceContext.extract(&Context::default(), &headers)
}

fn find<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    spans.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn every_child_of_the_remote_parent_has_a_remote_parent() {
    let cx = remote();
    let remote_span = cx.span_context().unwrap().span_id();
    // Before `init`: a no-op span that carries the remote context.
    let request = baton::span("request").parent(&cx).enter();
    assert_eq!(request.span_context().span_id(), remote_span);
    let spans = InMemoryExporter::default();
    let pipeline = baton::init(
        baton::Config::new()
            .sampler(AlwaysOn)
            .exporter(spans.clone()),
    )
    .unwrap();
    drop(baton::span("entered").enter());
    drop(baton::span("started").start());
    drop(
        baton::span("entered with an attribute")
            .attr("k", 1)
            .enter(),
    );
    drop(baton::span("explicit").parent(&cx).enter());
    // And a local child of a child: its parent is local.
    {
        let _local = baton::span("local parent").enter();
        drop(baton::span("local child").enter());
    }
    drop(request);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();
    let finished = spans.take();
    for name in [
        "started",
        "entered with an attribute",
        "explicit",
        "entered",
        "local parent",
    ] {
        let span = find(&finished, name);
        assert_eq!(span.parent_span_id, Some(remote_span), "{name}");
        assert!(span.parent_is_remote, "{name}: parent_is_remote is false");
    }
    let local = find(&finished, "local child");
    assert_eq!(
        local.parent_span_id,
        Some(find(&finished, "local parent").span_id())
    );
    assert!(!local.parent_is_remote, "a local parent");
}

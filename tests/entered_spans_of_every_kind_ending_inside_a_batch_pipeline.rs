//! Entered spans of every kind ending on top of their thread's stack while
//! the batch processor is installed: plain ones (which wait in the thread's
//! batch for their parent), ones whose context was asked for (a capture, a
//! `SpanRef`, a wrapped job), ones ended early through their guard, ones
//! not sampled or recorded only, and ones that own their name, attributes,
//! events, links, tracestate and baggage. Each reaches the exporter once,
//! whole and with its parent, and the processor counts each once.
//! Installs the global pipeline, one test at a time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use baton::{
    Context, KeyValue, SpanContext, SpanData, SpanId, Status, TraceFlags, TraceId, TraceState,
    Value,
};

#[path = "common/flushed_pipeline.rs"]
mod flushed_pipeline;

use flushed_pipeline::by_name;
#[path = "common/sampler_by_name.rs"]
mod sampler_by_name;

use sampler_by_name::ByName;

static PIPELINE: Mutex<()> = Mutex::new(());

fn remote_parent() -> Context {
    let state = TraceState::default().insert("vendor", "v1").unwrap();
    Context::default().with_span_context(
        SpanContext::new(
            TraceId::from_u128(0x1234).unwrap(),
            SpanId::from_u64(0x99).unwrap(),
            TraceFlags::from_bits(1),
        )
        .with_remote(true)
        .with_trace_state(state),
    )
}

fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| &kv.value)
}

/// Every span ends at or after its start, and inside its parent's time
/// when that is exported too, but for those of `later`, which ran after
/// their parent ended.
fn assert_times(spans: &HashMap<String, SpanData>, later: &[&str]) {
    for span in spans.values() {
        assert!(span.end_unix_nanos >= span.start_unix_nanos, "{span:?}");
        if later.contains(&&*span.name) {
            continue;
        }
        if let Some(parent) = spans
            .values()
            .find(|p| Some(p.span_context.span_id()) == span.parent_span_id)
        {
            assert!(span.start_unix_nanos >= parent.start_unix_nanos, "{span:?}");
            assert!(span.end_unix_nanos <= parent.end_unix_nanos, "{span:?}");
        }
    }
}

#[test]
fn spans_of_every_kind_reach_the_exporter_whole_with_their_parents() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = flushed_pipeline::install();
    let remote = remote_parent();
    let kept_context;
    let kept_ref;
    let job;
    {
        let _remote = remote.clone().attach();
        let _bag = baton::set_baggage("tenant", "t-1");
        let parent = baton::span(String::from("parent")).enter();
        drop(baton::span("plain").enter());
        drop(
            baton::span(String::from("built"))
                .attr("k", "v")
                .link(
                    remote.span_context().unwrap().clone(),
                    vec![KeyValue::new("link.k", 1i64)],
                )
                .enter(),
        );
        {
            let g = baton::span("changed").enter();
            g.set_attribute("n", 7i64);
            g.add_event(String::from("event"), vec![KeyValue::new("e", true)]);
            g.update_name(String::from("renamed"));
            g.set_status(Status::Error {
                description: "bad".into(),
            });
        }
        {
            let _g = baton::span("captured and let go").enter();
            drop(Context::current());
        }
        {
            let _g = baton::span("captured and kept").enter();
            kept_context = Some(Context::current());
        }
        {
            let _g = baton::span("ref kept").enter();
            kept_ref = baton::current_span();
            kept_ref.as_ref().unwrap().set_attribute("via", "ref");
        }
        {
            let _g = baton::span("wrapped").enter();
            job = baton::copy_context_to_thread(|| {
                baton::in_span("job", || {});
            });
        }
        {
            let g = baton::span("ended early").enter();
            drop(baton::span("child of ended").enter());
            g.end();
            drop(baton::span("after the end").enter());
        }
        {
            let _g = baton::span("outer").enter();
            let _bag = baton::set_baggage("deep", "yes");
            let _m = baton::span("middle").enter();
            drop(baton::span("inner").enter());
        }
        drop(parent);
    }
    // The job runs after its span ended, on another thread.
    std::thread::spawn(job).join().unwrap();
    drop(kept_context);
    drop(kept_ref);
    baton::export::force_flush(Duration::MAX).unwrap();
    let spans = by_name(installed.exporter.take());
    let mut names: Vec<_> = spans.keys().cloned().collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "after the end",
            "built",
            "captured and kept",
            "captured and let go",
            "child of ended",
            "ended early",
            "inner",
            "job",
            "middle",
            "outer",
            "parent",
            "plain",
            "ref kept",
            "renamed",
            "wrapped",
        ]
    );
    assert_times(&spans, &["job", "after the end"]);
    let id = |name: &str| spans[name].span_context.span_id();
    let trace = TraceId::from_u128(0x1234).unwrap();
    for span in spans.values() {
        assert_eq!(span.trace_id(), trace, "{span:?}");
        assert_eq!(
            span.span_context.trace_state().get("vendor"),
            Some("v1"),
            "{span:?}"
        );
        let parent = match &*span.name {
            "parent" => SpanId::from_u64(0x99).unwrap(),
            "child of ended" | "after the end" => id("ended early"),
            "middle" => id("outer"),
            "inner" => id("middle"),
            "job" => id("wrapped"),
            _ => id("parent"),
        };
        assert_eq!(span.parent_span_id, Some(parent), "{span:?}");
        assert_eq!(span.parent_is_remote, &*span.name == "parent", "{span:?}");
    }
    assert_eq!(attr(&spans["built"], "k"), Some(&Value::from("v")));
    assert_eq!(spans["built"].links.len(), 1);
    assert_eq!(
        spans["built"].links[0]
            .span_context
            .trace_state()
            .get("vendor"),
        Some("v1")
    );
    let renamed = &spans["renamed"];
    assert_eq!(attr(renamed, "n"), Some(&Value::from(7i64)));
    assert_eq!(renamed.events.len(), 1);
    assert_eq!(renamed.events[0].name, "event");
    assert!(
        matches!(&renamed.status, Status::Error { description } if description == "bad"),
        "{renamed:?}"
    );
    assert_eq!(attr(&spans["ref kept"], "via"), Some(&Value::from("ref")));
    assert_eq!(spans["plain"].status, Status::Unset);
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.dropped,
            stats.in_flight
        ),
        (15, 15, 0, 0),
        "{stats:?}"
    );
}

#[test]
fn spans_not_sampled_or_recorded_only_leave_their_siblings_and_children_whole() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let installed = flushed_pipeline::install_with(baton::Config::new().sampler(ByName));
    let parent = baton::span("parent").enter();
    let parent_id = parent.span_context().span_id();
    drop(baton::span("before").enter());
    let dropped_id;
    {
        let g = baton::span("drop me").enter();
        dropped_id = g.span_context().span_id();
        assert!(!g.is_recording());
        drop(baton::span("under drop").enter());
    }
    let record_only_id;
    {
        let g = baton::span("record only").enter();
        record_only_id = g.span_context().span_id();
        assert!(g.is_recording());
        g.set_attribute("k", "v");
        drop(baton::span("under record only").enter());
    }
    drop(baton::span("after").enter());
    // A flush from this thread while the parent is open takes its batch.
    baton::export::force_flush(Duration::MAX).unwrap();
    let early = by_name(installed.exporter.take());
    drop(parent);
    baton::export::force_flush(Duration::MAX).unwrap();
    let late = by_name(installed.exporter.take());
    let mut early_names: Vec<_> = early.keys().cloned().collect();
    early_names.sort_unstable();
    assert_eq!(
        early_names,
        ["after", "before", "under drop", "under record only"]
    );
    assert_eq!(late.keys().collect::<Vec<_>>(), ["parent"]);
    assert_eq!(early["before"].parent_span_id, Some(parent_id));
    assert_eq!(early["after"].parent_span_id, Some(parent_id));
    assert_eq!(early["under drop"].parent_span_id, Some(dropped_id));
    assert_eq!(
        early["under record only"].parent_span_id,
        Some(record_only_id)
    );
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let stats = installed.stats.get();
    assert_eq!(
        (
            stats.produced,
            stats.exported,
            stats.dropped,
            stats.in_flight
        ),
        (5, 5, 0, 0),
        "{stats:?}"
    );
}

#[test]
fn a_child_ending_into_the_batch_is_cut_to_the_pipelines_limits() {
    let _one = PIPELINE.lock().unwrap_or_else(|e| e.into_inner());
    let limits = baton::SpanLimits {
        max_attributes: 2,
        max_events: 1,
        max_links: 1,
        max_attribute_value_length: Some(3),
        ..Default::default()
    };
    let installed = flushed_pipeline::install_with(baton::Config::new().span_limits(limits));
    let linked = remote_parent().span_context().unwrap().clone();
    {
        let _parent = baton::span("parent").enter();
        let child = baton::span("child").enter();
        for i in 0..5i64 {
            child.set_attribute(format!("k{i}"), "long value");
        }
        for _ in 0..3 {
            child.add_event("event", Vec::new());
        }
        child.add_link(linked.clone(), Vec::new());
        child.add_link(linked, Vec::new());
    }
    baton::export::force_flush(Duration::MAX).unwrap();
    let spans = by_name(installed.exporter.take());
    let child = &spans["child"];
    assert_eq!(
        child.parent_span_id,
        Some(spans["parent"].span_context.span_id())
    );
    assert_eq!(
        child.attributes,
        [KeyValue::new("k0", "lon"), KeyValue::new("k1", "lon")]
    );
    assert_eq!(child.dropped_attributes_count, 3);
    assert_eq!((child.events.len(), child.dropped_events_count), (1, 2));
    assert_eq!((child.links.len(), child.dropped_links_count), (1, 1));
    installed.pipeline.shutdown(Duration::MAX).unwrap();
    let s = installed.stats.get();
    assert_eq!(
        (s.produced, s.exported, s.dropped, s.in_flight),
        (2, 2, 0, 0)
    );
}

//! An audit of log correlation where no span records: before any pipeline
//! is installed, then under one installed with `OTEL_SDK_DISABLED=true`.
//! A no-op span is OpenTelemetry's non-recording span: it carries its
//! parent's span context, so `log_ids()`, `current_trace_id()` and
//! `current_span_id()` inside it give the remote parent's ids and flags as
//! received (unknown flag bits included), in a wrapped job and a future
//! too; a no-op root, and a B3 decision received without ids (`b3: 1`,
//! `0`, `d`), give no ids, though `current_span()` is `Some` with the
//! invalid span context; the session is current all the same, and
//! `Tracer::enabled()` is `false`. Found sound. Installs the global
//! pipeline (disabled) half way: one test.

mod common;

use std::collections::HashMap;

use baton::propagation::{Propagator, B3};
use baton::{FutureExt, LogIds};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT: &str = "00f067aa0ba902b7";

fn line() -> String {
    let ids = baton::log_ids();
    assert_eq!(ids.trace_id(), baton::current_trace_id());
    assert_eq!(ids.span_id(), baton::current_span_id());
    ids.to_string()
}

fn check(state: &str) {
    let tracer = baton::tracer("audit").build();
    assert!(!tracer.enabled(), "{state}");
    let _session = baton::session("chat");
    {
        let root = tracer.span("root").enter();
        assert_eq!(baton::log_ids(), LogIds::default(), "{state}");
        assert!(!root.span_context().is_valid(), "{state}");
        let current = baton::current_span().expect("a no-op span is a local span");
        assert!(!current.span_context().is_valid(), "{state}");
        assert_eq!(
            baton::current_session().map(|s| s.id().to_owned()),
            Some("chat".to_owned())
        );
    }
    for flags in ["00", "01", "ff"] {
        let headers = HashMap::from([(
            "traceparent".to_owned(),
            format!("00-{TRACE}-{PARENT}-{flags}"),
        )]);
        let _remote = baton::propagated_context(&headers);
        let want = format!("trace_id={TRACE} span_id={PARENT} trace_flags={flags}");
        assert_eq!(line(), want, "{state}: remote");
        let _span = baton::span("no-op").enter();
        assert_eq!(line(), want, "{state}: no-op span in the remote parent");
        let job = baton::copy_context_to_thread(|| baton::in_span("job", line));
        assert_eq!(std::thread::spawn(job).join().unwrap(), want, "{state}");
        let fut = async { line() }.in_span(baton::span("future"));
        assert_eq!(common::block_on(fut), want, "{state}");
        // The session is still carried on.
        let mut out = HashMap::new();
        baton::inject_context(&mut out);
        assert!(
            out["baggage"].contains("session.id=chat"),
            "{state}: {out:?}"
        );
    }
    for decision in ["1", "0", "d"] {
        let headers = HashMap::from([("b3".to_owned(), decision.to_owned())]);
        let _cx = B3::single()
            .extract(&baton::Context::current(), &headers)
            .attach();
        assert_eq!(line(), "", "{state}: lone b3 {decision}");
        let _span = baton::span("no-op").enter();
        assert_eq!(line(), "", "{state}: no-op span under lone b3 {decision}");
        assert_eq!(format!("{:>4}|", baton::log_ids()), "    |");
    }
}

#[test]
fn no_op_spans_give_their_parent_s_ids_or_none() {
    check("no pipeline");
    let spans = baton::InMemoryExporter::default();
    let config = baton::Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into()))
        .unwrap()
        .exporter(spans.clone());
    assert!(config.is_disabled());
    let _pipeline = baton::init(config).unwrap();
    check("OTEL_SDK_DISABLED");
    assert!(spans.finished_spans().is_empty());
}

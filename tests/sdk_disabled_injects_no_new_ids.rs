//! A disabled SDK (`OTEL_SDK_DISABLED=true`) behaves as the OpenTelemetry
//! no-op API: a span started without a parent carries the invalid span
//! context, so no propagator injects ids that nothing recorded, and the
//! log correlation functions report none. Found: a root span got new ids
//! (sampled clear) and `inject_context` sent them downstream as a trace
//! that exists nowhere. Installs the global pipeline.

use std::collections::HashMap;
use std::time::Duration;

use baton::{Context, FutureExt};
use common::block_on;
use common::injected::injected;

mod common;

#[test]
fn a_disabled_sdk_injects_only_what_came_in() {
    let config =
        baton::Config::from_lookup(|k| (k == "OTEL_SDK_DISABLED").then(|| "true".into())).unwrap();
    let pipeline = baton::init(config).unwrap();
    // W3C baggage and Jaeger's `uberctx-*`: baggage, no ids.
    let only_baggage = vec![
        ("baggage".to_owned(), "k=v".to_owned()),
        ("uberctx-k".to_owned(), "v".to_owned()),
    ];

    {
        let _b = baton::set_baggage("k", "v");
        let root = baton::span("root").enter();
        assert!(!root.span_context().is_valid());
        assert!(!root.is_recording());
        assert_eq!(injected(&Context::current()), only_baggage);
        assert_eq!(injected(&root.context()), only_baggage);
        let mut global = HashMap::new();
        baton::inject_context(&mut global);
        assert!(!global.contains_key("traceparent"), "{global:?}");
        assert_eq!(baton::current_trace_id(), None);
        assert_eq!(baton::current_span_id(), None);
        assert_eq!(baton::log_ids().to_string(), "");

        // Its children, entered, started, or in a future, are no-ops too.
        baton::in_span("child", || {
            assert!(!baton::current_span().unwrap().span_context().is_valid());
            assert_eq!(injected(&Context::current()), only_baggage);
        });
        let started = baton::span("started").start();
        assert_eq!(injected(&started.context()), only_baggage);
        let in_future = block_on(async { injected(&Context::current()) }.in_span(baton::span("f")));
        assert_eq!(in_future, only_baggage);
        let root_builder = baton::span("explicit root").root().start();
        assert!(!root_builder.span_context().is_valid());
    }

    // A received context still goes on as it came.
    let received = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let incoming = HashMap::from([("traceparent".to_owned(), received.to_owned())]);
    {
        let _cx = baton::propagated_context(&incoming);
        let _s = baton::span("request").enter();
        let headers = injected(&Context::current());
        assert!(headers.contains(&("traceparent".to_owned(), received.to_owned())));
        assert_eq!(
            baton::current_trace_id().map(|t| t.to_string()).as_deref(),
            Some("0af7651916cd43dd8448eb211c80319c")
        );
    }
    pipeline.shutdown(Duration::from_secs(10)).unwrap();
}

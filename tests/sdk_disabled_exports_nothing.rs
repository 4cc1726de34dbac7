//! `OTEL_SDK_DISABLED=true` installs a no-op tracer, as the OpenTelemetry
//! SDK configuration spec defines a disabled SDK: issue 11 found every span
//! still exported, and then still recorded and discarded. Spans are not
//! recording, nothing reaches a processor or exporter set in code nor the
//! collector, and a received context propagates unchanged. Installs the
//! global pipeline.

#[path = "common/loopback_collector.rs"]
mod loopback_collector;

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton::export::{ExportError, SpanProcessor};
use baton::{Span, SpanData};
use loopback_collector::lookup;

/// Counts every call a pipeline makes into it.
#[derive(Clone, Default)]
struct Counting(Arc<AtomicU64>);

impl SpanProcessor for Counting {
    fn on_start(&self, _: &Span, _: &baton::Context) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn on_end(&self, _: SpanData) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

#[test]
fn a_disabled_sdk_records_nothing_sends_nothing_and_propagates_unchanged() {
    // Only `true` disables, as the spec's booleans read: any other value is
    // false, and one other than `false` is named and ignored.
    let enabled = baton::Config::from_lookup(lookup(&[("OTEL_SDK_DISABLED", "yes")])).unwrap();
    assert!(!enabled.is_disabled());
    let err = &enabled.ignored()[0];
    assert_eq!((err.variable(), err.value()), ("OTEL_SDK_DISABLED", "yes"));

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let vars = [
        ("OTEL_SDK_DISABLED", "TRUE"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "1"),
    ];
    let calls = Counting::default();
    let config = baton::Config::from_lookup(lookup(&vars))
        .unwrap()
        .processor(calls.clone());
    assert!(config.is_disabled());
    let pipeline = baton::init(config).unwrap();

    // A root span: the invalid span context, not recording, not sampled
    // (see tests/sdk_disabled_injects_no_new_ids.rs).
    let root = baton::span("job").start();
    assert!(!root.is_recording());
    assert!(!root.span_context().is_valid());
    assert!(!root.span_context().flags().is_sampled());
    drop(root);

    // Under a received context: the spans are the caller's context itself,
    // so what is injected downstream is what came in.
    let received = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let incoming = HashMap::from([("traceparent".to_owned(), received.to_owned())]);
    let mut outgoing = HashMap::new();
    {
        let _cx = baton::propagated_context(&incoming);
        baton::in_span("request", || {
            let span = baton::current_span().expect("entered");
            assert_eq!(
                span.trace_id().to_string(),
                "0af7651916cd43dd8448eb211c80319c"
            );
            baton::in_span("child", || {
                assert!(!baton::span("grandchild").start().is_recording());
                baton::inject_context(&mut outgoing);
            });
        });
    }
    assert_eq!(outgoing.get("traceparent"), Some(&received.to_owned()));

    pipeline.shutdown(Duration::from_secs(10)).unwrap();
    assert_eq!(calls.0.load(Ordering::SeqCst), 0, "a processor was called");
    // Shutdown has returned, so any export would have connected by now.
    listener.set_nonblocking(true).unwrap();
    let accepted = listener.accept().map(|_| ());
    assert_eq!(
        accepted.map_err(|e| e.kind()),
        Err(ErrorKind::WouldBlock),
        "something was sent to the collector"
    );
}

//! `SpanProcessor::on_start` receives the context each span was started in
//! (the OpenTelemetry SDK's `OnStart(span, parentContext)`): the current
//! one, the one given with `SpanBuilder::parent`, or for a root the current
//! baggage alone; its span is the new span's parent.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Waker};
use std::time::{Duration, Instant};

use baton::export::{ExportError, SpanProcessor};
use baton::{Context, FutureExt, Span, SpanData, SpanId};

/// What `on_start` saw of one span and the context it was handed.
#[derive(Debug)]
struct Seen {
    name: String,
    parent_span_id: Option<SpanId>,
    given_span_id: Option<SpanId>,
    given_remote: bool,
    given_tenant: Option<String>,
}

#[derive(Clone, Default)]
struct Parents(Arc<Mutex<Vec<Seen>>>);

impl SpanProcessor for Parents {
    fn on_start(&self, span: &Span, parent: &Context) {
        let given = parent.span_context();
        self.0.lock().unwrap().push(Seen {
            name: span.name(),
            parent_span_id: span.parent_span_id(),
            given_span_id: given.map(|sc| sc.span_id()),
            given_remote: given.is_some_and(|sc| sc.is_remote()),
            given_tenant: parent.baggage().get("tenant").map(str::to_owned),
        });
    }
    fn on_end(&self, _: SpanData) {}
    fn force_flush(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
    fn shutdown(&self, _: Instant) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Every way a span starts, each with a parent of another kind.
fn start_spans() {
    let _tenant = baton::set_baggage("tenant", "acme");
    let request = baton::span("request").enter();

    drop(baton::span("entered child").enter());
    drop(baton::span("started child").start());
    baton::in_span("closure child", || {});
    let fut = pin!(async {}.in_span(baton::span("future child")));
    assert!(fut
        .poll(&mut TaskContext::from_waker(Waker::noop()))
        .is_ready());

    // Started elsewhere, with a context captured here.
    let captured = Context::current();
    drop(request);
    let job = std::thread::spawn(move || {
        drop(baton::span("explicit child").parent(&captured).start());
    });
    job.join().unwrap();

    drop(baton::span("root").root().start());
    {
        let _isolated = baton::new_trace_context();
        drop(baton::span("isolated root").start());
    }

    let mut headers = HashMap::new();
    headers.insert(
        "traceparent".to_string(),
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_string(),
    );
    let _remote = baton::propagated_context(&headers);
    drop(baton::span("remote child").start());
}

#[test]
fn on_start_is_handed_the_context_each_span_started_in() {
    let parents = Parents::default();
    let pipeline = baton::init(baton::Config::new().processor(parents.clone())).unwrap();
    start_spans();
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    let seen = parents.0.lock().unwrap();
    let by_name = |name: &str| {
        seen.iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no start seen for {name:?}: {seen:?}"))
    };
    let request = by_name("request");
    assert_eq!(request.given_span_id, None, "{request:?}");
    assert_eq!(request.given_tenant.as_deref(), Some("acme"));

    // The span of the context handed over is the span's parent.
    let request_id = seen
        .iter()
        .find(|s| s.name == "entered child")
        .and_then(|s| s.parent_span_id)
        .expect("the entered child has the request as parent");
    for name in [
        "entered child",
        "started child",
        "closure child",
        "future child",
        "explicit child",
    ] {
        let s = by_name(name);
        assert_eq!(s.parent_span_id, Some(request_id), "{s:?}");
        assert_eq!(s.given_span_id, Some(request_id), "{s:?}");
        assert!(!s.given_remote, "{s:?}");
        assert_eq!(s.given_tenant.as_deref(), Some("acme"), "{s:?}");
    }

    // A root is handed the current baggage without a span; an isolated
    // scope hands neither.
    let root = by_name("root");
    assert_eq!((root.parent_span_id, root.given_span_id), (None, None));
    assert_eq!(root.given_tenant.as_deref(), Some("acme"));
    let isolated = by_name("isolated root");
    assert_eq!(isolated.given_span_id, None);
    assert_eq!(isolated.given_tenant, None);

    // A remote parent arrives as the remote span context it is.
    let remote = by_name("remote child");
    let remote_parent = SpanId::from_u64(0xb7ad_6b71_6920_3331).unwrap();
    assert_eq!(remote.given_span_id, Some(remote_parent));
    assert!(remote.given_remote);
    assert_eq!(remote.parent_span_id, Some(remote_parent));
    assert_eq!(seen.len(), 9, "{seen:?}");
}

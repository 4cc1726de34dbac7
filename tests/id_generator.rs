//! An id generator of the application's (the OpenTelemetry SDK's
//! `IdGenerator`, a MUST) makes the ids of every new span, however it
//! starts: a root, a child entered under a local span, a child of a remote
//! context, a future's span. Root spans carry the W3C level-2 `random`
//! flag only when the generator says its trace ids are random. Found: ids
//! were always this thread's random ones. Installs the global pipeline.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Waker};
use std::time::Duration;

use baton::propagation::{Propagator, TraceContext};
use baton::{FutureExt, IdGenerator, InMemoryExporter, RandomIdGenerator, SpanId, TraceId};

/// Counts up: trace ids from 1 << 64, span ids from 1.
struct Counting {
    next: AtomicU64,
    random: bool,
}

impl Counting {
    fn new(random: bool) -> Counting {
        Counting {
            next: AtomicU64::new(1),
            random,
        }
    }

    fn next(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}

impl IdGenerator for Counting {
    fn new_trace_id(&self) -> TraceId {
        TraceId::from_u128(u128::from(self.next()) << 64).unwrap()
    }

    fn new_span_id(&self) -> SpanId {
        SpanId::from_u64(self.next()).unwrap()
    }

    fn is_trace_id_random(&self) -> bool {
        self.random
    }
}

fn install(generator: impl IdGenerator) -> (baton::PipelineGuard, InMemoryExporter) {
    let spans = InMemoryExporter::default();
    let config = baton::Config::new()
        .id_generator(generator)
        .exporter(spans.clone());
    (baton::init(config).unwrap(), spans)
}

#[test]
fn every_new_span_takes_its_ids_from_the_installed_generator() {
    let (pipeline, spans) = install(Counting::new(false));

    let (root_trace, root_span, root_random, child) = {
        let root = baton::span("root").enter();
        let child = baton::span("child").enter().span_id();
        let sc = root.span_context();
        (sc.trace_id(), sc.span_id(), sc.flags().is_random(), child)
    };
    assert_eq!(root_trace.to_u128(), 1 << 64);
    assert_eq!(root_span.to_u64(), 2);
    assert_eq!(child.to_u64(), 3);
    assert!(!root_random, "ids that are not random are not flagged so");

    let remote_parent = TraceContext.extract(
        &baton::Context::default(),
        &HashMap::from([(
            "traceparent".to_owned(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned(),
        )]),
    );
    let remote_child = baton::span("remote child").parent(&remote_parent).start();
    assert_eq!(
        remote_child.trace_id(),
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap()
    );
    assert_eq!(remote_child.span_id().to_u64(), 4);
    drop(remote_child);

    let mut fut =
        Box::pin(async { baton::current_span().unwrap().span_id() }.in_span(baton::span("task")));
    let polled = fut
        .as_mut()
        .poll(&mut TaskContext::from_waker(Waker::noop()));
    assert_eq!(polled.map(SpanId::to_u64), std::task::Poll::Ready(6));
    drop(fut);

    let exported: Vec<u64> = spans
        .take()
        .iter()
        .map(|s| s.span_context.span_id().to_u64())
        .collect();
    assert_eq!(exported, [3, 2, 4, 6]);
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    // A generator that says its trace ids are random: roots are flagged.
    let (pipeline, _spans) = install(Counting::new(true));
    assert!(baton::span("root")
        .start()
        .span_context()
        .flags()
        .is_random());
    pipeline.shutdown(Duration::from_secs(5)).unwrap();

    // The default, named: random ids, flagged.
    let (_pipeline, _spans) = install(RandomIdGenerator);
    let (a, b) = (baton::span("a").start(), baton::span("b").start());
    assert_ne!(a.trace_id(), b.trace_id());
    assert!(a.span_context().flags().is_random());
}

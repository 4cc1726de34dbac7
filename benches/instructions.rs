//! One hot path run `n` times, for an instruction count under
//! `valgrind --tool=callgrind`: counts repeat exactly, so they show a change
//! that wall-clock medians on a shared machine cannot. `.ci/instructions`
//! runs every operation at `n` and at 0 and prints the difference per call.
//!
//! `cargo bench` runs this with no operation; it then does nothing.

use std::collections::HashMap;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context as TaskContext, Waker};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, BatchStatsHandle, ExportError, SpanExporter, THREAD_CHUNK_SIZE,
};
use baton::propagation::{Jaeger, Propagator, TraceContext, W3cBaggage, B3};
use baton::{Context, FutureExt, SpanContext, SpanData, SpanId, TraceFlags, TraceId};

struct Discard;

impl SpanExporter for Discard {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        black_box(batch);
        Ok(())
    }
}

fn carrier(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn extract(propagator: &dyn Propagator, headers: &[(&str, &str)], n: u64) {
    let headers = carrier(headers);
    let cx = Context::default();
    assert!(!propagator.extract(&cx, &headers).is_empty());
    for _ in 0..n {
        black_box(propagator.extract(&cx, black_box(&headers)));
    }
}

/// Runs `op` `n` times, in blocks that never fill the queue of `config`: a
/// span dropped for a full queue takes a cheaper path than the one
/// measured. Before each block it waits until at most half the queue and a
/// thread chunk are in flight, a level the worker always drains below
/// without waiting for its timer (it is woken at half the queue or
/// sooner).
fn paced(n: u64, config: BatchConfig, stats: &BatchStatsHandle, mut op: impl FnMut()) {
    let block = config.max_queue_size / 4;
    let settled = (config.max_queue_size / 2 + THREAD_CHUNK_SIZE) as u64;
    for i in 0..n {
        if i % block as u64 == 0 {
            while stats.get().in_flight > settled {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
        op();
    }
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let (Some(op), n) = (args.next(), args.next()) else {
        return;
    };
    let n: u64 = n.and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let mut config = BatchConfig::default();
    if op == "root-flushed" || op == "tree" {
        // As the peers' `cpu_cost` runs it: the queue holds what is ended
        // between two flushes. The worker is woken by the flush, and the
        // tree's 10,000 spans between flushes also wake it at eight
        // batches (4096 spans).
        config.max_queue_size = 1 << 16;
    }
    let processor = BatchProcessor::new(Discard, config);
    let stats = processor.stats_handle();
    let _pipeline = baton::init(baton::Config::new().processor(processor)).unwrap();
    let unsampled = Context::default().with_span_context(
        SpanContext::new(
            TraceId::random(),
            SpanId::random(),
            TraceFlags::from_bits(0),
        )
        .with_remote(true),
    );
    let root_in = |cx: Context| {
        let _g = cx.attach();
        paced(n, config, &stats, || drop(baton::span("root").start()));
    };
    match op.as_str() {
        "clock" => (0..n).for_each(|_| {
            black_box(Instant::now());
        }),
        "root" => paced(n, config, &stats, || drop(baton::span("root").start())),
        "root-with-attribute" => paced(n, config, &stats, || {
            drop(
                baton::span("root")
                    .attr("http.route", "/users/{id}")
                    .start(),
            )
        }),
        // A conversation's spans: each records the session's id.
        "root-in-session" => root_in(
            Context::default()
                .with_baggage("tenant", "acme")
                .with_baggage("session.id", "5f0c2a1e-8d3b-4c7e-9a61-2b4d8e7f1c30"),
        ),
        // A service that keeps a tenant and a user in baggage: every span
        // started in it looks there for a session.
        "root-in-baggage" => root_in(
            Context::default()
                .with_baggage("tenant", "acme")
                .with_baggage("user", "u-1234"),
        ),
        "root-flushed" => {
            for i in 0..n {
                drop(baton::span("root").start());
                if i % 1000 == 999 {
                    baton::export::force_flush(Duration::from_secs(30)).unwrap();
                }
            }
        }
        "tree" => {
            // A root entered with 99 children, the peers' tree of 100
            // spans (flat): each span's share is a hundredth.
            for i in 0..n {
                let root = baton::span("root").root().enter();
                (0..99).for_each(|_| drop(baton::span("child").enter()));
                drop(root);
                if i % 100 == 99 {
                    baton::export::force_flush(Duration::from_secs(30)).unwrap();
                }
            }
        }
        "child" => {
            let _parent = baton::span("parent").enter();
            paced(n, config, &stats, || drop(baton::span("child").enter()));
        }
        "tracer-root" => {
            // A span of a named tracer: its scope rides out of line.
            let tracer = baton::tracer("bench").version("1").build();
            paced(n, config, &stats, || drop(tracer.span("root").start()));
        }
        "tracer-child" => {
            let tracer = baton::tracer("bench").version("1").build();
            let _parent = tracer.span("parent").enter();
            paced(n, config, &stats, || drop(tracer.span("child").enter()));
        }
        "unsampled" => {
            let _g = unsampled.attach();
            (0..n).for_each(|_| drop(baton::span("quiet").start()));
        }
        "unsampled-child" => {
            let _g = unsampled.attach();
            let _parent = baton::span("parent").enter();
            (0..n).for_each(|_| drop(baton::span("quiet").enter()));
        }
        "attach" => {
            let cx = Context::default().with_baggage("k", "v");
            (0..n).for_each(|_| drop(black_box(cx.clone()).attach()));
        }
        "handoff" => {
            let _parent = baton::span("parent").enter();
            for _ in 0..n {
                let job = baton::copy_context_to_thread(|| black_box(1));
                black_box(job());
            }
        }
        "future-span" => {
            let waker = Waker::noop();
            paced(n, config, &stats, || {
                let fut = pin!(async { black_box(1) }.in_span(baton::span("future")));
                assert!(fut.poll(&mut TaskContext::from_waker(waker)).is_ready());
            });
        }
        "future-span-child" => {
            let _parent = baton::span("parent").enter();
            let waker = Waker::noop();
            paced(n, config, &stats, || {
                let fut = pin!(async { black_box(1) }.in_span(baton::span("future")));
                assert!(fut.poll(&mut TaskContext::from_waker(waker)).is_ready());
            });
        }
        "future" => {
            let _g = Context::default().with_baggage("k", "v").attach();
            let waker = Waker::noop();
            for _ in 0..n {
                let fut = pin!(async { black_box(1) }.in_current_context());
                assert!(fut.poll(&mut TaskContext::from_waker(waker)).is_ready());
            }
        }
        "future-in-span" => {
            let _parent = baton::span("parent").enter();
            let waker = Waker::noop();
            for _ in 0..n {
                let fut = pin!(async { black_box(1) }.in_current_context());
                assert!(fut.poll(&mut TaskContext::from_waker(waker)).is_ready());
            }
        }
        "extract-tracecontext" => extract(
            &TraceContext,
            &[
                (
                    "traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                ),
                ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"),
            ],
            n,
        ),
        "extract-b3-single" => extract(
            &B3::single(),
            &[(
                "b3",
                "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
            )],
            n,
        ),
        "extract-b3-multi" => extract(
            &B3::multi(),
            &[
                ("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"),
                ("X-B3-SpanId", "e457b5a2e4d86bd1"),
                ("X-B3-ParentSpanId", "05e3ac9a4f6e3b90"),
                ("X-B3-Sampled", "1"),
            ],
            n,
        ),
        "extract-jaeger" => extract(
            &Jaeger,
            &[(
                "uber-trace-id",
                "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
            )],
            n,
        ),
        "extract-baggage" => extract(
            &W3cBaggage,
            &[(
                "baggage",
                "user_id=u1,session.id=s-1;ttl=60,tenant=acme%20corp",
            )],
            n,
        ),
        "inject-tracecontext" => {
            let _parent = baton::span("parent").enter();
            for _ in 0..n {
                let mut headers = HashMap::new();
                TraceContext.inject(&Context::current(), &mut headers);
                black_box(headers);
            }
        }
        other => panic!("unknown operation {other:?}"),
    }
    let dropped = stats.get().dropped;
    if dropped > 0 {
        // Shown by `.ci/instructions`: the count mixes in the drop path.
        eprintln!("{op}: {dropped} span(s) dropped for a full queue");
    }
}

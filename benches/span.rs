//! Hot paths of the span stack: start/end, enter/exit, trees, context
//! capture, futures. Each group also times `Instant::now()`, so every result
//! reads as a ratio to the clock.
//!
//! Spans go through the production pipeline, a batch processor, timed as
//! the peer benchmark times them (`../shared/peers`): in chunks of [`CHUNK`]
//! operations (100 trees), each followed by an untimed flush. The flush also
//! checks that no span was dropped, since a dropped span skips the path
//! measured.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use baton::{Context, FutureExt, SpanContext, SpanId, TraceFlags, TraceId};
use criterion::{criterion_group, criterion_main, Bencher, Criterion};

/// An exporter that counts and discards, so the bench measures baton.
#[derive(Default)]
struct Discard;

impl baton::export::SpanExporter for Discard {
    fn export(&mut self, batch: &[baton::SpanData]) -> Result<(), baton::export::ExportError> {
        black_box(batch);
        Ok(())
    }
}

/// Operations timed between two flushes: the peer benchmark's chunk.
const CHUNK: u64 = 1000;

fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Room for a whole chunk (100 trees, 10,000 spans) even when the
        // worker does not run meanwhile, as in the peer benchmark.
        let mut config = baton::export::BatchConfig::default();
        config.max_queue_size = 1 << 16;
        let processor = baton::export::BatchProcessor::new(Discard, config);
        let guard = baton::init(baton::Config::new().processor(processor)).unwrap();
        std::mem::forget(guard);
    });
}

/// Times `op` in chunks of `per_chunk` calls with a flush between them,
/// untimed, which fails if a span was dropped.
fn chunked(b: &mut Bencher<'_>, per_chunk: u64, mut op: impl FnMut()) {
    b.iter_custom(|iters| {
        let mut timed = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            let n = left.min(per_chunk);
            let start = Instant::now();
            (0..n).for_each(|_| op());
            timed += start.elapsed();
            left -= n;
            baton::export::force_flush(Duration::from_secs(30))
                .expect("every span of the chunk exported");
        }
        timed
    });
}

fn poll_ready<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    match fut
        .as_mut()
        .poll(&mut TaskContext::from_waker(Waker::noop()))
    {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the benchmarked future is always ready"),
    }
}

fn spans(c: &mut Criterion) {
    install();
    let mut g = c.benchmark_group("span");
    g.bench_function("Instant::now", |b| b.iter(Instant::now));
    // What any recorded span pays before it does anything of its own: a
    // clock read at each end, and handing the record to another thread
    // through one uncontended lock. Together they are the floor under the
    // span goals measured against the peers.
    g.bench_function("floor: two Instant::now()", |b| {
        b.iter(|| (black_box(Instant::now()), Instant::now()))
    });
    let lock = std::sync::Mutex::new(0u64);
    g.bench_function("floor: uncontended Mutex lock+unlock", |b| {
        b.iter(|| *black_box(&lock).lock().unwrap() += 1)
    });

    assert!(baton::span("check").start().is_recording());
    g.bench_function("root span start+end", |b| {
        chunked(b, CHUNK, || drop(baton::span("root").start()))
    });

    let parent = baton::span("parent").enter();
    g.bench_function("child span enter+exit", |b| {
        chunked(b, CHUNK, || drop(baton::span("child").enter()))
    });
    drop(parent);

    // Ten levels of ten siblings; the last sibling of each level holds the next.
    fn level(depth: u32) -> u32 {
        let mut made = 0;
        for i in 0..10 {
            let _s = baton::span("node").enter();
            made += 1;
            if i == 9 && depth < 10 {
                made += level(depth + 1);
            }
        }
        made
    }
    assert_eq!(level(1), 100);
    g.bench_function("100-span tree (10 levels x 10)", |b| {
        chunked(b, CHUNK / 10, || {
            black_box(level(1));
        })
    });

    let unsampled = Context::default().with_span_context(
        SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::from_bits(0),
        )
        .with_remote(true),
    );
    let guard = unsampled.attach();
    assert!(!baton::span("check").start().is_recording());
    g.bench_function("unsampled span start+end", |b| {
        b.iter(|| drop(baton::span("quiet").start()))
    });
    drop(guard);
    g.finish();
}

fn contexts(c: &mut Criterion) {
    install();
    let mut g = c.benchmark_group("context");
    g.bench_function("Instant::now", |b| b.iter(Instant::now));
    let cx = Context::default().with_baggage("k", "v");
    g.bench_function("attach+detach", |b| {
        b.iter(|| drop(black_box(cx.clone()).attach()))
    });
    let _g = cx.clone().attach();
    g.bench_function("copy_context_to_thread capture+run (same thread)", |b| {
        b.iter(|| baton::copy_context_to_thread(|| black_box(1))())
    });
    assert_eq!(poll_ready(async { 7 }.in_current_context()), 7);
    g.bench_function("ready future polled with a context", |b| {
        b.iter(|| poll_ready(async { black_box(1) }.in_current_context()))
    });
    g.bench_function("ready future polled with a span", |b| {
        chunked(b, CHUNK, || {
            black_box(poll_ready(async { black_box(1) }.in_span(baton::span("f"))));
        })
    });
    g.finish();
}

criterion_group!(benches, spans, contexts);
criterion_main!(benches);

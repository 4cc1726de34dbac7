//! Export benches: a root span recorded into the batch processor; the cost of recording spans through the batch processor,
//! CPU per span including the worker thread; a flood with a slow exporter
//! (peak memory, drops); and the cost of an unsampled span. Each group also
//! benches `Instant::now()`, so results read as ratios to the clock.
// criterion_group! makes an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use baton::export::{BatchConfig, BatchProcessor, ExportError, SpanExporter, SpanProcessor};
use baton::{SpanContext, SpanData, SpanId, TraceFlags, TraceId};
use criterion::{criterion_group, criterion_main, Criterion};

/// Keeps the first span it sees (a template for the flood), counts the rest.
struct Discard;

static TEMPLATE: OnceLock<SpanData> = OnceLock::new();
static DISCARDED: AtomicU64 = AtomicU64::new(0);

impl SpanExporter for Discard {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if let Some(first) = batch.first() {
            TEMPLATE.get_or_init(|| first.clone());
        }
        DISCARDED.fetch_add(batch.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

/// Sleeps per batch, like a collector far away.
struct Slow;

impl SpanExporter for Slow {
    fn export(&mut self, _: &[SpanData]) -> Result<(), ExportError> {
        std::thread::sleep(Duration::from_millis(2));
        Ok(())
    }
}

/// CPU time of every thread of this process, in nanoseconds, from
/// `/proc/self/task/*/schedstat` (the first field is time on CPU).
fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// A field of `/proc/self/status` in kB, e.g. `VmHWM`.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let processor = BatchProcessor::new(Discard, BatchConfig::default());
        std::mem::forget(baton::init(baton::Config::new().processor(processor)).unwrap());
        baton::in_span("template", || {});
        assert!(baton::export::force_flush(Duration::from_secs(10)).is_ok());
        assert!(TEMPLATE.get().is_some());
    });
}

fn root_spans(n: u64) {
    for _ in 0..n {
        baton::span("request").root().start().end();
    }
}

/// A producer thread that lives for the whole bench, so that its CPU time
/// stays in `/proc/self/task` (an exited thread's would vanish from the sum).
struct Helper {
    work: mpsc::Sender<u64>,
    done: mpsc::Receiver<()>,
}

fn helper() -> &'static Mutex<Helper> {
    static HELPER: OnceLock<Mutex<Helper>> = OnceLock::new();
    HELPER.get_or_init(|| {
        let (work, jobs) = mpsc::channel::<u64>();
        let (finished, done) = mpsc::channel();
        std::thread::spawn(move || {
            for n in jobs {
                root_spans(n);
                let _ = finished.send(());
            }
        });
        Mutex::new(Helper { work, done })
    })
}

/// Spans made and wall-clock nanoseconds taken, on one thread and on two,
/// for the throughput ratio.
static WALL: [(AtomicU64, AtomicU64); 2] = [
    (AtomicU64::new(0), AtomicU64::new(0)),
    (AtomicU64::new(0), AtomicU64::new(0)),
];

/// `iters` root spans on one or two threads; returns the process CPU time
/// (all threads, the batch worker included, flushed before the clock
/// stops) per `iters` spans.
fn spans_cpu(two_threads: bool, iters: u64) -> Duration {
    let helper = helper().lock().unwrap();
    let before = process_cpu_ns();
    let wall = Instant::now();
    if two_threads {
        helper.work.send(iters / 2).unwrap();
        root_spans(iters - iters / 2);
        helper.done.recv().unwrap();
    } else {
        root_spans(iters);
    }
    let (spans, nanos) = &WALL[usize::from(two_threads)];
    spans.fetch_add(iters, Ordering::Relaxed);
    nanos.fetch_add(wall.elapsed().as_nanos() as u64, Ordering::Relaxed);
    assert!(baton::export::force_flush(Duration::from_secs(30)).is_ok());
    Duration::from_nanos(process_cpu_ns().saturating_sub(before))
}

/// Spans per second on one thread (`false`) or two.
fn throughput(two_threads: bool) -> f64 {
    let (spans, nanos) = &WALL[usize::from(two_threads)];
    spans.load(Ordering::Relaxed) as f64 * 1e9 / nanos.load(Ordering::Relaxed).max(1) as f64
}

fn root_span(c: &mut Criterion) {
    install();
    let span = baton::span("request").root().start();
    assert!(span.is_recording());
    span.end();
    let mut g = c.benchmark_group("root span, batch processor");
    g.bench_function("Instant::now()", |b| b.iter(|| black_box(Instant::now())));
    g.bench_function("root span start+end into the batch processor", |b| {
        b.iter(|| baton::span(black_box("request")).root().start().end())
    });
    g.finish();
}

fn sustained(c: &mut Criterion) {
    install();
    let mut g = c.benchmark_group("sustained root spans, batch processor, discarding exporter");
    g.bench_function("Instant::now()", |b| b.iter(|| black_box(Instant::now())));
    // Reported "time" is CPU per span: all threads, worker included.
    g.bench_function("1 thread, CPU per span", |b| {
        b.iter_custom(|iters| spans_cpu(false, iters))
    });
    g.bench_function("2 threads, CPU per span", |b| {
        b.iter_custom(|iters| spans_cpu(true, iters))
    });
    g.finish();
    let dropped = baton::export::dropped_spans();
    let exported = DISCARDED.load(Ordering::Relaxed);
    assert!(exported > 0);
    eprintln!(
        "sustained: {exported} spans exported, {dropped} dropped; 2 threads vs 1: {:.2}x the throughput",
        throughput(true) / throughput(false)
    );
}

fn flood(c: &mut Criterion) {
    install();
    let template = TEMPLATE.get().unwrap().clone();
    let mut g = c.benchmark_group("flood of 10^6 spans, slow exporter");
    g.sample_size(10);
    g.bench_function("Instant::now()", |b| b.iter(|| black_box(Instant::now())));
    let hwm_before = status_kb("VmHWM");
    let mut last = (0, 0);
    g.bench_function("10^6 on_end calls", |b| {
        b.iter(|| {
            let processor = BatchProcessor::new(Slow, BatchConfig::default());
            let stats = processor.stats_handle();
            for _ in 0..1_000_000 {
                processor.on_end(template.clone());
            }
            let _ = processor.shutdown(Instant::now() + Duration::from_millis(100));
            let s = stats.get();
            assert_eq!(s.exported + s.dropped + s.failed + s.in_flight, 1_000_000);
            last = (s.exported, s.dropped);
        })
    });
    g.finish();
    let hwm_after = status_kb("VmHWM");
    assert!(last.1 > 0, "a slow exporter under a flood drops spans");
    eprintln!(
        "flood: last run exported {} dropped {} (every drop counted); peak RSS {hwm_after} kB ({hwm_before} kB before the flood)",
        last.0, last.1
    );
}

fn unsampled(c: &mut Criterion) {
    install();
    let parent = SpanContext::new(TraceId::random(), SpanId::random(), TraceFlags::default())
        .with_remote(true);
    let cx = baton::Context::default().with_span_context(parent);
    let _g = cx.attach();
    assert!(!baton::span("x").start().is_recording());
    let mut g = c.benchmark_group("unsampled span");
    g.bench_function("Instant::now()", |b| b.iter(|| black_box(Instant::now())));
    g.bench_function("start + end", |b| {
        b.iter(|| baton::span(black_box("child")).start().end())
    });
    g.bench_function("enter + drop", |b| {
        b.iter(|| drop(baton::span(black_box("child")).enter()))
    });
    g.finish();
}

criterion_group!(benches, root_span, sustained, flood, unsampled);

criterion_main!(benches);

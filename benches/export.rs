//! Export benches: a root span recorded into the batch processor; the cost of recording spans through the batch processor,
//! CPU per span including the worker thread; a flood with a slow exporter
//! (peak memory, drops); the cost of an unsampled span; the OTLP encoders
//! (protobuf vs JSON, per span of a typical 512-span batch); and OTLP export
//! end to end (CPU per span through the batch processor to a loopback
//! collector, each protocol). Each group also benches `Instant::now()`, so
//! results read as ratios to the clock.
// criterion_group! makes an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use baton::export::{
    BatchConfig, BatchProcessor, Compression, ExportError, OtlpConfig, OtlpExporter, Protocol,
    SpanExporter, SpanProcessor,
};
use baton::{KeyValue, SpanContext, SpanData, SpanId, SpanKind, Status, TraceFlags, TraceId};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Keeps the first span it sees (a template for the flood), counts the rest.
struct Discard;

static TEMPLATE: OnceLock<SpanData> = OnceLock::new();
/// A span as a web service records one, for the OTLP benches.
static TYPICAL: OnceLock<SpanData> = OnceLock::new();
static DISCARDED: AtomicU64 = AtomicU64::new(0);

impl SpanExporter for Discard {
    fn export(&mut self, batch: &[SpanData]) -> Result<(), ExportError> {
        if let Some(first) = batch.first() {
            TEMPLATE.get_or_init(|| first.clone());
            if first.name == "GET /api/cart/{id}" {
                TYPICAL.get_or_init(|| first.clone());
            }
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
        let span = baton::span("GET /api/cart/{id}")
            .kind(SpanKind::Server)
            .attr("http.request.method", "GET")
            .attr("http.route", "/api/cart/{id}")
            .attr(
                "url.full",
                "http://shop.example.com/api/cart/8812?currency=EUR",
            )
            .attr("http.response.status_code", 200)
            .attr("server.address", "shop.example.com")
            .attr(
                "user_agent.original",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
            )
            .attr("cache.hit", false)
            .attr("db.rows", 12)
            .start();
        span.add_event("cart loaded", vec![KeyValue::new("items", 3)]);
        span.set_status(Status::Ok);
        span.end();
        assert!(baton::export::force_flush(Duration::from_secs(10)).is_ok());
        assert!(TYPICAL.get().is_some());
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
    // A filter that skipped both leaves nothing to compare.
    if WALL
        .iter()
        .any(|(spans, _)| spans.load(Ordering::Relaxed) == 0)
    {
        return;
    }
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
    if last == (0, 0) {
        return; // filtered out
    }
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

/// 512 typical spans (a full default batch), each with its own ids.
fn typical_batch() -> Vec<SpanData> {
    install();
    let typical = TYPICAL.get().unwrap();
    (0..512)
        .map(|_| {
            let mut span = typical.clone();
            span.span_context = SpanContext::new(
                TraceId::random(),
                SpanId::random(),
                TraceFlags::default().with_sampled(true),
            );
            span
        })
        .collect()
}

fn otlp_config((protocol, compression): (Protocol, Compression), url: &str) -> OtlpConfig {
    OtlpConfig::new(url)
        .unwrap()
        .service_name("bench")
        .protocol(protocol)
        .compression(compression)
}

const PROTOCOLS: [(&str, (Protocol, Compression)); 4] = [
    ("http/protobuf", (Protocol::HttpProtobuf, Compression::None)),
    ("http/json", (Protocol::HttpJson, Compression::None)),
    (
        "http/protobuf+gzip",
        (Protocol::HttpProtobuf, Compression::Gzip),
    ),
    ("http/json+gzip", (Protocol::HttpJson, Compression::Gzip)),
];

fn encode(c: &mut Criterion) {
    let batch = typical_batch();
    let mut g = c.benchmark_group("OTLP encode, 512 typical spans");
    g.throughput(Throughput::Elements(batch.len() as u64));
    let mut sizes = Vec::new();
    for (name, protocol) in PROTOCOLS {
        let mut exporter =
            OtlpExporter::new(otlp_config(protocol, "http://localhost:4318/v1/traces"));
        let bytes = exporter.encode(&batch).len();
        assert!(bytes > 10 * batch.len());
        sizes.push(format!("{name} {} bytes/span", bytes / batch.len()));
        g.bench_function(name, |b| {
            b.iter(|| black_box(exporter.encode(black_box(&batch)).len()))
        });
    }
    g.finish();
    eprintln!("encode: {}", sizes.join(", "));
}

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A loopback collector answering 200 to every request; it adds its own
/// CPU time to `COLLECTOR_CPU`, which the end-to-end bench leaves out (a
/// real collector is another process).
static COLLECTOR_CPU: AtomicU64 = AtomicU64::new(0);

fn collector() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let before = thread_cpu_ns();
            let mut seen = Vec::new();
            // Head, then Content-Length bytes of body.
            let mut want = None;
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                if want.is_none() {
                    if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        want = Some(end + 4 + len);
                    }
                }
                if want.is_some_and(|w| seen.len() >= w) {
                    break;
                }
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            COLLECTOR_CPU.fetch_add(thread_cpu_ns() - before, Ordering::Relaxed);
        }
    });
    url
}

fn end_to_end(c: &mut Criterion) {
    let batch = typical_batch();
    let url = collector();
    let mut g =
        c.benchmark_group("OTLP export end to end, batch processor to a loopback collector");
    g.sample_size(10);
    g.bench_function("Instant::now()", |b| b.iter(|| black_box(Instant::now())));
    for (name, protocol) in PROTOCOLS {
        let exporter = OtlpExporter::new(otlp_config(protocol, &url));
        let processor = BatchProcessor::new(exporter, BatchConfig::default());
        let stats = processor.stats_handle();
        // Reported "time" is CPU per span: every thread of this process (the
        // caller and the batch worker encoding and sending), the collector's
        // share taken out.
        g.bench_function(format!("{name}, CPU per exported span"), |b| {
            b.iter_custom(|iters| {
                let before = process_cpu_ns();
                let collector_before = COLLECTOR_CPU.load(Ordering::Relaxed);
                // A batch at a time, so the queue never fills.
                let mut left = iters;
                while left > 0 {
                    let n = left.min(512);
                    for span in &batch[..n as usize] {
                        processor.on_end(span.clone());
                    }
                    let deadline = Instant::now() + Duration::from_secs(60);
                    assert!(processor.force_flush(deadline).is_ok());
                    left -= n;
                }
                let collector = COLLECTOR_CPU.load(Ordering::Relaxed) - collector_before;
                Duration::from_nanos(
                    process_cpu_ns()
                        .saturating_sub(before)
                        .saturating_sub(collector),
                )
            })
        });
        assert!(processor
            .shutdown(Instant::now() + Duration::from_secs(60))
            .is_ok());
        // Every span handed over was exported (none when a filter skipped
        // the bench).
        let s = stats.get();
        assert_eq!(s.exported, s.produced, "{name}: {s:?}");
    }
    g.finish();
}

criterion_group!(benches, root_span, sustained, flood, unsampled, encode, end_to_end);

criterion_main!(benches);

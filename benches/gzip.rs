//! gzip benches on a batch of 512 typical spans in OTLP/JSON (built through
//! the public API: recorded spans, written by `JsonLinesExporter`):
//! compression throughput in MB/s of input and the ratio, and export CPU per
//! span with and without gzip (encode only vs encode + compress).
// criterion_group! makes an undocumented function.
#![allow(missing_docs)]

#[path = "../tests/common/inflate.rs"]
mod inflate;
#[path = "../tests/common/span_batch.rs"]
mod span_batch;

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use baton::export::{gzip, JsonLinesExporter, SpanExporter};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use span_batch::{typical_spans, LastWrite, BATCH};

/// A `Write` that gzips each write into a reused buffer, as an exporter
/// compressing its request body would.
struct Gzipped(Vec<u8>);

impl Write for Gzipped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.clear();
        gzip::compress(buf, &mut self.0);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// CPU time of the calling thread, from `/proc/thread-self/schedstat`
/// (its first field), or wall time where that file does not exist.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| {
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed()
        })
}

/// CPU per span of `export` over enough batches to take about a second.
fn cpu_per_span(mut export: impl FnMut()) -> Duration {
    export();
    let before = thread_cpu();
    let mut batches = 0u32;
    while thread_cpu() - before < Duration::from_secs(1) {
        for _ in 0..10 {
            export();
        }
        batches += 10;
    }
    (thread_cpu() - before) / (batches * BATCH as u32)
}

fn compress(c: &mut Criterion) {
    let payload = span_batch::otlp_json(typical_spans());
    let mut out = Vec::new();
    gzip::compress(&payload, &mut out);
    let mut stats = inflate::Stats::default();
    let back = inflate::gunzip(&out, &mut stats).expect("the member decodes");
    assert!(back == payload);
    let ratio = payload.len() as f64 / out.len() as f64;
    assert!(ratio >= 4.0, "ratio {ratio:.2}");

    let mut g = c.benchmark_group("gzip, 512-span OTLP/JSON batch");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    g.bench_function("compress", |b| {
        b.iter(|| {
            out.clear();
            gzip::compress(black_box(&payload), &mut out);
        })
    });
    g.finish();
    assert!(inflate::gunzip(&out, &mut stats).is_ok_and(|b| b == payload));
    eprintln!(
        "gzip: 512 spans, {} bytes of OTLP/JSON -> {} bytes, ratio {ratio:.2}",
        payload.len(),
        out.len()
    );
}

fn export_per_span(c: &mut Criterion) {
    let spans = typical_spans();
    let mut plain = JsonLinesExporter::new(LastWrite(Vec::new()));
    let mut gzipped = JsonLinesExporter::new(Gzipped(Vec::new()));

    let mut g = c.benchmark_group("export of a 512-span batch, OTLP/JSON");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("encode", |b| {
        b.iter(|| plain.export(black_box(spans)).unwrap())
    });
    g.bench_function("encode + gzip", |b| {
        b.iter(|| gzipped.export(black_box(spans)).unwrap())
    });
    g.finish();

    let encode = cpu_per_span(|| plain.export(spans).unwrap());
    let both = cpu_per_span(|| gzipped.export(spans).unwrap());
    let gzipped = gzipped.into_inner().0;
    assert!(gzipped.len() * 4 <= plain.into_inner().0.len());
    // Encoding only: the end-to-end export (encode, compress, post), which
    // the 2x target of issue 11 is about, is in `benches/export.rs`.
    eprintln!(
        "JSON lines, CPU per span, encoding only: encode {encode:?}, encode + gzip {both:?} ({:.2}x)",
        both.as_secs_f64() / encode.as_secs_f64()
    );
}

criterion_group!(benches, compress, export_per_span);
criterion_main!(benches);

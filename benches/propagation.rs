//! Extract and inject for each format from a `HashMap` carrier, a full
//! composite extract, and hostile headers at 8 KiB and 64 KiB (the ratio of
//! the two shows whether a parser is linear). Every group also benches
//! `Instant::now()`, so results read as multiples of the clock.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use baton::propagation::{Composite, Jaeger, Propagator, TraceContext, W3cBaggage, B3};
use baton::Context;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A bench name, a format, and a realistic carrier for it.
type Case = (&'static str, Box<dyn Propagator>, HashMap<String, String>);

fn formats() -> Vec<Case> {
    vec![
        (
            "tracecontext",
            Box::new(TraceContext),
            headers(&[
                ("traceparent", TRACEPARENT),
                ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"),
            ]),
        ),
        (
            "b3 single",
            Box::new(B3::single()),
            headers(&[(
                "b3",
                "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
            )]),
        ),
        (
            "b3 multi",
            Box::new(B3::multi()),
            headers(&[
                ("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"),
                ("X-B3-SpanId", "e457b5a2e4d86bd1"),
                ("X-B3-ParentSpanId", "05e3ac9a4f6e3b90"),
                ("X-B3-Sampled", "1"),
            ]),
        ),
        (
            "jaeger",
            Box::new(Jaeger),
            headers(&[(
                "uber-trace-id",
                "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1",
            )]),
        ),
        (
            "baggage",
            Box::new(W3cBaggage),
            headers(&[(
                "baggage",
                "user_id=u1,session.id=s-1;ttl=60,tenant=acme%20corp",
            )]),
        ),
    ]
}

fn bench_clock(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.bench_function("Instant::now", |b| b.iter(Instant::now));
}

/// Whether extraction found what the carrier holds.
fn found(cx: &Context) -> bool {
    cx.span_context().is_some() || !cx.baggage().is_empty()
}

fn extract(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    bench_clock(&mut group);
    let empty = Context::default();
    for (name, p, carrier) in formats() {
        assert!(found(&p.extract(&empty, &carrier)), "{name}");
        group.bench_function(name, |b| {
            b.iter(|| p.extract(black_box(&empty), black_box(&carrier)))
        });
    }
    group.finish();
}

fn inject(c: &mut Criterion) {
    let mut group = c.benchmark_group("inject");
    bench_clock(&mut group);
    for (name, p, carrier) in formats() {
        let cx = p.extract(&Context::default(), &carrier);
        let mut out = HashMap::new();
        p.inject(&cx, &mut out);
        assert_eq!(out.len(), carrier.len(), "{name}");
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                p.inject(black_box(&cx), &mut out);
            })
        });
    }
    group.finish();
}

fn composite(c: &mut Criterion) {
    let mut group = c.benchmark_group("composite");
    bench_clock(&mut group);
    let all = Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap();
    let carrier = headers(&[
        ("traceparent", TRACEPARENT),
        ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"),
        (
            "baggage",
            "user_id=u1,session.id=s-1;ttl=60,tenant=acme%20corp",
        ),
    ]);
    let empty = Context::default();
    let cx = all.extract(&empty, &carrier);
    assert!(cx.span_context().is_some() && cx.baggage().len() == 3);
    group.bench_function("extract, all formats", |b| {
        b.iter(|| all.extract(black_box(&empty), black_box(&carrier)))
    });
    group.finish();
}

/// A header of `len` bytes made by repeating `unit` after `prefix`.
fn long(prefix: &str, unit: &str, len: usize) -> String {
    let mut s = String::from(prefix);
    while s.len() + unit.len() <= len {
        s.push_str(unit);
    }
    s
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    bench_clock(&mut group);
    let all = Composite::from_list("tracecontext,baggage,b3,b3multi,jaeger").unwrap();
    let empty = Context::default();
    // A member that takes almost the whole baggage budget, before duplicates.
    let full = format!("a={},", "x".repeat(8000));
    let cases: [(&str, &str, &str); 9] = [
        ("traceparent", "00-", "a"),
        ("tracestate", "", "k=v,"),
        ("baggage", "", "k=v;p,"),
        ("baggage", &full, "b=1,"),
        ("baggage", "", "%"),
        ("b3", "", "0"),
        ("x-b3-traceid", "", "a"),
        ("uber-trace-id", "", "%3A"),
        ("uberctx-k", "", "%20"),
    ];
    for len in [8 * 1024, 64 * 1024] {
        for (name, prefix, unit) in cases {
            let mut carrier = headers(&[(name, &long(prefix, unit, len))]);
            if name == "tracestate" {
                carrier.insert("traceparent".into(), TRACEPARENT.into());
            }
            let cx = all.extract(&empty, &carrier);
            assert!(cx.baggage().len() <= baton::Baggage::MAX_MEMBERS, "{name}");
            group.throughput(Throughput::Bytes(len as u64));
            group.bench_function(format!("{name} {unit:?} {} KiB", len / 1024), |b| {
                b.iter(|| all.extract(black_box(&empty), black_box(&carrier)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, extract, inject, composite, hostile);
criterion_main!(benches);

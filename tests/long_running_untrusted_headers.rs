//! Headers from untrusted callers at volume: 20,000 extracts, through a
//! composite of every propagator, of carriers holding baggage and
//! tracestate at their documented limits (`Baggage::MAX_MEMBERS` and
//! `MAX_BYTES`, `TraceState::MAX_MEMBERS` of `MAX_KEY_LEN`/`MAX_VALUE_LEN`)
//! and past them, B3, Jaeger (64 `uberctx-*` fields) and session headers,
//! with values that change on every request, each followed by an inject
//! into a reused carrier: after a warm-up, the process's live bytes do not
//! grow.
//!
//! 20,000 in a debug build take about 15 s. Measured in release with
//! 100,000: 27,968 live bytes after the warm-up, 28,048 after each tenth
//! (the reused inject carrier's growth, once), as with 20,000.
//!
//! Installs the counting allocator.

use std::collections::HashMap;

use baton::propagation::{
    Composite, Jaeger, Propagator, SessionHeader, TraceContext, W3cBaggage, B3,
    DEFAULT_SESSION_HEADER,
};
use baton::{Baggage, Context, TraceState};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

/// Baggage of `members` members of `len` bytes each (`kNN=` and a value).
fn baggage(members: usize, len: usize) -> String {
    (0..members)
        .map(|i| format!("k{i:02}={}", "v".repeat(len - 4)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Tracestate of `members` members with keys and values of the longest.
fn tracestate(members: usize) -> String {
    (0..members)
        .map(|i| {
            let key = format!("k{i:02}{}", "x".repeat(TraceState::MAX_KEY_LEN - 3));
            format!("{key}={}", "v".repeat(TraceState::MAX_VALUE_LEN))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The carriers a request may bring; `n` changes the ids and a value.
fn carriers(n: usize) -> Vec<HashMap<String, String>> {
    let trace = format!("{:032x}", n as u128 + 1);
    let span = format!("{:016x}", n as u64 + 1);
    // At the limits: 64 members of 127 bytes, 8191 bytes with the commas.
    let full = format!("{},k63={n:0>123}", baggage(Baggage::MAX_MEMBERS - 1, 127));
    assert_eq!(full.len(), Baggage::MAX_BYTES - 1);
    let uberctx = (0..Baggage::MAX_MEMBERS + 16)
        .map(|i| (format!("uberctx-k{i}"), format!("{n}-{}", "u".repeat(64))));
    vec![
        HashMap::from([
            ("traceparent".into(), format!("00-{trace}-{span}-01")),
            ("tracestate".into(), tracestate(TraceState::MAX_MEMBERS)),
            ("baggage".into(), full),
        ]),
        // Past the limits: 100 members of 200 bytes, 40 tracestate members.
        HashMap::from([
            ("traceparent".into(), format!("00-{trace}-{span}-01")),
            ("tracestate".into(), tracestate(40)),
            ("baggage".into(), baggage(100, 200)),
            (DEFAULT_SESSION_HEADER.into(), format!("session-{n}")),
        ]),
        HashMap::from([
            ("x-b3-traceid".into(), trace.clone()),
            ("x-b3-spanid".into(), span.clone()),
            ("x-b3-sampled".into(), "1".into()),
            ("b3".into(), format!("{trace}-{span}-1")),
        ]),
        std::iter::once(("uber-trace-id".into(), format!("{trace}:{span}:0:1")))
            .chain(uberctx)
            .collect(),
        // Garbage of the maximum sizes.
        HashMap::from([
            ("traceparent".into(), "0".repeat(4096)),
            ("tracestate".into(), "=,".repeat(8192)),
            ("baggage".into(), "%".repeat(16384)),
            ("b3".into(), "-".repeat(4096)),
            ("uber-trace-id".into(), ":".repeat(4096)),
        ]),
    ]
}

#[test]
fn twenty_thousand_extracts_at_and_past_the_limits_keep_memory_flat() {
    const WARM_UP: usize = 1_000;
    const EXTRACTS: usize = 20_000;
    let composite = Composite::new(vec![
        Box::new(TraceContext),
        Box::new(W3cBaggage),
        Box::new(B3::single()),
        Box::new(Jaeger),
        Box::new(SessionHeader::new(DEFAULT_SESSION_HEADER).unwrap()),
    ]);
    let kinds = carriers(0).len();
    // The carriers are built anew for each five requests (one of each
    // kind), their ids and a value from `n`; each is extracted twice (the
    // second time onto the context the first gave, so baggage limits are
    // checked against what is already there) and injected.
    let mut out: HashMap<String, String> = HashMap::new();
    let mut round = |from: usize, to: usize| {
        let mut i = from;
        while i < to {
            let set = carriers(i);
            for carrier in &set {
                let cx = composite.extract(&Context::default(), carrier);
                let cx = composite.extract(&cx, carrier);
                composite.inject(&cx, &mut out);
                i += 2;
            }
        }
    };
    round(0, WARM_UP);
    let baseline = counting_alloc::live_bytes();
    let readings: Vec<isize> = (0..10)
        .map(|k| {
            round(
                WARM_UP + k * EXTRACTS / 10,
                WARM_UP + (k + 1) * EXTRACTS / 10,
            );
            counting_alloc::live_bytes()
        })
        .collect();
    eprintln!(
        "untrusted headers ({kinds} kinds): live bytes {baseline} after warm-up, then {readings:?}"
    );
    let grown = readings.iter().max().unwrap() - baseline;
    assert!(
        grown < 4 * 1024,
        "live bytes grew by {grown} over {EXTRACTS} extracts: {readings:?}"
    );
}

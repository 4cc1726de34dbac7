//! Hostile input costs little: a 1 MiB header is rejected with a small,
//! bounded allocation, and 10^5 `uberctx-*` fields stay bounded.
//!
//! A counting global allocator records the bytes each thread allocates, so
//! the tests in this file can run in parallel without seeing each other.

use std::collections::HashMap;

use baton::propagation::{Jaeger, Propagator, B3};
use baton::wire::{b3_single, uber_trace_id, uberctx, Field, Reason, WireError};
use baton::{Baggage, Context};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocated_by as allocated;

const MIB: usize = 1 << 20;

/// Enough for the returned context and one diagnostic line; far below the input.
const SMALL: usize = 4096;

fn one_header(name: &str, value: String) -> HashMap<String, String> {
    HashMap::from([(name.to_string(), value)])
}

#[test]
fn allocator_counts_this_threads_allocations() {
    let (v, n) = allocated(|| vec![0u8; 1000]);
    assert!(n >= 1000, "{n}");
    drop(v);
}

#[test]
fn megabyte_b3_is_rejected_without_allocating() {
    let value = "a".repeat(MIB);
    let (r, n) = allocated(|| b3_single::parse_single(&value));
    assert_eq!(
        r,
        Err(WireError::new(Field::B3, 68, Reason::TooLong { max: 68 }))
    );
    assert_eq!(n, 0);

    let carrier = one_header("b3", value);
    let (cx, n) = allocated(|| B3::single().extract(&Context::default(), &carrier));
    assert!(cx.span_context().is_none());
    assert!(n < SMALL, "{n} bytes");
}

#[test]
fn megabyte_x_b3_traceid_is_rejected_with_a_small_allocation() {
    let carrier = HashMap::from([
        ("x-b3-traceid".to_string(), "a".repeat(MIB)),
        ("x-b3-spanid".to_string(), "a2fb4a1d1a96d312".to_string()),
    ]);
    let (cx, n) = allocated(|| B3::multi().extract(&Context::default(), &carrier));
    assert!(cx.span_context().is_none());
    assert!(n < SMALL, "{n} bytes");
}

#[test]
fn megabyte_uber_trace_id_is_rejected_without_allocating() {
    let value = "a".repeat(MIB);
    let (r, n) = allocated(|| uber_trace_id::parse(&value));
    assert_eq!(
        r,
        Err(WireError::new(
            Field::UberTraceId,
            75,
            Reason::TooLong { max: 75 }
        ))
    );
    assert_eq!(n, 0);

    let carrier = one_header("uber-trace-id", value);
    let (cx, n) = allocated(|| Jaeger.extract(&Context::default(), &carrier));
    assert!(cx.span_context().is_none());
    assert!(n < SMALL, "{n} bytes");
}

#[test]
fn megabyte_uberctx_value_is_rejected_without_allocating() {
    let value = "%41".repeat(MIB / 3);
    let (r, n) = allocated(|| uberctx::parse_baggage_value(&value));
    assert_eq!(
        r.map_err(|e| e.reason()),
        Err(Reason::TooLong {
            max: Baggage::MAX_BYTES
        })
    );
    assert_eq!(n, 0);

    let carrier = one_header("uberctx-big", value);
    let (cx, n) = allocated(|| Jaeger.extract(&Context::default(), &carrier));
    assert!(cx.baggage().is_empty());
    assert!(n < SMALL, "{n} bytes");
}

#[test]
fn hundred_thousand_uberctx_fields_stay_bounded() {
    let carrier: HashMap<String, String> = (0..100_000)
        .map(|i| (format!("uberctx-k{i}"), format!("value-{i}")))
        .collect();
    let (cx, n) = allocated(|| Jaeger.extract(&Context::default(), &carrier));
    assert_eq!(cx.baggage().len(), Baggage::MAX_MEMBERS);
    // 64 entries of a few dozen bytes each, their vectors, and one diagnostic.
    assert!(n < 32 * 1024, "{n} bytes");
}

#[test]
fn hundred_thousand_repeats_of_one_uberctx_field_stay_bounded() {
    let carrier: Vec<(String, String)> = (0..100_000)
        .map(|i| ("uberctx-same".to_string(), format!("{i}")))
        .collect();
    let (cx, n) = allocated(|| Jaeger.extract(&Context::default(), &carrier));
    let entries: Vec<_> = cx.baggage().iter().map(|(k, v, _)| (k, v)).collect();
    assert_eq!(entries, [("same", "0")]);
    assert!(n < SMALL, "{n} bytes");
}

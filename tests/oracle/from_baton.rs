//! baton's parsed values in the terms the oracles use, for the comparisons
//! in the property tests and the fuzz targets. (The oracles themselves use
//! no baton code.)

use baton::wire::b3::{B3Header, Sampling};
use baton::wire::uber_trace_id::JaegerHeader;

/// The B3 oracle's `State`, spelled out here because the fuzz targets
/// include this file beside the oracle's rather than through `oracle::b3`.
pub type B3State = (Option<(u128, u64, Option<u64>)>, Option<u8>);

/// A parsed B3 header as the B3 oracle's `State`: ids `(trace, span,
/// parent)` if any, and the sampling state as `b'0'`, `b'1'` or `b'd'`.
pub fn b3_state(h: B3Header) -> B3State {
    let byte = |s: Sampling| match s {
        Sampling::Deny => b'0',
        Sampling::Accept => b'1',
        Sampling::Debug => b'd',
    };
    match h {
        B3Header::SamplingOnly(s) => (None, Some(byte(s))),
        B3Header::Context {
            trace_id,
            span_id,
            parent_span_id,
            sampling,
        } => (
            Some((
                trace_id.to_u128(),
                span_id.to_u64(),
                parent_span_id.map(|p| p.to_u64()),
            )),
            sampling.map(byte),
        ),
    }
}

/// A parsed `uber-trace-id` as the Jaeger oracle's fields: `(trace, span,
/// parent, flags)`.
pub fn jaeger_fields(h: &JaegerHeader) -> (u128, u64, Option<u64>, u8) {
    (
        h.trace_id.to_u128(),
        h.span_id.to_u64(),
        h.parent_span_id.map(|p| p.to_u64()),
        h.flags,
    )
}

//! Naive oracles, one per header format, written straight from each spec's
//! grammar with no regard for speed and without baton's code: the
//! differential property tests (`tests/wire_matches_abnf_oracles.rs`) and
//! the fuzz targets (`fuzz/fuzz_targets/*.rs`, which include these files)
//! check that baton's parsers accept exactly what they accept, with the
//! same values.
#![allow(dead_code)]

pub mod b3;
pub mod baggage;
pub mod from_baton;
pub mod jaeger;
pub mod traceparent;
pub mod tracestate;

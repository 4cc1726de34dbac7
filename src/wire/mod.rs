//! The wire floor: one pure parser and formatter per header format.
//!
//! Every function here takes and returns plain values: no carrier, no
//! [`Context`], no diagnostics, no globals; it builds with `core` and
//! `alloc` alone (`--no-default-features`). Every parser returns
//! the same error, [`WireError`]: which [`Field`], which byte offset, what
//! [`Reason`]. The propagators in [`crate::propagation`] are built on these
//! functions and report what they skip; the CLI, the fuzz targets and the
//! property tests call them directly.
//!
#![cfg_attr(feature = "std", doc = "[`Context`]: crate::Context")]
#![cfg_attr(
    not(feature = "std"),
    doc = "[`Context`]: crate#features\n[`crate::propagation`]: crate#features"
)]
//!
//! | header | module |
//! |---|---|
//! | `traceparent` | [`traceparent`] |
//! | `tracestate` | [`tracestate`] |
//! | `baggage` | [`baggage`] |
//! | `b3` | [`b3_single`] (state shared with `X-B3-*` in [`b3`]) |
//! | `X-B3-*` | [`b3_multi`] |
//! | `uber-trace-id` | [`uber_trace_id`] |
//! | `uberctx-{key}` | [`uberctx`] |
//! | `jaeger-baggage` | [`jaeger_baggage`] |
//!
//! # Example: one error shape for every format
//! ```
//! use baton::wire::{b3_single, traceparent, uber_trace_id, Field};
//! let errors = [
//!     traceparent::parse("00-4bf92f3577b34da6a3ce929d0e0e473X-00f067aa0ba902b7-01").unwrap_err(),
//!     b3_single::parse_single("4bf92f3577b34da6a3ce929d0e0e473X-00f067aa0ba902b7").unwrap_err(),
//!     uber_trace_id::parse("4bf92f3577b34da6a3ce929d0e0e473X:1:0:1").unwrap_err(),
//! ];
//! let at: Vec<_> = errors.iter().map(|e| (e.field(), e.offset())).collect();
//! assert_eq!(at, [(Field::TraceparentTraceId, 34), (Field::B3TraceId, 31), (Field::JaegerTraceId, 31)]);
//! ```

pub mod b3;
pub mod b3_multi;
pub mod b3_single;
pub mod baggage;
mod error;
pub mod jaeger_baggage;
pub(crate) mod lexical;
pub mod traceparent;
pub mod tracestate;
pub mod uber_trace_id;
pub mod uberctx;

pub use crate::baggage::{is_tchar, unpadded};
pub use error::{Field, Reason, WireError};

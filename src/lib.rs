//! baton carries trace context along a request's whole path — frames of one
//! thread, futures on any executor, pool workers, other processes, other
//! services — records spans, and hands them to the backends people already run.
//!
//! No runtime dependencies, no `unsafe`, stable Rust.
//!
//! # Example: nested spans, a pool job and a future in one trace
//! ```
//! use baton::FutureExt;
//! let spans = baton::InMemoryExporter::default();
//! let _pipeline = baton::init(baton::Config::new().exporter(spans.clone())).unwrap();
//!
//! baton::in_span("request", || {
//!     let _s = baton::session("s-1");
//!     let job = baton::copy_context_to_thread(|| baton::in_span("pool job", || {}));
//!     std::thread::spawn(job).join().unwrap();
//!     let fut = async {}.in_span(baton::span("future"));
//!     drop(fut); // a dropped future ends its span too
//! });
//!
//! let finished = spans.finished_spans();
//! let names: Vec<&str> = finished.iter().map(|s| s.name.as_ref()).collect();
//! assert_eq!(names, ["pool job", "future", "request"]);
//! assert!(finished.iter().all(|s| s.trace_id() == finished[2].trace_id()));
//! assert_eq!(finished[0].attribute("session.id").unwrap().to_string(), "s-1");
//! ```
//!
//! # Where things live
//! - [`span`], [`Span`], [`SpanGuard`], [`SpanRef`]: recording work.
//! - [`Context`], [`ContextGuard`]: the snapshot that travels, and the scope
//!   that makes it current; [`Baggage`] and [`Session`] ride inside it.
//! - [`copy_context_to_thread`], [`thread::spawn`], [`FutureExt`]: carrying
//!   the context to other threads and tasks.
//! - [`propagation`]: carrying it to other processes and services.
//! - [`export`] and [`sampling`]: what is recorded and where it goes.
//! - [`diagnostic_count`] and [`set_diagnostic_handler`]: misuse and bad input.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attribute_limits;
mod baggage;
mod base64;
mod clock;
mod context;
mod diagnostic;
pub mod export;
mod future;
mod id;
mod log_correlation;
pub mod propagation;
pub mod sampling;
mod session;
mod span;
mod span_context;
mod span_data;
mod span_limits;
mod stack;
pub mod thread;
mod trace_state;
mod value;

pub use baggage::{baggage, set_baggage, Baggage, BaggageError, MAX_BAGGAGE_MEMBERS};
pub use clock::now_unix_nanos;
pub use context::Context;
pub use diagnostic::{
    diagnostic_count, set_diagnostic_handler, Diagnostic, DiagnosticHandler, DiagnosticKind,
    HandlerAlreadySet, STDERR_INTERVAL_SECS,
};
pub use export::{init, Config, ConfigError, InMemoryExporter, InitError, PipelineGuard};
pub use future::FutureExt;
pub use id::{IdError, SpanId, TraceId};
pub use log_correlation::{current_span_id, log_ids, LogIds};
pub use propagation::{extract_context, inject_context, propagated_context};
pub use session::{current_session, session, Session};
pub use span::{
    current_span, current_trace_id, in_span, span, Span, SpanBuilder, SpanGuard, SpanRef,
};
pub use span_context::{SpanContext, TraceFlags};
pub use span_data::{Event, Link, SpanData, SpanKind, SpanType, Status};
pub use span_limits::SpanLimits;
#[doc(hidden)]
pub use stack::__stack_depth;
pub use stack::{new_trace_context, ContextGuard, MAX_CONTEXT_DEPTH};
pub use thread::{copy_context_to_fn, copy_context_to_thread};
pub use trace_state::TraceState;
pub use value::{Array, KeyValue, Str, Value};

/// The README's examples run as doctests, so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

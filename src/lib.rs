//! baton carries trace context along a request's whole path — frames of one
//! thread, futures on any executor, pool workers, other processes, other
//! services — records spans, and hands them to the backends people already run.
//!
//! No runtime dependencies, no `unsafe`, stable Rust.
//!
//! # Example: nested spans, a pool job and a future in one trace
//! ```
//! # #[cfg(feature = "std")] {
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
//! # }
//! ```
//!
//! # Where things live
// Built without `std` these items do not exist, and a link to one would be
// broken: that build says where they went instead.
#![cfg_attr(
    feature = "std",
    doc = "\
- [`span`], [`Span`], [`SpanGuard`], [`SpanRef`]: recording work.
- [`tracer`], [`Tracer`], [`InstrumentationScope`]: a library's spans
  recorded in a scope of their own (its name and version).
- [`Context`], [`ContextGuard`]: the snapshot that travels, and the scope
  that makes it current; [`Baggage`] and [`Session`] ride inside it.
- [`copy_context_to_thread`], [`thread::spawn`], [`FutureExt`]: carrying
  the context to other threads and tasks.
- [`propagation`]: carrying it to other processes and services.
- [`init`], [`Config`] and [`PipelineGuard`]: installing the pipeline,
  in code or from the `OTEL_*` environment variables.
- [`export`] and [`sampling`]: what is recorded and where it goes."
)]
#![cfg_attr(
    not(feature = "std"),
    doc = "\
- Spans, tracers, the context and its carriers, propagation, the pipeline,
  export, sampling and diagnostics: with the `std` feature only (see
  [Features](#features))."
)]
//! - [`wire`]: the strict parser and formatter of each header format, with
//!   errors that name the field and byte.
#![cfg_attr(
    feature = "std",
    doc = "- [`diagnostic_count`] and [`set_diagnostic_handler`]: misuse and bad input."
)]
//!
//! # Features
//! - `std` (default): everything above. Without it (`default-features =
//!   false`) the crate is `#![no_std]` with `alloc` and holds the model (ids,
//!   [`SpanContext`], [`TraceState`], [`Baggage`]) and the header parsers of
//!   [`wire`].
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

// The model and wire floors: `core` and `alloc` only.
mod baggage;
mod byte_words;
mod id;
mod span_context;
mod trace_state;
pub mod wire;

pub use baggage::{Baggage, BaggageError};
pub use id::{IdError, SpanId, TraceId};
pub use span_context::{SpanContext, TraceFlags};
pub use trace_state::{TraceState, TraceStateError};

#[cfg(feature = "std")]
mod attribute_limits;
#[cfg(feature = "std")]
mod base64;
#[cfg(feature = "std")]
mod clock;
#[cfg(feature = "std")]
mod context;
#[cfg(feature = "std")]
mod diagnostic;
#[cfg(feature = "std")]
mod ended_span;
#[cfg(feature = "std")]
pub mod export;
#[cfg(feature = "std")]
mod future;
#[cfg(feature = "std")]
mod id_generator;
#[cfg(feature = "std")]
mod instant_nanos;
#[cfg(feature = "std")]
mod instrumentation_scope;
#[cfg(feature = "std")]
mod line_escape;
#[cfg(feature = "std")]
mod local_batch;
#[cfg(feature = "std")]
mod log_correlation;
#[cfg(feature = "std")]
mod panic_hook;
#[cfg(feature = "std")]
pub mod propagation;
#[cfg(feature = "std")]
mod recorder;
#[cfg(feature = "std")]
pub mod sampling;
#[cfg(feature = "std")]
mod scoped_baggage;
#[cfg(feature = "std")]
mod session;
#[cfg(feature = "std")]
mod span;
#[cfg(feature = "std")]
mod span_context_box;
#[cfg(feature = "std")]
mod span_data;
#[cfg(feature = "std")]
mod span_limits;
#[cfg(feature = "std")]
mod span_record;
#[cfg(feature = "std")]
mod span_state;
#[cfg(feature = "std")]
mod spare_boxes;
#[cfg(feature = "std")]
mod stack;
#[cfg(feature = "std")]
pub mod thread;
#[cfg(feature = "std")]
mod tracer;
#[cfg(feature = "std")]
mod value;
#[cfg(feature = "std")]
mod value_fmt;

#[cfg(feature = "std")]
pub use std_api::*;

/// The runtime and boundary floors, which need `std`.
#[cfg(feature = "std")]
mod std_api {
    pub use crate::clock::now_unix_nanos;
    pub use crate::context::Context;
    pub use crate::diagnostic::{
        diagnostic_count, set_diagnostic_handler, Diagnostic, DiagnosticHandler, DiagnosticKind,
        HandlerAlreadySet, STDERR_INTERVAL_SECS,
    };
    pub use crate::ended_span::EndedSpan;
    pub use crate::export::{
        init, Config, ConfigError, InMemoryExporter, InitError, PipelineGuard,
    };
    pub use crate::future::FutureExt;
    pub use crate::id_generator::{IdGenerator, RandomIdGenerator};
    pub use crate::instrumentation_scope::InstrumentationScope;
    pub use crate::log_correlation::{current_span_id, log_ids, LogIds};
    pub use crate::propagation::{extract_context, inject_context, propagated_context};
    pub use crate::scoped_baggage::{baggage, set_baggage};
    pub use crate::session::{current_session, session, Session};
    pub use crate::span::{
        current_span, current_trace_id, in_span, span, Span, SpanBuilder, SpanGuard, SpanRef,
    };
    pub use crate::span_data::{Event, Link, SpanData, SpanKind, SpanType, Status};
    pub use crate::span_limits::SpanLimits;
    pub use crate::span_record::MAX_ERROR_SOURCES;
    #[doc(hidden)]
    pub use crate::stack::{__spare_kept, __stack_depth};
    pub use crate::stack::{new_trace_context, ContextGuard, MAX_CONTEXT_DEPTH, MAX_LEFT_BEHIND};
    pub use crate::thread::{copy_context_to_fn, copy_context_to_thread};
    pub use crate::tracer::{tracer, Tracer, TracerBuilder, MAX_SCOPES};
    pub use crate::value::{Array, KeyValue, Str, Value};
}

/// The README's examples run as doctests, so they cannot go stale. They
/// use the `std` items: a build without it leaves them out, where hidden
/// `#[cfg]` lines would show in the README as GitHub renders it.
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "std"))]
pub struct ReadmeDoctests;

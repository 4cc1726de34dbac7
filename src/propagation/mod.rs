//! Carrying the context across services, queues and processes.
//!
//! Each wire format has strict `parse`/`format` functions over `&str` that
//! return a precise error, and a [`Propagator`] built on them. Carriers
//! ([`Injector`], [`Extractor`]) abstract over header maps and environment
//! variables.

mod carrier;

// W3C Trace Context and Baggage.
pub mod baggage;
mod trace_context;
pub mod traceparent;
pub mod tracestate;
mod w3c_baggage;
pub use trace_context::TraceContext;
pub use w3c_baggage::W3cBaggage;

// Zipkin B3 and Jaeger.
pub mod b3;
mod b3_multi;
mod b3_single;
pub mod jaeger;
mod uberctx;
pub use b3::B3;
pub use jaeger::Jaeger;

// Sessions in their own header.
mod session;
pub use session::{
    check_session_id, SessionError, SessionHeader, BATON_SESSION_HEADER, DEFAULT_SESSION_HEADER,
    MAX_SESSION_ID_LEN,
};

// Composition, environment carriers and the global propagator.
mod composite;
mod env;
mod global;
pub use composite::{Composite, ConfigError, DEFAULT_PROPAGATORS, OTEL_PROPAGATORS};
pub use env::{env_name, extract_from_env, inject_into_command, propagated_from_env, EnvCarrier};
pub use global::{
    extract_context, global_propagator, inject_context, propagated_context, set_global_propagator,
    AlreadySet,
};

pub use carrier::{Extractor, Injector};

use crate::Context;

/// Moves a context into and out of a carrier in one wire format.
pub trait Propagator: Send + Sync {
    /// Writes `cx`'s fields into `carrier`.
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector);

    /// Returns `cx` plus what the carrier holds in this format. Never fails:
    /// an invalid field is skipped (and reported as a diagnostic).
    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context;

    /// The field names this format reads and writes, lowercase.
    fn fields(&self) -> &[&str];
}

//! Carrying the context across services, queues and processes.
//!
//! One [`Propagator`] per wire format, each built on the pure parsers of
//! [`crate::wire`]; carriers ([`Injector`], [`Extractor`]) abstract over
//! header maps and environment variables. What an extract cannot use is
//! collected as [`Problems`] and reported here, at the boundary, once per
//! problem: see [`Propagator::extract_with_problems`].

mod baggage_merge;
mod carrier;
mod parent;
mod problems;

// W3C Trace Context and Baggage.
mod trace_context;
mod w3c_baggage;
pub use trace_context::TraceContext;
pub use w3c_baggage::W3cBaggage;

// Zipkin B3 and Jaeger.
mod b3;
mod jaeger;
pub use b3::B3;
pub use jaeger::Jaeger;

// Sessions in their own header.
mod session;
pub use session::{
    check_session_id, SessionError, SessionHeader, BATON_SESSION_HEADER, DEFAULT_SESSION_HEADER,
    MAX_SESSION_HEADERS, MAX_SESSION_HEADER_LEN, MAX_SESSION_ID_LEN,
};

// Composition, environment carriers and the global propagator.
mod composite;
mod env;
mod field_name;
pub(crate) mod global;
pub use composite::{
    Composite, ConfigError, PropagatorsError, DEFAULT_PROPAGATORS, OTEL_PROPAGATORS,
};
pub use env::{env_name, extract_from_env, inject_into_command, propagated_from_env, EnvCarrier};
pub use global::{
    extract_context, global_propagator, inject_context, propagated_context, set_global_propagator,
    AlreadySet,
};

pub use carrier::{Extractor, Injector};
pub use problems::{Problem, Problems};

use crate::context::Context;

/// Moves a context into and out of a carrier in one wire format.
pub trait Propagator: Send + Sync {
    /// Writes `cx`'s fields into `carrier`.
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector);

    /// Returns `cx` plus what the carrier holds in this format. Never fails:
    /// an invalid field is skipped, and each problem met is reported once
    /// as a diagnostic.
    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context;

    /// Returns `cx` plus what the carrier holds in this format, and the
    /// problems met, without reporting them: the caller decides (a
    /// [`Composite`] collects its members' problems and reports each once).
    ///
    /// The default runs [`Propagator::extract`], which reports its own.
    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        (self.extract(cx, carrier), Problems::default())
    }

    /// The field names this format writes, lowercase. It reads them too,
    /// and may read more: see [`Propagator::extract_fields`].
    fn fields(&self) -> &[&str];

    /// Every field name extraction reads, lowercase: [`Propagator::fields`]
    /// plus any other encoding the format accepts (B3 reads the `b3` header
    /// and the `x-b3-*` headers, whichever form it writes).
    ///
    /// A carrier that outlives one context has to lose all of these before
    /// an inject, not only the fields written: a field left over from an
    /// earlier context would be read as if current, e.g. an old `b3` wins
    /// over freshly written `x-b3-*` headers. [`inject_into_command`] clears
    /// them from a child's environment so.
    ///
    /// Defaults to [`Propagator::fields`].
    fn extract_fields(&self) -> &[&str] {
        self.fields()
    }
}

/// The context of an extract, after its problems are reported: how each
/// built-in propagator's [`Propagator::extract`] ends.
#[inline]
pub(crate) fn reported((cx, problems): (Context, Problems)) -> Context {
    if !problems.is_empty() {
        problems.report();
    }
    cx
}

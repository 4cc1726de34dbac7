//! Carrying the context across services, queues and processes.
//!
//! One [`Propagator`] per wire format, each built on the pure parsers of
//! [`crate::wire`]; carriers ([`Injector`], [`Extractor`]) abstract over
//! header maps and environment variables. What an extract cannot use is
//! collected as [`Problems`] and reported here, at the boundary, once per
//! problem: see [`Propagator::extract_with_problems`].
//!
//! [`inject_context`] and [`extract_context`] use the global propagator,
//! built from `OTEL_PROPAGATORS` (default `tracecontext,baggage`, see
//! [`global_propagator`]); [`Composite`] builds one in code, and
//! [`inject_into_command`] / [`propagated_from_env`] carry the context to a
//! child process.
//!
//! # Example: one request across two services
//! ```
//! use std::collections::HashMap;
//! let _pipeline = baton::init(baton::Config::new()).unwrap(); // without one, spans have no ids
//!
//! // The client writes its span and baggage into the request's headers.
//! let mut headers = HashMap::new();
//! let (trace_id, client_id) = {
//!     let client = baton::span("GET /cart").kind(baton::SpanKind::Client).enter();
//!     let _user = baton::set_baggage("user_id", "u1");
//!     baton::inject_context(&mut headers);
//!     (client.trace_id(), client.span_id())
//! };
//! assert_eq!(headers["baggage"], "user_id=u1");
//!
//! // The server, in another process, continues the client's trace.
//! {
//!     let _remote = baton::propagated_context(&headers);
//!     let server = baton::span("cart").kind(baton::SpanKind::Server).enter();
//!     assert_eq!(server.trace_id(), trace_id);
//!     assert_eq!(server.parent_span_id(), Some(client_id));
//!     assert_eq!(baton::baggage("user_id").as_deref(), Some("u1"));
//! }
//!
//! // An invalid header is skipped and reported, never an error: a span
//! // started in this context is a root.
//! let bad = HashMap::from([("traceparent".to_string(), "00-garbage".to_string())]);
//! assert!(baton::extract_context(&bad).span_context().is_none());
//! assert_eq!(baton::diagnostic_count(baton::DiagnosticKind::InvalidHeader), 1);
//! ```

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
///
/// The built-in formats are [`TraceContext`], [`W3cBaggage`], [`B3`],
/// [`Jaeger`] and [`SessionHeader`]; implement it for a header of your own
/// and run it beside them in a [`Composite`].
///
/// # Example: a header of your own, beside W3C Trace Context
/// ```
/// use std::collections::HashMap;
/// use baton::propagation::{Composite, Extractor, Injector, Propagator, TraceContext};
/// use baton::Context;
///
/// /// Carries the baggage entry `tenant` in an `x-tenant` header.
/// struct Tenant;
/// impl Propagator for Tenant {
///     fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
///         match cx.baggage().get("tenant") {
///             Some(tenant) => carrier.set("x-tenant", tenant.to_string()),
///             // Leave no value of an earlier context in a reused carrier.
///             None => carrier.remove_field("x-tenant"),
///         }
///     }
///     fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
///         match carrier.get("x-tenant") {
///             Some(tenant) => cx.with_baggage("tenant", &tenant),
///             None => cx.clone(),
///         }
///     }
///     fn fields(&self) -> &[&str] {
///         &["x-tenant"]
///     }
/// }
///
/// let both = Composite::new(vec![Box::new(TraceContext), Box::new(Tenant)]);
/// assert_eq!(both.fields(), ["traceparent", "tracestate", "x-tenant"]);
/// let incoming = HashMap::from([
///     ("traceparent".to_string(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string()),
///     ("X-Tenant".to_string(), "acme".to_string()), // names match in any case
/// ]);
/// let cx = both.extract(&Context::default(), &incoming);
/// assert_eq!(cx.baggage().get("tenant"), Some("acme"));
///
/// let mut outgoing = HashMap::new();
/// both.inject(&cx, &mut outgoing);
/// assert_eq!(outgoing["x-tenant"], "acme");
/// assert_eq!(outgoing["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
/// ```
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

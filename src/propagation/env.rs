//! Environment variables as a carrier, for child processes.
//!
//! OpenTelemetry, ["Environment Variables as Context Propagation
//! Carriers"](https://opentelemetry.io/docs/specs/otel/context/env-carriers/):
//! a parent puts its context into the environment of the processes it
//! spawns, and a child extracts it once at start-up. The W3C fields become
//! `TRACEPARENT`, `TRACESTATE` and `BAGGAGE`.

use std::process::Command;

use super::carrier::starts_with_ignore_case;
use super::{Extractor, Injector, Propagator};
use crate::context::Context;
use crate::stack::ContextGuard;

/// Environment variables as a propagation carrier.
///
/// The carrier is format-agnostic: it treats values as opaque strings and
/// only maps field names to variable names with [`env_name`] (`traceparent`
/// → `TRACEPARENT`, `x-b3-traceid` → `X_B3_TRACEID`). Names match exactly,
/// as environment names do on Unix; [`Extractor::keys`] yields the
/// normalized names as stored (`^[A-Z_][A-Z0-9_]*$`), so formats that
/// discover fields by prefix (Jaeger's `uberctx-*` baggage) find none here,
/// and do not write them ([`Injector::normalizes_names`]): baggage reaches
/// a child in `BAGGAGE`.
///
/// Build one from any `(name, value)` pairs (tests never touch the real
/// environment), or from the process's own with
/// [`EnvCarrier::from_process_env`].
///
/// # Operational guidance
///
/// What the spec asks implementations to document:
///
/// - **Extract once, at start-up** ([`propagated_from_env`] as the first
///   line of `main`): the variables are the context the process was started
///   in, not a channel that changes while it runs.
/// - **Each child gets its own copy.** [`inject_into_command`] (and
///   [`EnvCarrier::apply_to`]) changes the [`Command`] alone, never this
///   process's environment, and spawns nothing. It removes the variable of
///   every field the propagator reads that the current context does not
///   fill, so a child never inherits a context this process inherited.
/// - **Nothing secret**: a process's environment can be read by all the
///   code in it, and by other processes with the rights to (on Linux,
///   `/proc/<pid>/environ` of a process of the same user). Baggage reaches
///   a child in `BAGGAGE`, so keep secrets out of baggage there.
/// - **Case**: names are written in uppercase, and a variable is read
///   only under its normalized name, on Windows too, where the system's own
///   lookup of `TRACEPARENT` would also find a `traceparent` (the spec
///   allows either).
///
/// # Example: a parent injects, a child extracts
/// ```
/// use baton::propagation::{EnvCarrier, Propagator, TraceContext};
/// use baton::{SpanContext, SpanId, TraceFlags, TraceId};
///
/// let sc = SpanContext::new(
///     TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
///     SpanId::from_hex("00f067aa0ba902b7").unwrap(),
///     TraceFlags::from_bits(1),
/// );
/// let mut env = EnvCarrier::default();
/// TraceContext.inject(&baton::Context::default().with_span_context(sc), &mut env);
/// assert_eq!(
///     env.vars().collect::<Vec<_>>(),
///     [("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
/// );
///
/// let child = EnvCarrier::from_vars(env.vars());
/// let cx = TraceContext.extract(&baton::Context::default(), &child);
/// assert_eq!(cx.span_context().unwrap().span_id().to_string(), "00f067aa0ba902b7");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvCarrier {
    vars: Vec<(String, String)>,
}

/// The environment variable name for propagation field `field`, normalized
/// as the OpenTelemetry spec's "Key Name Normalization" asks: ASCII letters
/// uppercased, digits and `_` kept, every other character (one per Unicode
/// scalar) replaced by `_`, and `_` put in front of a leading digit; an
/// empty name becomes `_`. The result matches `^[A-Z_][A-Z0-9_]*$`, a
/// portable POSIX name.
///
/// ```
/// use baton::propagation::env_name;
/// assert_eq!(env_name("traceparent"), "TRACEPARENT");
/// assert_eq!(env_name("x-b3-traceid"), "X_B3_TRACEID");
/// assert_eq!(env_name("uberctx-session.id"), "UBERCTX_SESSION_ID");
/// assert_eq!(env_name("3é"), "_3_");
/// assert_eq!(env_name(""), "_");
/// ```
pub fn env_name(field: &str) -> String {
    env_name_chars(field).collect()
}

fn env_name_chars(field: &str) -> impl Iterator<Item = char> + '_ {
    let prefix =
        (field.is_empty() || field.starts_with(|c: char| c.is_ascii_digit())).then_some('_');
    prefix.into_iter().chain(field.chars().map(|c| match c {
        'a'..='z' => c.to_ascii_uppercase(),
        'A'..='Z' | '0'..='9' | '_' => c,
        _ => '_',
    }))
}

/// Whether `name` is a normalized variable name, `^[A-Z_][A-Z0-9_]*$`: one
/// that [`env_name`] leaves as it is.
fn is_normalized(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .bytes()
            .all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b'_'))
}

/// Whether `name` is the variable name for `field`, without allocating.
fn is_env_name_of(name: &str, field: &str) -> bool {
    name.chars().eq(env_name_chars(field))
}

impl EnvCarrier {
    /// A carrier holding `vars` in order. Nothing is validated or dropped:
    /// the propagators judge the values.
    ///
    /// ```
    /// use baton::propagation::{EnvCarrier, Extractor};
    /// let env = EnvCarrier::from_vars([("BAGGAGE", "k=v"), ("PATH", "/bin")]);
    /// assert_eq!(env.get("baggage").as_deref(), Some("k=v"));
    /// ```
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> EnvCarrier {
        EnvCarrier {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The variables of this process whose names could be a propagation
    /// field's ([`env_name`]'s output: normalized names).
    /// A value that is not valid Unicode is kept with U+FFFD in place of the
    /// bad bytes, so the propagator that reads it reports it as invalid
    /// instead of it vanishing.
    pub fn from_process_env() -> EnvCarrier {
        EnvCarrier {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| {
                    let k = k.into_string().ok()?;
                    is_normalized(&k).then(|| (k, v.to_string_lossy().into_owned()))
                })
                .collect(),
        }
    }

    /// The variables, in order.
    pub fn vars(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Sets these variables on `cmd`, and removes from it the variable of
    /// each of `fields` that this carrier does not hold, so a value this
    /// process inherited from its own parent cannot reach the child as if
    /// it were current.
    ///
    /// ```
    /// use baton::propagation::EnvCarrier;
    /// let mut cmd = std::process::Command::new("true");
    /// EnvCarrier::from_vars([("BAGGAGE", "k=v")]).apply_to(&mut cmd, &["traceparent", "baggage"]);
    /// let set: Vec<_> = cmd.get_envs().collect();
    /// assert_eq!(set.len(), 2);
    /// assert!(set.contains(&("TRACEPARENT".as_ref(), None)));
    /// assert!(set.contains(&("BAGGAGE".as_ref(), Some("k=v".as_ref()))));
    /// ```
    pub fn apply_to(&self, cmd: &mut Command, fields: &[&str]) {
        for field in fields {
            if !self.vars.iter().any(|(k, _)| is_env_name_of(k, field)) {
                cmd.env_remove(env_name(field));
            }
        }
        cmd.envs(self.vars());
    }
}

impl Injector for EnvCarrier {
    fn set(&mut self, key: &str, value: String) {
        self.remove_field(key);
        self.vars.push((env_name(key), value));
    }

    fn remove_field(&mut self, key: &str) {
        self.vars.retain(|(k, _)| !is_env_name_of(k, key));
    }

    fn remove_with_prefix(&mut self, prefix: &str) {
        // The empty prefix is every name's, not the name `_` that
        // `env_name` makes of it.
        let prefix = match prefix {
            "" => String::new(),
            _ => env_name(prefix),
        };
        self.vars.retain(|(k, _)| !k.starts_with(&prefix));
    }

    /// [`env_name`] loses case and punctuation.
    fn normalizes_names(&self) -> bool {
        true
    }
}

impl Extractor for EnvCarrier {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        for (k, v) in &self.vars {
            if is_env_name_of(k, key) {
                f(v);
            }
        }
    }

    /// The normalized names only, as the spec's `Keys` must return: a name
    /// such as `x-b3-traceid` is no field's variable, since `get` reads
    /// only normalized names.
    fn keys(&self, f: &mut dyn FnMut(&str)) {
        self.vars
            .iter()
            .filter(|(k, _)| is_normalized(k))
            .for_each(|(k, _)| f(k));
    }

    /// One pass over the variables: a normalized name is the variable of
    /// the field of the same name, so each value is its own. (Through
    /// `keys` and `get_all`, the default looked at every variable once per
    /// matching name: 100,000 `UBER_*` variables took 113 s to extract
    /// with Jaeger.)
    fn get_all_with_prefix(&self, prefix: &str, f: &mut dyn FnMut(&str, &str)) {
        self.vars
            .iter()
            .filter(|(k, _)| is_normalized(k) && starts_with_ignore_case(k, prefix))
            .for_each(|(k, v)| f(k, v));
    }
}

/// Puts the current context into `cmd`'s environment with the global
/// propagator, for a child process to pick up with [`extract_from_env`].
///
/// Variables of the fields the propagator reads
/// ([`Propagator::extract_fields`]) that the current context does not fill
/// are removed from `cmd`, so the child never inherits a stale context from
/// this process's own environment: not even in an encoding the propagator
/// does not write, such as an old `B3` under `b3multi`, which the child's
/// B3 extract would prefer to the fresh `X_B3_*`.
///
/// # Example: run a child inside the current trace
/// ```
/// # let _pipeline = baton::init(baton::Config::new()).unwrap();
/// let _span = baton::span("build").enter();
/// let mut cmd = std::process::Command::new("true");
/// baton::propagation::inject_into_command(&mut cmd);
/// let traceparent = cmd
///     .get_envs()
///     .find(|(k, _)| *k == "TRACEPARENT")
///     .and_then(|(_, v)| v)
///     .unwrap();
/// let trace_id = baton::current_trace_id().unwrap().to_string();
/// assert!(traceparent.to_str().unwrap().contains(&trace_id));
/// ```
pub fn inject_into_command(cmd: &mut Command) {
    let propagator = super::global_propagator();
    let mut env = EnvCarrier::default();
    propagator.inject(&Context::current(), &mut env);
    env.apply_to(cmd, propagator.extract_fields());
}

/// The context this process was started in: the current context plus what
/// the global propagator finds in the process's environment
/// (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`, ...). Never fails; invalid
/// values are skipped, each problem reported once as a diagnostic. Call it
/// once at start-up.
pub fn extract_from_env() -> Context {
    super::extract_context(&EnvCarrier::from_process_env())
}

/// Extracts the context from the process's environment and makes it current
/// until the guard drops; see [`extract_from_env`].
///
/// # Example: the first line of a child's `main`
/// ```
/// let _cx = baton::propagation::propagated_from_env();
/// // Started by a traced parent, the process is now inside its trace.
/// let from_parent = baton::propagation::extract_from_env();
/// assert_eq!(
///     baton::current_trace_id(),
///     from_parent.span_context().map(|sc| sc.trace_id())
/// );
/// ```
#[track_caller]
pub fn propagated_from_env() -> ContextGuard {
    extract_from_env().attach()
}

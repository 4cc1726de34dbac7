//! `Composite`: several wire formats as one propagator, chosen by
//! `OTEL_PROPAGATORS`.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use super::{baggage, Extractor, Injector, Propagator, TraceContext, W3cBaggage, B3};
use crate::diagnostic::{report, with_one_report, DiagnosticKind};
use crate::{Baggage, Context, TraceId};

/// The environment variable that names the propagators, comma-separated.
pub const OTEL_PROPAGATORS: &str = "OTEL_PROPAGATORS";

/// The propagators used when [`OTEL_PROPAGATORS`] is unset or empty
/// (OpenTelemetry's default).
pub const DEFAULT_PROPAGATORS: &str = "tracecontext,baggage";

/// Several propagators run as one.
///
/// - **Inject** runs every propagator, in order.
/// - **Extract** starts from the given context. The first propagator that
///   finds a valid span context in the carrier sets it; later ones only add
///   baggage. When a later format carries a different trace id, one
///   [`DiagnosticKind::ConflictingContext`] is reported and the first is
///   kept. However many formats are invalid, one extract call reports at most
///   one diagnostic.
/// - **Fields** are the union of every propagator's fields, in order.
///
/// # Example: read B3 and W3C, write both
/// ```
/// use std::collections::HashMap;
/// use baton::propagation::{Composite, Propagator};
///
/// let both = Composite::from_lookup(|_| Some("b3, tracecontext".into())).unwrap();
/// assert_eq!(both.fields(), ["b3", "traceparent", "tracestate"]);
///
/// let incoming = HashMap::from([(
///     "b3".to_string(),
///     "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1".to_string(),
/// )]);
/// let cx = both.extract(&baton::Context::default(), &incoming);
/// let mut outgoing = HashMap::new();
/// both.inject(&cx, &mut outgoing);
/// assert_eq!(
///     outgoing["traceparent"],
///     "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01"
/// );
/// ```
pub struct Composite {
    propagators: Vec<Box<dyn Propagator>>,
    fields: Vec<&'static str>,
}

/// Why `OTEL_PROPAGATORS` could not be used.
///
/// Named `ConfigError` inside [`baton::propagation`](crate::propagation) and
/// not re-exported at the crate root, where the export pipeline's own
/// configuration error lives.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A name that is not one of `tracecontext`, `baggage`, `b3`, `b3multi`,
    /// `jaeger`, `session` or `none`.
    UnknownPropagator {
        /// The name as written (whitespace trimmed).
        name: String,
    },
    /// `none` was listed together with other propagators.
    NoneWithOthers,
    /// The variable is set but its value is not valid Unicode.
    NotUnicode {
        /// The variable's name.
        variable: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::UnknownPropagator { name } => write!(
                f,
                "{OTEL_PROPAGATORS}: unknown propagator {name:?} (known: tracecontext, \
                 baggage, b3, b3multi, jaeger, session, none)"
            ),
            ConfigError::NoneWithOthers => write!(
                f,
                "{OTEL_PROPAGATORS}: \"none\" cannot be combined with other propagators"
            ),
            ConfigError::NotUnicode { variable } => write!(f, "{variable} is not valid Unicode"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Composite {
    /// Runs `propagators` in the given order.
    ///
    /// ```
    /// use baton::propagation::{Composite, Jaeger, Propagator, TraceContext};
    /// let c = Composite::new(vec![Box::new(TraceContext), Box::new(Jaeger)]);
    /// assert_eq!(c.fields(), ["traceparent", "tracestate", "uber-trace-id"]);
    /// ```
    pub fn new(propagators: Vec<Box<dyn Propagator>>) -> Composite {
        let mut fields: Vec<&'static str> = Vec::new();
        for field in propagators.iter().flat_map(|p| p.fields()) {
            if !fields.contains(field) {
                fields.push(intern(field));
            }
        }
        Composite {
            propagators,
            fields,
        }
    }

    /// Builds the composite named by the process's `OTEL_PROPAGATORS`; see
    /// [`Composite::from_lookup`].
    pub fn from_env() -> Result<Composite, ConfigError> {
        match std::env::var(OTEL_PROPAGATORS) {
            Ok(value) => Composite::from_list(&value),
            Err(std::env::VarError::NotPresent) => Composite::from_list(""),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode {
                variable: OTEL_PROPAGATORS,
            }),
        }
    }

    /// Builds the composite named by `OTEL_PROPAGATORS` as `lookup` returns
    /// it (tests pass a closure instead of touching the environment).
    ///
    /// The value is a comma-separated list of `tracecontext`, `baggage`,
    /// `b3` (single header), `b3multi`, `jaeger`, `session` (the session id
    /// in its own header, see [`SessionHeader`](super::SessionHeader)) and
    /// `none`, matched without
    /// regard to ASCII case, with whitespace around names and empty items
    /// ignored and repeated names used once. Unset or empty means
    /// [`DEFAULT_PROPAGATORS`]; `none` alone means no propagation.
    ///
    /// ```
    /// use baton::propagation::{Composite, ConfigError, Propagator};
    /// let none = Composite::from_lookup(|_| Some("none".into())).unwrap();
    /// assert!(none.fields().is_empty());
    /// let default = Composite::from_lookup(|_| None).unwrap();
    /// assert_eq!(default.fields(), ["traceparent", "tracestate", "baggage"]);
    /// assert_eq!(
    ///     Composite::from_lookup(|_| Some("b3,xray".into())).err(),
    ///     Some(ConfigError::UnknownPropagator { name: "xray".into() })
    /// );
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Composite, ConfigError> {
        Composite::from_list(&lookup(OTEL_PROPAGATORS).unwrap_or_default())
    }

    /// Builds the composite from a list in the `OTEL_PROPAGATORS` syntax;
    /// see [`Composite::from_lookup`].
    ///
    /// ```
    /// use baton::propagation::{Composite, ConfigError, Propagator};
    /// let jaeger = Composite::from_list(" Jaeger ,jaeger").unwrap();
    /// assert_eq!(jaeger.fields(), ["uber-trace-id"]);
    /// assert_eq!(Composite::from_list("none,b3").err(), Some(ConfigError::NoneWithOthers));
    /// ```
    pub fn from_list(list: &str) -> Result<Composite, ConfigError> {
        if list.trim().is_empty() {
            return Ok(Composite::default());
        }
        let mut kinds: Vec<Kind> = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let kind = Kind::from_name(name).ok_or_else(|| ConfigError::UnknownPropagator {
                name: name.to_owned(),
            })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.contains(&Kind::None) && kinds.len() > 1 {
            return Err(ConfigError::NoneWithOthers);
        }
        Ok(Composite::new(
            kinds.into_iter().filter_map(Kind::propagator).collect(),
        ))
    }

    /// How many propagators run (0 for `none`).
    pub fn len(&self) -> usize {
        self.propagators.len()
    }

    /// Whether no propagator runs: inject writes nothing, extract returns
    /// its input.
    pub fn is_empty(&self) -> bool {
        self.propagators.is_empty()
    }
}

/// [`DEFAULT_PROPAGATORS`]: W3C Trace Context, then W3C Baggage.
impl Default for Composite {
    fn default() -> Composite {
        Composite::new(vec![Box::new(TraceContext), Box::new(W3cBaggage)])
    }
}

/// One name in `OTEL_PROPAGATORS`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    TraceContext,
    Baggage,
    B3Single,
    B3Multi,
    Jaeger,
    Session,
    None,
}

impl Kind {
    fn from_name(name: &str) -> Option<Kind> {
        [
            ("tracecontext", Kind::TraceContext),
            ("baggage", Kind::Baggage),
            ("b3", Kind::B3Single),
            ("b3multi", Kind::B3Multi),
            ("jaeger", Kind::Jaeger),
            ("session", Kind::Session),
            ("none", Kind::None),
        ]
        .into_iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, kind)| kind)
    }

    fn propagator(self) -> Option<Box<dyn Propagator>> {
        Some(match self {
            Kind::TraceContext => Box::new(TraceContext),
            Kind::Baggage => Box::new(W3cBaggage),
            Kind::B3Single => Box::new(B3::single()),
            Kind::B3Multi => Box::new(B3::multi()),
            Kind::Jaeger => Box::new(super::Jaeger),
            Kind::Session => Box::new(super::session::SessionHeader::from_env()),
            Kind::None => return None,
        })
    }
}

/// A `'static` copy of a field name, made once per distinct name, so a
/// composite can hand out the union of its members' fields as one slice.
/// Field names come from propagator code, not from input, so the table stays
/// as small as the set of formats in the program.
pub(super) fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    match names.iter().find(|n| **n == name) {
        Some(n) => n,
        None => {
            let n: &'static str = Box::leak(name.into());
            names.push(n);
            n
        }
    }
}

impl Propagator for Composite {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        for p in &self.propagators {
            p.inject(cx, carrier);
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        with_one_report(|| {
            let mut out = cx.clone();
            // The trace id the carrier set, and the format that carried it.
            let mut chosen: Option<(TraceId, &dyn Propagator)> = None;
            // Baggage keys an earlier format in this carrier already set.
            let mut from_carrier: Vec<String> = Vec::new();
            for p in &self.propagators {
                // Each format sees the baggage so far but no span context,
                // so what it returns is exactly what the carrier held.
                let base = if out.baggage().is_empty() {
                    Context::default()
                } else {
                    Context::default().with_baggage_replaced(out.baggage().clone())
                };
                let got = p.extract(&base, carrier);
                if got.baggage() != base.baggage() {
                    let merged = add_baggage(out.baggage(), got.baggage(), &mut from_carrier);
                    out = out.with_baggage_replaced(merged);
                }
                match (got.span_context(), chosen) {
                    (Some(sc), None) => {
                        chosen = Some((sc.trace_id(), p.as_ref()));
                        out = out.with_span_context(sc.clone());
                    }
                    (Some(sc), Some((first, first_p))) if sc.trace_id() != first => {
                        report(
                            DiagnosticKind::ConflictingContext,
                            &format_args!(
                                "{} carries trace id {} but {} carries {first}; kept the first",
                                describe(p.as_ref()),
                                sc.trace_id(),
                                describe(first_p),
                            ),
                            None,
                        );
                    }
                    _ => {}
                }
                if let (None, Some(sampled)) = (chosen, got.remote_sampling()) {
                    out = out.with_remote_sampling(Some(sampled));
                }
            }
            out
        })
    }

    fn fields(&self) -> &[&str] {
        &self.fields
    }
}

/// `base` plus the entries of `got` that are new or changed, except keys an
/// earlier format already set (recorded in `from_carrier`): later formats
/// only add. The W3C limits hold for the sum: an entry past
/// [`baggage::MAX_MEMBERS`] or [`baggage::MAX_BYTES`] is dropped and reported.
fn add_baggage(base: &Baggage, got: &Baggage, from_carrier: &mut Vec<String>) -> Baggage {
    let mut merged = base.clone();
    let mut bytes = baggage::format(base).len();
    let mut dropped = 0;
    for (k, v, props) in got.iter() {
        if from_carrier.iter().any(|c| c == k) || base.iter().any(|e| e == (k, v, props)) {
            continue;
        }
        let size = Baggage::EMPTY
            .try_insert(k, v, props)
            .map_or(0, |one| baggage::format(&one).len());
        let replacing = merged.get(k).is_some();
        // One more byte for the `,` before the entry.
        let fits = bytes + size < baggage::MAX_BYTES;
        match merged.try_insert(k, v, props) {
            Ok(b) if fits || replacing => {
                merged = b;
                bytes += size + 1;
                from_carrier.push(k.to_owned());
            }
            _ => dropped += 1,
        }
    }
    if dropped > 0 {
        report(
            DiagnosticKind::LimitExceeded,
            &format_args!(
                "{dropped} baggage entries from a later format dropped: over {} members \
                 or {} bytes",
                baggage::MAX_MEMBERS,
                baggage::MAX_BYTES
            ),
            None,
        );
    }
    merged
}

/// Names a format by its first field, e.g. `traceparent` or `b3`.
fn describe(p: &dyn Propagator) -> &str {
    p.fields().first().copied().unwrap_or("a propagator")
}

impl fmt::Debug for Composite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Composite")
            .field("fields", &self.fields)
            .finish()
    }
}

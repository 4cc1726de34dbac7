//! `Composite`: several wire formats as one propagator, chosen by
//! `OTEL_PROPAGATORS`.

use std::fmt;

use super::baggage_merge::add_baggage;
use super::parent::{beside_parent, completed, lone_decision, Parent};
use super::session::{SessionError, SessionHeader, BATON_SESSION_HEADER};
use super::{field_name, jaeger, Jaeger, TraceContext, W3cBaggage, B3};
use super::{reported, Extractor, Injector, Problem, Problems, Propagator};
use crate::context::Context;
use crate::wire::b3::Sampling;
use crate::wire::uber_trace_id;

/// The environment variable that names the propagators, comma-separated.
pub const OTEL_PROPAGATORS: &str = "OTEL_PROPAGATORS";

/// The propagators used when [`OTEL_PROPAGATORS`] is unset or empty
/// (OpenTelemetry's default).
pub const DEFAULT_PROPAGATORS: &str = "tracecontext,baggage";

/// Several propagators run as one.
///
/// - **Inject** runs every propagator, in order. A member does not remove
///   a field another member writes: with `b3,b3multi`, each B3 inject
///   (which clears the other encoding when it runs alone) leaves the
///   other's fresh headers in place.
/// - **Extract** starts from the given context. The first propagator that
///   finds a valid span context in the carrier sets it; later ones only add
///   baggage, within the W3C limits
///   ([`Baggage::MAX_MEMBERS`](crate::Baggage::MAX_MEMBERS),
///   [`Baggage::MAX_BYTES`](crate::Baggage::MAX_BYTES)) for the sum, as a
///   format extracting alone keeps them. A later entry for a key an
///   earlier format set to another value is a
///   [`Problem::BaggageConflict`]; the same value with W3C properties
///   that the earlier format could not carry (`jaeger,baggage`) gives it
///   them. When a later format carries a
///   different trace id, the first is kept and the conflict is a
///   [`Problem::Conflict`]; the same trace with another parent span id or
///   sampling decision is a [`Problem::SpanConflict`], the first kept
///   too. A later format that carries the same parent adds what the first
///   could not carry: its tracestate and random flag (`b3,tracecontext`),
///   a decision the first left to us, debug, the parent's parent span id.
///   A decision without ids (B3's `b3: 0`) counts only where no format
///   carries a parent; the first holds, a later debug makes an accept
///   debug, and a later one that disagrees is a
///   [`Problem::DecisionConflict`]. Beside a parent, whatever the order,
///   the parent decides, and each decision without ids that it does not
///   carry is a [`Problem::DecisionBesideParent`].
///   Every problem of every format is reported once
///   (see [`Propagator::extract_with_problems`]).
/// - **Fields** are the union of every propagator's fields, in order, and
///   so are the fields extract reads ([`Propagator::extract_fields`]).
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
    /// For each member, the fields it reads but does not write that another
    /// member writes: its inject leaves them to that member (see
    /// [`LeftToOthers`]). Empty for most lists.
    left_to_others: Vec<Vec<&'static str>>,
    fields: Vec<&'static str>,
    extract_fields: Vec<&'static str>,
}

/// Why `OTEL_PROPAGATORS` could not be used.
///
/// Not `ConfigError`, the name of the export pipeline's configuration error
/// at the crate root; [`ConfigError`] is kept as an alias of it, the name
/// the design document gives `from_env`'s error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropagatorsError {
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
    /// The list names `session` and the header named by
    /// [`BATON_SESSION_HEADER`](super::BATON_SESSION_HEADER) cannot be used.
    SessionHeader(SessionError),
}

/// The design document's name for [`PropagatorsError`].
pub type ConfigError = PropagatorsError;

impl fmt::Display for PropagatorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropagatorsError::UnknownPropagator { name } => write!(
                f,
                "{OTEL_PROPAGATORS}: unknown propagator {name:?} (known: tracecontext, \
                 baggage, b3, b3multi, jaeger, session, none)"
            ),
            PropagatorsError::NoneWithOthers => write!(
                f,
                "{OTEL_PROPAGATORS}: \"none\" cannot be combined with other propagators"
            ),
            PropagatorsError::NotUnicode { variable } => {
                write!(f, "{variable} is not valid Unicode")
            }
            PropagatorsError::SessionHeader(e) => write!(f, "{BATON_SESSION_HEADER}: {e}"),
        }
    }
}

impl std::error::Error for PropagatorsError {}

impl Composite {
    /// Runs `propagators` in the given order.
    ///
    /// ```
    /// use baton::propagation::{Composite, Jaeger, Propagator, TraceContext};
    /// let c = Composite::new(vec![Box::new(TraceContext), Box::new(Jaeger)]);
    /// assert_eq!(c.fields(), ["traceparent", "tracestate", "uber-trace-id"]);
    /// ```
    pub fn new(propagators: Vec<Box<dyn Propagator>>) -> Composite {
        let mut fields = Vec::new();
        let mut extract_fields = Vec::new();
        for p in &propagators {
            add_fields(&mut fields, p.fields());
            add_fields(&mut extract_fields, p.extract_fields());
        }
        let left_to_others = (0..propagators.len())
            .map(|i| left_to_others(&propagators, i, &fields))
            .collect();
        Composite {
            propagators,
            left_to_others,
            fields,
            extract_fields,
        }
    }

    /// Builds the composite named by the process's `OTEL_PROPAGATORS`; see
    /// [`Composite::from_lookup`].
    pub fn from_env() -> Result<Composite, PropagatorsError> {
        match std::env::var(OTEL_PROPAGATORS) {
            Ok(value) => Composite::from_list(&value),
            Err(std::env::VarError::NotPresent) => Composite::from_list(""),
            Err(std::env::VarError::NotUnicode(_)) => Err(PropagatorsError::NotUnicode {
                variable: OTEL_PROPAGATORS,
            }),
        }
    }

    /// Builds the composite named by `OTEL_PROPAGATORS` as `lookup` returns
    /// it, its `session` entry writing the header named by
    /// [`BATON_SESSION_HEADER`](super::BATON_SESSION_HEADER) as `lookup`
    /// returns it (tests pass a closure instead of touching the environment).
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
    /// use baton::propagation::{Composite, PropagatorsError, Propagator};
    /// let none = Composite::from_lookup(|_| Some("none".into())).unwrap();
    /// assert!(none.fields().is_empty());
    /// let default = Composite::from_lookup(|_| None).unwrap();
    /// assert_eq!(default.fields(), ["traceparent", "tracestate", "baggage"]);
    /// assert_eq!(
    ///     Composite::from_lookup(|_| Some("b3,xray".into())).err(),
    ///     Some(PropagatorsError::UnknownPropagator { name: "xray".into() })
    /// );
    ///
    /// let env = |k: &str| match k {
    ///     "OTEL_PROPAGATORS" => Some("tracecontext,session".to_owned()),
    ///     "BATON_SESSION_HEADER" => Some("Mirascope-Session-Id".to_owned()),
    ///     _ => None,
    /// };
    /// let named = Composite::from_lookup(env).unwrap();
    /// assert_eq!(named.fields(), ["traceparent", "tracestate", "mirascope-session-id"]);
    /// ```
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Composite, PropagatorsError> {
        let list = lookup(OTEL_PROPAGATORS).unwrap_or_default();
        Composite::with_session(&list, || {
            SessionHeader::from_lookup(&lookup).map_err(PropagatorsError::SessionHeader)
        })
    }

    /// Builds the composite from a list in the `OTEL_PROPAGATORS` syntax;
    /// see [`Composite::from_lookup`].
    ///
    /// ```
    /// use baton::propagation::{Composite, PropagatorsError, Propagator};
    /// let jaeger = Composite::from_list(" Jaeger ,jaeger").unwrap();
    /// assert_eq!(jaeger.fields(), ["uber-trace-id"]);
    /// assert_eq!(Composite::from_list("none,b3").err(), Some(PropagatorsError::NoneWithOthers));
    /// // Naming nothing is leaving it unset: the default formats.
    /// assert_eq!(Composite::from_list(" , ").unwrap().fields(), ["traceparent", "tracestate", "baggage"]);
    /// ```
    pub fn from_list(list: &str) -> Result<Composite, PropagatorsError> {
        Composite::with_session(list, || Ok(SessionHeader::from_env()))
    }

    /// The composite `list` names, its `session` entry (if any) writing
    /// the header `session` gives, asked for only then.
    pub(crate) fn with_session(
        list: &str,
        session: impl FnOnce() -> Result<SessionHeader, PropagatorsError>,
    ) -> Result<Composite, PropagatorsError> {
        let kinds = Kind::list(list)?;
        let session = kinds.contains(&Kind::Session).then(session).transpose()?;
        Ok(Composite::new(
            kinds
                .into_iter()
                .filter_map(|kind| kind.propagator(session))
                .collect(),
        ))
    }

    /// The names of the formats [`Composite::from_list`] runs for `list`:
    /// lowercase, each once, in order, and [`DEFAULT_PROPAGATORS`]' when it
    /// names none. For reports that must show what runs.
    ///
    /// ```
    /// use baton::propagation::Composite;
    /// assert_eq!(Composite::names_in(" B3 , jaeger,b3").unwrap(), ["b3", "jaeger"]);
    /// assert_eq!(Composite::names_in(",").unwrap(), ["tracecontext", "baggage"]);
    /// assert!(Composite::names_in("xray").is_err());
    /// ```
    pub fn names_in(list: &str) -> Result<Vec<&'static str>, PropagatorsError> {
        Ok(Kind::list(list)?.into_iter().map(Kind::name).collect())
    }

    /// Names a member format by its first field, e.g. `traceparent` or
    /// `b3`, as interned in [`Composite::new`].
    fn name_of(&self, p: &dyn Propagator) -> &'static str {
        let first = p.fields().first().copied().unwrap_or_default();
        self.fields
            .iter()
            .copied()
            .find(|f| *f == first)
            .unwrap_or("a propagator")
    }

    /// Names the fields a member format's baggage travels in: its first
    /// field, but Jaeger's `uberctx-*` rather than `uber-trace-id`, as
    /// Jaeger extracting alone names them.
    fn baggage_field_of(&self, p: &dyn Propagator) -> &'static str {
        match self.name_of(p) {
            uber_trace_id::HEADER => jaeger::UBERCTX,
            name => name,
        }
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

/// [`DEFAULT_PROPAGATORS`] (W3C Trace Context, then W3C Baggage), read as
/// `OTEL_PROPAGATORS` is: the default is stated once, in that constant.
impl Default for Composite {
    fn default() -> Composite {
        Composite::from_list(DEFAULT_PROPAGATORS)
            .expect("DEFAULT_PROPAGATORS names only known propagators")
    }
}

/// The fields member `i` reads but does not write that another member
/// writes, as found in `union` (every member's fields, interned).
fn left_to_others(
    members: &[Box<dyn Propagator>],
    i: usize,
    union: &[&'static str],
) -> Vec<&'static str> {
    let own = members[i].fields();
    let written_by_others = |field: &&str| {
        members
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && other.fields().contains(field))
    };
    members[i]
        .extract_fields()
        .iter()
        .filter(|f| !own.contains(f) && written_by_others(f))
        .filter_map(|f| union.iter().copied().find(|u| u == f))
        .collect()
}

/// Appends to `union` each of `fields` it lacks, interned, in order.
fn add_fields(union: &mut Vec<&'static str>, fields: &[&str]) {
    for field in fields {
        if !union.contains(field) {
            union.push(field_name::intern(field));
        }
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
    /// Every kind, by its name in `OTEL_PROPAGATORS`.
    const NAMES: [(&'static str, Kind); 7] = [
        ("tracecontext", Kind::TraceContext),
        ("baggage", Kind::Baggage),
        ("b3", Kind::B3Single),
        ("b3multi", Kind::B3Multi),
        ("jaeger", Kind::Jaeger),
        ("session", Kind::Session),
        ("none", Kind::None),
    ];

    fn from_name(name: &str) -> Option<Kind> {
        Kind::NAMES
            .into_iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, kind)| kind)
    }

    fn name(self) -> &'static str {
        Kind::NAMES
            .into_iter()
            .find(|(_, kind)| *kind == self)
            .map_or("", |(name, _)| name)
    }

    /// The kinds `list` names, each once, in order. A list that names
    /// nothing (empty, or only commas and spaces) is unset: the default,
    /// not a silent `none`.
    fn list(list: &str) -> Result<Vec<Kind>, PropagatorsError> {
        let mut kinds: Vec<Kind> = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let kind =
                Kind::from_name(name).ok_or_else(|| PropagatorsError::UnknownPropagator {
                    name: name.to_owned(),
                })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if kinds.is_empty() {
            return Kind::list(DEFAULT_PROPAGATORS);
        }
        if kinds.contains(&Kind::None) && kinds.len() > 1 {
            return Err(PropagatorsError::NoneWithOthers);
        }
        Ok(kinds)
    }

    /// The propagator of this kind; `session`, the session header, is set
    /// whenever the list names one.
    fn propagator(self, session: Option<SessionHeader>) -> Option<Box<dyn Propagator>> {
        Some(match self {
            Kind::TraceContext => Box::new(TraceContext),
            Kind::Baggage => Box::new(W3cBaggage),
            Kind::B3Single => Box::new(B3::single()),
            Kind::B3Multi => Box::new(B3::multi()),
            Kind::Jaeger => Box::new(Jaeger),
            Kind::Session => Box::new(session?),
            Kind::None => return None,
        })
    }
}

impl Propagator for Composite {
    fn inject(&self, cx: &Context, carrier: &mut dyn Injector) {
        for (p, left) in self.propagators.iter().zip(&self.left_to_others) {
            if left.is_empty() {
                p.inject(cx, carrier);
            } else {
                p.inject(cx, &mut LeftToOthers { carrier, left });
            }
        }
    }

    fn extract(&self, cx: &Context, carrier: &dyn Extractor) -> Context {
        reported(self.extract_with_problems(cx, carrier))
    }

    fn extract_with_problems(&self, cx: &Context, carrier: &dyn Extractor) -> (Context, Problems) {
        let mut problems = Problems::default();
        let mut out = cx.clone();
        // The parent the carrier set, and the format that carried it.
        let mut chosen: Option<(Parent, &dyn Propagator)> = None;
        // A decision without ids the carrier set before any parent, and the
        // field of the format that carried it.
        let mut lone: Option<(Sampling, &'static str)> = None;
        // Decisions without ids met after a parent, and their fields.
        let mut after_parent: Vec<(Sampling, &'static str)> = Vec::new();
        // Baggage keys an earlier format in this carrier already set.
        let mut from_carrier: Vec<String> = Vec::new();
        for p in &self.propagators {
            // Each format extracts into an empty context, so what it returns
            // is exactly what the carrier held in it, also where that equals
            // what is current already: the format still claims those keys.
            let (got, met) = p.extract_with_problems(&Context::default(), carrier);
            // Formats that read the same headers (`b3` and `b3multi` both
            // read both encodings) meet the same problem; it is one.
            for problem in met.iter() {
                if !problems.iter().any(|seen| seen == problem) {
                    problems.push(*problem);
                }
            }
            if !got.baggage().is_empty() {
                let merged = add_baggage(out.baggage(), got.baggage(), &mut from_carrier);
                if merged.dropped > 0 {
                    let field = self.baggage_field_of(p.as_ref());
                    problems.add_dropped(field, merged.dropped, merged.first);
                }
                if merged.conflicting > 0 {
                    problems.push(Problem::BaggageConflict {
                        ignored: self.baggage_field_of(p.as_ref()),
                        entries: merged.conflicting,
                    });
                }
                out = out.with_baggage_replaced(merged.baggage);
            }
            match (got.span_context(), chosen) {
                (Some(sc), None) => {
                    chosen = Some((Parent::of(sc), p.as_ref()));
                    out = out.with_span_context(sc.clone());
                }
                (Some(sc), Some((first, first_p))) => {
                    let ignored = self.name_of(p.as_ref());
                    match Parent::of(sc).conflict(ignored, &first, self.name_of(first_p)) {
                        Some(problem) => problems.push(problem),
                        // The same parent: what this format adds to the first's.
                        None => {
                            if let Some(completed) =
                                out.span_context().and_then(|kept| completed(kept, sc))
                            {
                                out = out.with_span_context(completed);
                            }
                        }
                    }
                }
                (None, _) => {}
            }
            // A decision without ids counts only where no format carries a
            // parent (the parent decides); the first holds, as the first
            // parent does.
            if let Some(decision) = got.remote_decision() {
                let by = self.name_of(p.as_ref());
                let holds = match (chosen, lone) {
                    (Some(_), _) => {
                        after_parent.push((decision, by));
                        continue;
                    }
                    (None, None) => (decision, by),
                    (None, Some((first, first_by))) => {
                        let (holds, problem) = lone_decision(first, first_by, decision, by);
                        if let Some(problem) = problem {
                            problems.push(problem);
                        }
                        (holds, first_by)
                    }
                };
                lone = Some(holds);
                out = out.with_remote_decision(Some(holds.0));
            }
        }
        // Beside a parent, the decisions without ids went unused: each one
        // the parent that won does not carry is lost, and reported once,
        // by the first format that carried it (`b3` and `b3multi` read the
        // same headers).
        if let (Some((_, parent_p)), Some(sc)) = (chosen, out.span_context()) {
            let parent_by = self.name_of(parent_p);
            let mut reported: Vec<Sampling> = Vec::new();
            for (decision, by) in lone.into_iter().chain(after_parent) {
                if reported.contains(&decision) {
                    continue;
                }
                reported.push(decision);
                if let Some(problem) = beside_parent(sc, parent_by, decision, by) {
                    problems.push(problem);
                }
            }
        }
        (out, problems)
    }

    fn fields(&self) -> &[&str] {
        &self.fields
    }

    fn extract_fields(&self) -> &[&str] {
        &self.extract_fields
    }
}

/// The carrier as one member of a composite sees it on inject: fields that
/// another member writes are not removed by this one. A format clears the
/// fields it reads but does not write (`b3multi` clears a stale single
/// `b3`); where another member writes them (`b3,b3multi`), that member
/// sets or removes them itself, in whatever order the two run.
struct LeftToOthers<'a> {
    carrier: &'a mut dyn Injector,
    left: &'a [&'static str],
}

impl Injector for LeftToOthers<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.carrier.set(key, value);
    }

    fn remove_field(&mut self, key: &str) {
        if !self.left.iter().any(|f| f.eq_ignore_ascii_case(key)) {
            self.carrier.remove_field(key);
        }
    }

    fn remove_with_prefix(&mut self, prefix: &str) {
        self.carrier.remove_with_prefix(prefix);
    }

    fn normalizes_names(&self) -> bool {
        self.carrier.normalizes_names()
    }
}

impl fmt::Debug for Composite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Composite")
            .field("fields", &self.fields)
            .finish()
    }
}

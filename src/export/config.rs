//! `Config`: what [`init`](crate::init) installs, built in code or read
//! from the `OTEL_*` environment variables.

use std::cell::RefCell;
use std::ffi::OsString;
use std::fmt;

use crate::diagnostic::{report, DiagnosticKind};
use crate::export::batch_config::BatchConfig;
use crate::export::config_error::{ends_with_number, ignoring_invalid, Env};
use crate::export::fan_out::FanOut;
use crate::export::otlp::headers_without_their_endpoint;
use crate::export::sampler_env;
use crate::export::{
    BatchProcessor, ConfigError, ConsoleExporter, OtlpConfig, OtlpExporter, SimpleProcessor,
    SpanExporter, SpanProcessor,
};
use crate::id_generator::{self, IdGenerator};
use crate::propagation::global::{first_report_of_env_propagators, usable_propagators};
use crate::propagation::{
    Composite, Propagator, PropagatorsError, SessionHeader, BATON_SESSION_HEADER, OTEL_PROPAGATORS,
};
use crate::sampling::{AlwaysOff, AlwaysOn, ParentBased, Sampler};
use crate::span_limits::SpanLimits;

/// What [`init`](crate::init) installs: the sampler, the processor and the
/// span limits.
///
/// # Example: in code
/// ```
/// let spans = baton::InMemoryExporter::default();
/// let config = baton::Config::new()
///     .sampler(baton::sampling::AlwaysOn)
///     .exporter(spans.clone());
/// let _pipeline = baton::init(config).unwrap();
/// baton::in_span("request", || {});
/// assert_eq!(spans.finished_spans()[0].name, "request");
/// ```
///
/// # Example: from the environment, as a service's `main` does
///
/// An invalid `OTEL_*` value is ignored, as the OpenTelemetry spec asks,
/// and reported (see [`Config::from_lookup`]);
/// [`Config::from_env_strict`] fails on it instead.
/// ```no_run
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let _pipeline = baton::init(baton::Config::from_env()?.service_name("checkout"))?;
///     Ok(())
/// }
/// ```
///
/// The same, with the variables given (as a test gives them):
/// ```
/// let env = |name: &str| match name {
///     "OTEL_TRACES_EXPORTER" => Some("none".to_string()),
///     "OTEL_BSP_SCHEDULE_DELAY" => Some("soon".to_string()),
///     _ => None,
/// };
/// let config = baton::Config::from_lookup(env).unwrap().service_name("checkout");
/// assert_eq!(config.get_service_name(), Some("checkout"));
/// assert_eq!(config.ignored().len(), 1, "the invalid delay is ignored");
/// assert!(baton::Config::from_lookup_strict(env).is_err());
/// ```
#[must_use]
pub struct Config {
    sampler: Box<dyn Sampler>,
    processor: Option<Box<dyn SpanProcessor>>,
    limits: SpanLimits,
    service_name: Option<String>,
    /// The exporters chosen by `OTEL_TRACES_EXPORTER`, built at `init` so
    /// that a later [`Config::service_name`] still reaches their resource.
    from_env: Option<EnvExport>,
    /// `OTEL_SDK_DISABLED=true`: a no-op tracer, whatever is set.
    disabled: bool,
    /// A generator of ids other than the random default.
    ids: Option<Box<dyn IdGenerator>>,
    /// The `OTEL_BSP_*` settings `from_lookup` read (the defaults
    /// otherwise), for a [`Config::batch_exporter`] set in code too.
    batch: BatchConfig,
    /// The propagator `OTEL_PROPAGATORS` names, when `from_lookup` found it
    /// naming one, with the value as given: `init` leaves it for the global
    /// propagator.
    propagators: Option<EnvPropagator>,
    /// The settings `from_lookup` ignored.
    ignored: Vec<ConfigError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EnvExporter {
    Otlp,
    Console,
}

#[derive(Debug)]
struct EnvExport {
    exporters: Vec<EnvExporter>,
    otlp: Option<OtlpConfig>,
}

const SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
const TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";

/// The largest span limit accepted from a variable: OTLP counts what was
/// dropped in 32 bits.
const MAX_LIMIT: u64 = u32::MAX as u64;
/// What the span limit variables take, quoting [`MAX_LIMIT`], which the
/// build checks.
const LIMITS: &str = "expected a whole number from 0 to 4294967295";
const _: () = assert!(ends_with_number(LIMITS, MAX_LIMIT));

/// Reads `OTEL_SDK_DISABLED`: `true` or `false`, in any case; another
/// value is an error, which `Config::from_lookup` ignores, so the SDK stays
/// enabled, as the spec's booleans read anything but `true`.
fn sdk_disabled<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<bool, ConfigError> {
    Ok(env.boolean(SDK_DISABLED)?.unwrap_or(false))
}

/// Reads `OTEL_TRACES_EXPORTER`: a comma-separated, case-insensitive list;
/// a name given twice counts once. Defaults to `otlp`. An unknown name is
/// left out and kept in `ignored`; a list naming no known exporter is
/// unset; `none` with others is an error (the whole setting is ignored).
fn exporters<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
    ignored: &mut Vec<ConfigError>,
) -> Result<Vec<EnvExporter>, ConfigError> {
    let Some(list) = env.get(TRACES_EXPORTER) else {
        return Ok(vec![EnvExporter::Otlp]);
    };
    let mut chosen = Vec::new();
    let mut none = false;
    // Any name but `none`, known or not: `none` with unknown names is `none`
    // with others all the same.
    let mut others = false;
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        others |= !name.eq_ignore_ascii_case("none");
        let exporter = if name.eq_ignore_ascii_case("otlp") {
            EnvExporter::Otlp
        // `logging` is the specification's deprecated name for `console`.
        } else if name.eq_ignore_ascii_case("console") || name.eq_ignore_ascii_case("logging") {
            EnvExporter::Console
        } else if name.eq_ignore_ascii_case("none") {
            none = true;
            continue;
        } else if name.eq_ignore_ascii_case("zipkin") || name.eq_ignore_ascii_case("jaeger") {
            ignored.push(ConfigError::new(
                TRACES_EXPORTER,
                name,
                "zipkin and jaeger exporters are not built in: use otlp (Jaeger takes OTLP \
                 directly; an OpenTelemetry Collector forwards to Zipkin)",
            ));
            continue;
        } else {
            ignored.push(ConfigError::new(
                TRACES_EXPORTER,
                name,
                "expected otlp, console or none",
            ));
            continue;
        };
        if !chosen.contains(&exporter) {
            chosen.push(exporter);
        }
    }
    if none && others {
        return Err(ConfigError::new(
            TRACES_EXPORTER,
            &list,
            "none cannot be combined with other exporters",
        ));
    }
    if !none && chosen.is_empty() {
        // Only unknown names: as if unset.
        chosen.push(EnvExporter::Otlp);
    }
    Ok(chosen)
}

/// The propagator `OTEL_PROPAGATORS` names, and the value as given.
type EnvPropagator = (Composite, String);

/// Reads `OTEL_PROPAGATORS` as the global propagator reads it (where it
/// takes effect), its `session` entry's header from `BATON_SESSION_HEADER`:
/// the propagator, if the variable names one, and what it leaves out or
/// ignores.
fn propagators<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> (Option<EnvPropagator>, Vec<ConfigError>) {
    let Some(list) = env.get(OTEL_PROPAGATORS) else {
        return (None, Vec::new());
    };
    let (usable, problems) = usable_propagators(&list);
    let mut ignored: Vec<ConfigError> = problems
        .iter()
        .map(|problem| match problem {
            PropagatorsError::UnknownPropagator { name } => ConfigError::new(
                OTEL_PROPAGATORS,
                name,
                "expected a known propagator (see baton::propagation::Composite::from_lookup)",
            ),
            // `none` with others: a lookup cannot give a value that is not
            // Unicode, the other problem.
            _ => ConfigError::new(
                OTEL_PROPAGATORS,
                &list,
                "none cannot be combined with other propagators",
            ),
        })
        .collect();
    let session = || {
        Ok(SessionHeader::from_lookup(&env.0).unwrap_or_else(|_| {
            let name = env.get(BATON_SESSION_HEADER).unwrap_or_default();
            ignored.push(ConfigError::new(
                BATON_SESSION_HEADER,
                &name,
                "expected a token header name no other propagator uses (see baton::propagation::SessionHeader::new)",
            ));
            SessionHeader::default()
        }))
    };
    if usable.trim_matches([',', ' ', '\t']).is_empty() {
        // Ignored, or naming nothing: as if unset.
        return (None, ignored);
    }
    // `usable` names known propagators only, or `none` alone, and the
    // session header cannot fail.
    let propagator = Composite::with_session(&usable, session).unwrap_or_default();
    (Some((propagator, list)), ignored)
}

/// Reads the span limit variables; a model-specific variable wins over the
/// general `OTEL_ATTRIBUTE_*` one.
fn span_limits<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<SpanLimits, ConfigError> {
    let read = |key: &'static str| -> Result<Option<usize>, ConfigError> {
        let n = env.number(key, 0, MAX_LIMIT, LIMITS)?;
        Ok(n.map(|n| usize::try_from(n).unwrap_or(usize::MAX)))
    };
    let count = read("OTEL_ATTRIBUTE_COUNT_LIMIT")?;
    let length = read("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")?;
    let default = SpanLimits::default();
    Ok(SpanLimits {
        max_attributes: read("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT")?
            .or(count)
            .unwrap_or(default.max_attributes),
        max_events: read("OTEL_SPAN_EVENT_COUNT_LIMIT")?.unwrap_or(default.max_events),
        max_links: read("OTEL_SPAN_LINK_COUNT_LIMIT")?.unwrap_or(default.max_links),
        max_attributes_per_event: read("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT")?
            .or(count)
            .unwrap_or(default.max_attributes_per_event),
        max_attributes_per_link: read("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT")?
            .or(count)
            .unwrap_or(default.max_attributes_per_link),
        max_attribute_value_length: read("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT")?.or(length),
        ..default
    })
}

/// Reports each setting in `ignored`.
fn report_each<'a>(ignored: impl Iterator<Item = &'a ConfigError>) {
    for ignored in ignored {
        report(
            DiagnosticKind::InvalidConfig,
            &format_args!("{ignored}; ignored"),
            None,
        );
    }
}

/// What [`init`](crate::init) takes out of a [`Config`].
pub(crate) struct Parts {
    pub(crate) sampler: Box<dyn Sampler>,
    pub(crate) processor: Option<Box<dyn SpanProcessor>>,
    pub(crate) limits: SpanLimits,
    /// `OTEL_SDK_DISABLED=true`: spans record nothing, a child span is its
    /// parent's context and a root span the invalid one.
    pub(crate) disabled: bool,
    /// `None` for the random default.
    pub(crate) ids: Option<Box<dyn IdGenerator>>,
    /// For the global propagator (see `Config::propagators`).
    pub(crate) propagators: Option<EnvPropagator>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// A configuration with the defaults: parent-based always-on sampling,
    /// default span limits, and no processor (spans are sampled and
    /// propagated but not exported).
    pub fn new() -> Config {
        Config {
            sampler: Box::new(ParentBased::new(AlwaysOn)),
            processor: None,
            limits: SpanLimits::default(),
            service_name: None,
            from_env: None,
            disabled: false,
            ids: None,
            batch: BatchConfig::default(),
            propagators: None,
            ignored: Vec::new(),
        }
    }

    /// Reads the process environment; see [`Config::from_lookup`].
    ///
    /// A variable whose value is not Unicode, which no reader can take, is
    /// ignored like an invalid one: read as unset, reported once as a
    /// [`DiagnosticKind::InvalidConfig`](crate::DiagnosticKind::InvalidConfig)
    /// and kept in [`Config::ignored`], with an empty
    /// [`value`](ConfigError::value) (the value is not quoted: it may be a
    /// secret).
    ///
    /// A problem in `OTEL_PROPAGATORS`, or in the `BATON_SESSION_HEADER`
    /// its `session` entry reads, is reported once in the process, here or
    /// by the [global propagator](crate::propagation::global_propagator),
    /// which reads the same values, whichever comes first.
    pub fn from_env() -> Result<Config, ConfigError> {
        let config = Config::from_process_env()?;
        // The session header is read for the list's `session` entry, as the
        // global propagator reads it.
        let propagators =
            |e: &ConfigError| [OTEL_PROPAGATORS, BATON_SESSION_HEADER].contains(&e.variable());
        // The global propagator may have reported them; claimed only with
        // something to report.
        let reported_already =
            config.ignored.iter().any(propagators) && !first_report_of_env_propagators();
        report_each(
            config
                .ignored
                .iter()
                .filter(|e| !(reported_already && propagators(e))),
        );
        Ok(config)
    }

    /// Reads the process environment and fails on the first invalid
    /// setting, a value that is not Unicode included; see
    /// [`Config::from_lookup_strict`].
    pub fn from_env_strict() -> Result<Config, ConfigError> {
        Config::from_process_env().and_then(Config::strict)
    }

    /// Reads the OpenTelemetry SDK variables through `lookup`:
    ///
    /// - `OTEL_SDK_DISABLED`: `true` makes [`init`](crate::init) install a
    ///   no-op tracer, as the OpenTelemetry spec says a disabled SDK is:
    ///   spans record nothing and nothing reaches any processor or exporter,
    ///   whatever is set in code afterwards; a span with a parent (remote
    ///   or local) carries the parent's context unchanged, so a received
    ///   `traceparent` propagates as is; a root span carries the
    ///   OpenTelemetry invalid span context (see
    ///   [`SpanContext::is_valid`](crate::SpanContext::is_valid)), which no
    ///   propagator injects. No other variable is read but
    ///   `OTEL_PROPAGATORS` (and `BATON_SESSION_HEADER`), which the spec
    ///   says a disabled SDK leaves in force.
    /// - `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`: see
    ///   [`sampler_from_env`](crate::export::sampler_from_env).
    /// - `OTEL_PROPAGATORS`: read as the global propagator reads it (see
    ///   [`global_propagator`](crate::propagation::global_propagator)),
    ///   the `session` entry's header from `BATON_SESSION_HEADER`; when it
    ///   names a propagator, [`init`](crate::init) installs it as the global propagator, unless
    ///   that was fixed before (set in code, or by a first inject or
    ///   extract), which it then reports if the two differ.
    /// - `OTEL_TRACES_EXPORTER`: a comma-separated, case-insensitive list of
    ///   `otlp` (the default, as in the OpenTelemetry spec; through a
    ///   [`BatchProcessor`]), `console` (trees on stdout through a
    ///   [`SimpleProcessor`]) and `none` (sample and propagate, export
    ///   nothing).
    /// - for `otlp`: the endpoint, protocol, compression, header, timeout
    ///   and resource variables of [`OtlpConfig::from_lookup`], and the
    ///   `OTEL_BSP_*` variables of [`BatchConfig::from_lookup`]. Each OTLP
    ///   request is bounded by the smaller of `OTEL_EXPORTER_OTLP_TIMEOUT`
    ///   and `OTEL_BSP_EXPORT_TIMEOUT`.
    /// - the span limits: `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`,
    ///   `OTEL_SPAN_EVENT_COUNT_LIMIT`, `OTEL_SPAN_LINK_COUNT_LIMIT`,
    ///   `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`, `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`,
    ///   `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, and the general
    ///   `OTEL_ATTRIBUTE_COUNT_LIMIT` and `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`
    ///   that apply where no specific one is set; whole numbers from 0 to
    ///   4294967295 (see [`SpanLimits`]).
    ///
    /// # Invalid values are ignored
    ///
    /// As the [OpenTelemetry environment spec](https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#configuration-types)
    /// asks, unset and empty variables keep their defaults, and an invalid
    /// value (an unknown enum value, a number that cannot be read or is out
    /// of range, a negative duration, a boolean other than `true` or
    /// `false`, a malformed list) is ignored: the configuration is exactly
    /// what it would be with that variable unset. A signal-specific
    /// variable ignored gives way to the general one
    /// (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` to
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`), a specific limit to
    /// `OTEL_ATTRIBUTE_*`. In the two lists, `OTEL_PROPAGATORS` and
    /// `OTEL_TRACES_EXPORTER`, an unknown name is left out and the known
    /// ones are used, as the Go and JavaScript SDKs do (a list of unknown
    /// names only is unset); `none` with other names ignores the whole
    /// setting. Of an OTLP endpoint with a fragment (`#…`), which is never
    /// sent to a server, only the fragment is ignored: the spans go to the
    /// URL before it, with the headers set for it (see
    /// [`ConfigError::kept`]).
    ///
    /// Headers go only to a collector they were set for, since they carry
    /// API keys: when an invalid `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` gives
    /// way to `OTEL_EXPORTER_OTLP_ENDPOINT`,
    /// `OTEL_EXPORTER_OTLP_TRACES_HEADERS` is ignored with it (the general
    /// headers, set for that endpoint, are sent); when an invalid endpoint
    /// gives way to the default `http://localhost:4318`, both
    /// `OTEL_EXPORTER_OTLP_TRACES_HEADERS` and `OTEL_EXPORTER_OTLP_HEADERS`
    /// are. Each header setting so ignored is reported and kept in
    /// [`Config::ignored`] like an invalid one, naming its headers but not
    /// their values.
    ///
    /// Nothing is dropped silently: each ignored setting is reported once
    /// as a [`DiagnosticKind::InvalidConfig`](crate::DiagnosticKind::InvalidConfig)
    /// naming the variable, the value and what was expected, and kept in
    /// [`Config::ignored`]. To fail instead, use
    /// [`Config::from_lookup_strict`].
    ///
    /// # Errors
    ///
    /// None today: every invalid setting can be ignored. The `Result`
    /// keeps `Config::from_env()?` working should a setting ever be found
    /// that cannot.
    ///
    /// ```
    /// let env = |k: &str| match k {
    ///     "OTEL_TRACES_EXPORTER" => Some("none".to_owned()),
    ///     "OTEL_TRACES_SAMPLER" => Some("always_off".to_owned()),
    ///     _ => None,
    /// };
    /// let config = baton::Config::from_lookup(env).unwrap();
    /// assert!(config.ignored().is_empty());
    ///
    /// // An unknown sampler: reported, kept, and the default sampler used.
    /// let env = |k: &str| match k {
    ///     "OTEL_TRACES_SAMPLER" => Some("sometimes".to_owned()),
    ///     "OTEL_BSP_SCHEDULE_DELAY" => Some("-5".to_owned()),
    ///     _ => None,
    /// };
    /// let config = baton::Config::from_lookup(env).unwrap();
    /// let ignored: Vec<_> = config.ignored().iter().map(|e| (e.variable(), e.value())).collect();
    /// assert_eq!(ignored, [("OTEL_TRACES_SAMPLER", "sometimes"), ("OTEL_BSP_SCHEDULE_DELAY", "-5")]);
    ///
    /// // In a list, an unknown name is left out.
    /// let both = baton::Config::from_lookup(|k| (k == "OTEL_TRACES_EXPORTER").then(|| "OTLP, zipkin".into())).unwrap();
    /// assert_eq!(both.ignored()[0].value(), "zipkin");
    ///
    /// // An endpoint ignored takes its headers with it: the API key is not
    /// // sent to http://localhost:4318.
    /// let env = |k: &str| match k {
    ///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("https://api.vendor.example".to_owned()),
    ///     "OTEL_EXPORTER_OTLP_HEADERS" => Some("api-key=s3cret".to_owned()),
    ///     _ => None,
    /// };
    /// let config = baton::Config::from_lookup(env).unwrap();
    /// let ignored: Vec<_> = config.ignored().iter().map(|e| (e.variable(), e.value())).collect();
    /// assert_eq!(ignored, [
    ///     ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://api.vendor.example"),
    ///     ("OTEL_EXPORTER_OTLP_HEADERS", "api-key"),
    /// ]);
    /// assert!(format!("{config:?}").contains("headers: []"));
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let config = Config::ignoring_invalid(&lookup, &RefCell::default())?;
        report_each(config.ignored.iter());
        Ok(config)
    }

    /// Reads the variables as [`Config::from_lookup`] does, but returns the
    /// first setting it would ignore as an error (and reports nothing), for
    /// a service that would rather not start with a typo in its
    /// configuration.
    ///
    /// ```
    /// let env = |k: &str| (k == "OTEL_PROPAGATORS").then(|| "tracecontext,xray".to_owned());
    /// let err = baton::Config::from_lookup_strict(env).err().unwrap();
    /// assert_eq!((err.variable(), err.value()), ("OTEL_PROPAGATORS", "xray"));
    /// // The same, from what `from_lookup` kept:
    /// let config = baton::Config::from_lookup(env).unwrap();
    /// assert_eq!(config.ignored().first(), Some(&err));
    /// ```
    pub fn from_lookup_strict(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        Config::ignoring_invalid(&lookup, &RefCell::default()).and_then(Config::strict)
    }

    /// The settings [`Config::from_lookup`] ignored, in the order found
    /// (whole variables first, then the entries left out of lists); empty
    /// for a configuration built in code.
    pub fn ignored(&self) -> &[ConfigError] {
        &self.ignored
    }

    /// The first setting ignored, as an error.
    fn strict(self) -> Result<Config, ConfigError> {
        match self.ignored.first() {
            Some(first) => Err(first.clone()),
            None => Ok(self),
        }
    }

    /// Reads the variables through `lookup` as [`Config::from_lookup`]
    /// does, from values as the operating system holds them: one that is
    /// not Unicode is ignored as [`Config::from_env`] ignores it (read as
    /// unset, reported, and kept in [`Config::ignored`] without its value).
    /// For a program that reads an environment of its own making, such as
    /// a child's, with [`from_env`](Config::from_env)'s rules.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::ffi::OsString;
    /// use std::os::unix::ffi::OsStringExt;
    /// let env = |k: &str| match k {
    ///     "OTEL_SERVICE_NAME" => Some(OsString::from("checkout")),
    ///     "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(OsString::from_vec(b"http://c\xff".to_vec())),
    ///     _ => None,
    /// };
    /// let config = baton::Config::from_os_lookup(env).unwrap();
    /// let ignored: Vec<_> = config.ignored().iter().map(|e| (e.variable(), e.value())).collect();
    /// assert_eq!(ignored, [("OTEL_EXPORTER_OTLP_ENDPOINT", "")]);
    /// # }
    /// ```
    pub fn from_os_lookup(
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Config, ConfigError> {
        let config = Config::from_values(lookup)?;
        report_each(config.ignored.iter());
        Ok(config)
    }

    /// Reads the process environment, as [`Config::from_values`] reads it.
    fn from_process_env() -> Result<Config, ConfigError> {
        Config::from_values(|key| std::env::var_os(key))
    }

    /// Reads values as the operating system holds them, as
    /// [`Config::ignoring_invalid`] reads a lookup closure; a variable it
    /// asks for whose value is not Unicode is read as unset and ignored.
    fn from_values(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Config, ConfigError> {
        let not_unicode: RefCell<Vec<ConfigError>> = RefCell::default();
        let lookup = |key: &str| match lookup(key)?.into_string() {
            Ok(value) => Some(value),
            Err(_) => {
                let mut found = not_unicode.borrow_mut();
                if !found.iter().any(|e| e.variable() == key) {
                    found.push(ConfigError::not_unicode(key));
                }
                None
            }
        };
        Config::ignoring_invalid(&lookup, &not_unicode)
    }

    /// Reads the variables through `lookup`, ignoring each invalid one;
    /// `unreadable` holds the variables `lookup` found set but could not
    /// give (read as unset), for them to be ignored too, and their headers
    /// with an endpoint among them.
    fn ignoring_invalid(
        lookup: &dyn Fn(&str) -> Option<String>,
        unreadable: &RefCell<Vec<ConfigError>>,
    ) -> Result<Config, ConfigError> {
        let (mut config, mut ignored) = ignoring_invalid(lookup, Config::read, |ignored| {
            let mut along = unreadable.borrow().clone();
            along.extend(headers_without_their_endpoint(lookup, ignored));
            along
        })?;
        ignored.append(&mut config.ignored);
        config.ignored = ignored;
        Ok(config)
    }

    /// Reads the variables, failing on the first invalid one; the entries
    /// left out of lists go to `ignored`.
    fn read(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env = Env(lookup);
        // Read even for a disabled SDK: the spec says `OTEL_SDK_DISABLED`
        // "has no effect on propagators configured through the
        // OTEL_PROPAGATORS variable".
        let (propagators, mut ignored) = propagators(&env);
        if sdk_disabled(&env)? {
            return Ok(Config {
                disabled: true,
                propagators,
                ignored,
                ..Config::new()
            });
        }
        let (sampler, unread_argument) = sampler_env::read(lookup)?;
        ignored.extend(unread_argument);
        let limits = span_limits(&env)?;
        let exporters = exporters(&env, &mut ignored)?;
        let otlp = if exporters.contains(&EnvExporter::Otlp) {
            Some(OtlpConfig::read(lookup, &mut ignored)?)
        } else {
            None
        };
        let batch = BatchConfig::from_lookup(lookup)?;
        Ok(Config {
            sampler,
            processor: None,
            limits,
            service_name: None,
            from_env: (!exporters.is_empty()).then_some(EnvExport { exporters, otlp }),
            disabled: false,
            ids: None,
            batch,
            propagators,
            ignored,
        })
    }

    /// Sets the sampler. Defaults to `ParentBased(AlwaysOn)`.
    pub fn sampler(mut self, sampler: impl Sampler) -> Config {
        self.sampler = Box::new(sampler);
        self
    }

    /// Sets the processor, replacing any exporter chosen so far. Defaults to
    /// none (or what [`Config::from_env`] chose). It keeps its own resource:
    /// a [`Config::service_name`] beside it is reported (see there).
    #[track_caller]
    pub fn processor(mut self, processor: impl SpanProcessor) -> Config {
        self.processor = Some(Box::new(processor));
        self.from_env = None;
        self.report_service_name_unused();
        self
    }

    /// Exports through `exporter` with a [`SimpleProcessor`], on the thread
    /// that ends each span (for tests and in-memory exporters).
    #[track_caller]
    pub fn exporter(self, exporter: impl SpanExporter) -> Config {
        self.processor(SimpleProcessor::new(exporter))
    }

    /// Exports through `exporter` with a [`BatchProcessor`] (for anything
    /// that does I/O), configured by the `OTEL_BSP_*` variables that
    /// [`Config::from_lookup`] or [`Config::from_env`] read, as the
    /// OpenTelemetry SDKs' batch processors take their defaults from them;
    /// by the default [`BatchConfig`] for a configuration built in code.
    #[track_caller]
    pub fn batch_exporter(self, exporter: impl SpanExporter) -> Config {
        let batch = self.batch;
        self.processor(BatchProcessor::new(exporter, batch))
    }

    /// Sets where the ids of new spans come from (the OpenTelemetry SDK's
    /// `IdGenerator`). Defaults to [`RandomIdGenerator`](crate::RandomIdGenerator); see
    /// [`IdGenerator`] for an example.
    pub fn id_generator(mut self, generator: impl IdGenerator) -> Config {
        self.ids = id_generator::custom(generator);
        self
    }

    /// Sets the per-span limits. Defaults to 128 attributes, events and
    /// links, 128 attributes per event and per link, and no value length
    /// limit (or what [`Config::from_env`] read). A value depth past
    /// [`SpanLimits::MAX_DEPTH`] is taken as that, and reported as
    /// [`DiagnosticKind::InvalidArgument`].
    #[track_caller]
    pub fn span_limits(mut self, limits: SpanLimits) -> Config {
        let depth = limits.max_attribute_value_depth.min(SpanLimits::MAX_DEPTH);
        if depth < limits.max_attribute_value_depth {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!(
                    "span limits: attribute value depth {} is past the deepest baton walks; using {depth}",
                    limits.max_attribute_value_depth
                ),
                Some(std::panic::Location::caller()),
            );
        }
        self.limits = SpanLimits {
            max_attribute_value_depth: depth,
            ..limits
        };
        self
    }

    /// Sets the `service.name` resource attribute of the exporter chosen by
    /// [`Config::from_env`], over `OTEL_SERVICE_NAME`. An exporter or
    /// processor set in code keeps its own resource (name it there, e.g.
    /// with [`OtlpConfig::service_name`]): beside one, this name reaches no
    /// span, which is reported as a
    /// [`DiagnosticKind::InvalidArgument`] with the caller's line, whichever
    /// of the two is set first.
    #[track_caller]
    pub fn service_name(mut self, name: impl Into<String>) -> Config {
        self.service_name = Some(name.into());
        self.report_service_name_unused();
        self
    }

    /// Reports a service name set beside a processor set in code, which
    /// keeps its own resource: the name would otherwise be dropped unseen.
    #[track_caller]
    fn report_service_name_unused(&self) {
        if let (Some(name), Some(_)) = (&self.service_name, &self.processor) {
            report(
                DiagnosticKind::InvalidArgument,
                &format_args!(
                    "Config::service_name({name:?}) beside a processor or exporter set in \
                     code names nothing: it keeps its own resource (name it there, e.g. \
                     with OtlpConfig::service_name)"
                ),
                Some(std::panic::Location::caller()),
            );
        }
    }

    /// The service name set with [`Config::service_name`], if any; not
    /// `OTEL_SERVICE_NAME` or a `service.name` in `OTEL_RESOURCE_ATTRIBUTES`,
    /// which [`Config::from_env`] reads into the resource of the exporter
    /// it chooses, and which this one replaces there when set.
    pub fn get_service_name(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    /// The per-span limits.
    pub fn get_span_limits(&self) -> SpanLimits {
        self.limits
    }

    /// Whether `OTEL_SDK_DISABLED=true` made this a no-op tracer.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    pub(crate) fn into_parts(self) -> Parts {
        if self.disabled {
            return Parts {
                sampler: Box::new(AlwaysOff),
                processor: None,
                limits: self.limits,
                disabled: true,
                ids: None,
                // `OTEL_SDK_DISABLED` leaves the propagators as configured.
                propagators: self.propagators,
            };
        }
        let processor = match (self.processor, self.from_env) {
            (Some(p), _) => Some(p),
            (None, Some(export)) => Some(export.into_processor(self.service_name, self.batch)),
            (None, None) => None,
        };
        Parts {
            sampler: self.sampler,
            processor,
            limits: self.limits,
            disabled: false,
            ids: self.ids,
            propagators: self.propagators,
        }
    }
}

/// Every setting, for logs and for comparing two configurations: the
/// sampler by its description, a processor or id generator set in code as
/// such, OTLP header values redacted, and the settings ignored.
///
/// ```
/// let env = |k: &str| (k == "OTEL_TRACES_SAMPLER").then(|| "always_off".to_owned());
/// let shown = format!("{:?}", baton::Config::from_lookup(env).unwrap());
/// assert!(shown.contains("sampler: \"AlwaysOffSampler\""), "{shown}");
/// ```
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("sampler", &self.sampler.description())
            .field("processor", &self.processor.as_ref().map(|_| "set in code"))
            .field("limits", &self.limits)
            .field("service_name", &self.service_name)
            .field("from_env", &self.from_env)
            .field("disabled", &self.disabled)
            .field("id_generator", &self.ids.as_ref().map(|_| "set in code"))
            .field("batch", &self.batch)
            .field(
                "propagators",
                &self.propagators.as_ref().map(|(p, _)| p.fields()),
            )
            .field("ignored", &self.ignored)
            .finish()
    }
}

impl EnvExport {
    fn into_processor(
        self,
        service_name: Option<String>,
        batch: BatchConfig,
    ) -> Box<dyn SpanProcessor> {
        let EnvExport {
            exporters,
            mut otlp,
        } = self;
        let mut processors: Vec<Box<dyn SpanProcessor>> = exporters
            .into_iter()
            .filter_map(|exporter| -> Option<Box<dyn SpanProcessor>> {
                match exporter {
                    // `from_lookup` read the OTLP settings since `otlp` was
                    // chosen, and each exporter is listed once.
                    EnvExporter::Otlp => {
                        let mut config = otlp.take()?;
                        if let Some(name) = &service_name {
                            config = config.service_name(name.clone());
                        }
                        // The processor tells the exporter its export
                        // timeout, which bounds each request too.
                        let exporter = OtlpExporter::new(config);
                        Some(Box::new(BatchProcessor::new(exporter, batch)))
                    }
                    EnvExporter::Console => {
                        Some(Box::new(SimpleProcessor::new(ConsoleExporter::stdout())))
                    }
                }
            })
            .collect();
        if processors.len() == 1 {
            processors.remove(0)
        } else {
            Box::new(FanOut::new(processors))
        }
    }
}

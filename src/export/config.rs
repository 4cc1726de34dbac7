//! `Config`: what [`init`](crate::init) installs, built in code or read
//! from the `OTEL_*` environment variables.

use crate::export::batch::BatchConfig;
use crate::export::config_error::Env;
use crate::export::{
    BatchProcessor, ConfigError, ConsoleExporter, OtlpConfig, OtlpExporter, SimpleProcessor,
    SpanExporter, SpanProcessor,
};
use crate::sampling::{sampler_from_env, AlwaysOn, ParentBased, Sampler};
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
/// ```
///
/// # Example: from the environment, as a service's `main` does
/// ```no_run
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let _pipeline = baton::init(baton::Config::from_env()?.service_name("checkout"))?;
///     Ok(())
/// }
/// ```
#[must_use]
pub struct Config {
    sampler: Box<dyn Sampler>,
    processor: Option<Box<dyn SpanProcessor>>,
    limits: SpanLimits,
    service_name: Option<String>,
    /// The exporter chosen by `OTEL_TRACES_EXPORTER`, built at `init` so
    /// that a later [`Config::service_name`] still reaches its resource.
    from_env: Option<EnvExport>,
}

enum EnvExporter {
    Otlp(OtlpConfig),
    Console,
}

struct EnvExport {
    exporter: EnvExporter,
    batch: BatchConfig,
}

/// What [`init`](crate::init) takes out of a [`Config`].
pub(crate) struct Parts {
    pub(crate) sampler: Box<dyn Sampler>,
    pub(crate) processor: Option<Box<dyn SpanProcessor>>,
    pub(crate) limits: SpanLimits,
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
        }
    }

    /// Reads the process environment; see [`Config::from_lookup`].
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the OpenTelemetry SDK variables through `lookup`:
    ///
    /// - `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`: see
    ///   [`sampler_from_env`].
    /// - `OTEL_TRACES_EXPORTER`: `otlp` (the default, as in the
    ///   OpenTelemetry spec), `console` (trees on stdout through a
    ///   [`SimpleProcessor`]) or `none` (sample and propagate, export
    ///   nothing).
    /// - for `otlp`: the endpoint, header, timeout and resource variables of
    ///   [`OtlpConfig::from_lookup`], and the `OTEL_BSP_*` variables of
    ///   [`BatchConfig::from_lookup`] for its [`BatchProcessor`].
    ///
    /// Unset and empty variables keep their defaults; an invalid value is an
    /// error naming the variable and the value.
    ///
    /// ```
    /// let env = |k: &str| match k {
    ///     "OTEL_TRACES_EXPORTER" => Some("none".to_owned()),
    ///     "OTEL_TRACES_SAMPLER" => Some("always_off".to_owned()),
    ///     _ => None,
    /// };
    /// assert!(baton::Config::from_lookup(env).is_ok());
    /// let err = baton::Config::from_lookup(|k| (k == "OTEL_TRACES_EXPORTER").then(|| "zipkin".into()));
    /// assert_eq!(err.err().unwrap().variable(), "OTEL_TRACES_EXPORTER");
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        const EXPORTER: &str = "OTEL_TRACES_EXPORTER";
        let sampler = sampler_from_env(&lookup)?;
        let env = Env(&lookup);
        let chosen = env.get(EXPORTER).unwrap_or_else(|| "otlp".to_owned());
        let exporter = match chosen.trim() {
            "otlp" => Some(EnvExporter::Otlp(OtlpConfig::from_lookup(&lookup)?)),
            "console" => Some(EnvExporter::Console),
            "none" => None,
            _ => {
                return Err(ConfigError::new(
                    EXPORTER,
                    &chosen,
                    "expected one of otlp, console, none",
                ))
            }
        };
        let batch = BatchConfig::from_lookup(&lookup)?;
        Ok(Config {
            sampler,
            processor: None,
            limits: SpanLimits::default(),
            service_name: None,
            from_env: exporter.map(|exporter| EnvExport { exporter, batch }),
        })
    }

    /// Sets the sampler. Defaults to `ParentBased(AlwaysOn)`.
    pub fn sampler(mut self, sampler: impl Sampler) -> Config {
        self.sampler = Box::new(sampler);
        self
    }

    /// Sets the processor, replacing any exporter chosen so far. Defaults to
    /// none (or what [`Config::from_env`] chose).
    pub fn processor(mut self, processor: impl SpanProcessor) -> Config {
        self.processor = Some(Box::new(processor));
        self.from_env = None;
        self
    }

    /// Exports through `exporter` with a [`SimpleProcessor`], on the thread
    /// that ends each span (for tests and in-memory exporters).
    pub fn exporter(self, exporter: impl SpanExporter) -> Config {
        self.processor(SimpleProcessor::new(exporter))
    }

    /// Exports through `exporter` with a [`BatchProcessor`] and the default
    /// [`BatchConfig`] (for anything that does I/O).
    pub fn batch_exporter(self, exporter: impl SpanExporter) -> Config {
        self.processor(BatchProcessor::new(exporter, BatchConfig::default()))
    }

    /// Sets the per-span limits. Defaults to 128 attributes, events and links.
    pub fn span_limits(mut self, limits: SpanLimits) -> Config {
        self.limits = limits;
        self
    }

    /// Sets the `service.name` resource attribute of the exporter chosen by
    /// [`Config::from_env`], over `OTEL_SERVICE_NAME`. (An exporter built in
    /// code takes its own, e.g. [`OtlpConfig::service_name`].)
    pub fn service_name(mut self, name: impl Into<String>) -> Config {
        self.service_name = Some(name.into());
        self
    }

    /// The configured service name.
    pub fn get_service_name(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    pub(crate) fn into_parts(self) -> Parts {
        let processor = match (self.processor, self.from_env) {
            (Some(p), _) => Some(p),
            (None, Some(EnvExport { exporter, batch })) => Some(match exporter {
                EnvExporter::Otlp(mut otlp) => {
                    if let Some(name) = self.service_name {
                        otlp = otlp.service_name(name);
                    }
                    Box::new(BatchProcessor::new(OtlpExporter::new(otlp), batch))
                        as Box<dyn SpanProcessor>
                }
                EnvExporter::Console => Box::new(SimpleProcessor::new(ConsoleExporter::stdout())),
            }),
            (None, None) => None,
        };
        Parts {
            sampler: self.sampler,
            processor,
            limits: self.limits,
        }
    }
}
